// Activity statistics: detections per day and per hour of day, normalised by how long the
// recorders were actually recording, so a site recorded twice as long does not look twice as busy.
import { z } from 'zod'
import { method } from './define'
import { Id, IsoTime } from './common'

export const ActivityQuery = z.object({
  /** one site; all sites pooled when absent */
  siteId: Id.optional(),
  /** one label; every label counted together when absent */
  labelId: Id.optional(),
  modelId: Id.optional(),
  /** count only detections a reviewer confirmed */
  confirmedOnly: z.boolean().optional(),
  /** count only detections scoring at least this */
  minScore: z.number().min(0).max(1).optional(),
  /** wall-clock date range (inclusive, YYYY-MM-DD or date-time) */
  from: IsoTime.optional(),
  to: IsoTime.optional(),
}).strict()
export type ActivityQuery = z.infer<typeof ActivityQuery>

export const DailyActivity = z.object({
  /** YYYY-MM-DD on the recorders' clock */
  date: z.string(),
  detections: z.number().int(),
  recordedHours: z.number(),
  /** detections per recorded hour; null when nothing was recorded that day */
  perRecordedHour: z.number().nullable(),
})
export type DailyActivity = z.infer<typeof DailyActivity>

export const DielCell = z.object({
  date: z.string(),
  /** 0–23 */
  hour: z.number().int(),
  detections: z.number().int(),
  recordedHours: z.number(),
  perRecordedHour: z.number().nullable(),
})
export type DielCell = z.infer<typeof DielCell>

/** How the hours of the day are to be read: recorders' clocks, with or without a known zone. */
export const TimeBasis = z.object({
  /** true when every counted recording states its UTC offset */
  zoneKnown: z.boolean(),
  recordings: z.number().int(),
  /** recordings whose start time has no offset: their local time zone is unknown */
  withoutZone: z.number().int(),
  /** recordings stamped in UTC (offset 0): their hours are UTC, not necessarily local */
  inUtc: z.number().int(),
  /** recordings (and their detections) left out because their start time is unknown */
  withoutStartTime: z.number().int(),
  detectionsWithoutStartTime: z.number().int(),
  /** one sentence for people */
  note: z.string(),
})
export type TimeBasis = z.infer<typeof TimeBasis>

export const Activity = z.object({
  /**
   * Every date from the first to the last recorded day, gaps included — unless that span is longer
   * than 1000 days (a recorder whose clock was never set), then only dates with recordings or
   * detections and `sparseDates` is true.
   */
  daily: z.array(DailyActivity),
  sparseDates: z.boolean(),
  /** dates × 24 hours, row-major by date; cells of unrecorded hours have recordedHours 0 */
  diel: z.array(DielCell),
  totals: z.object({ detections: z.number().int(), recordedHours: z.number(), perRecordedHour: z.number().nullable() }),
  timeBasis: TimeBasis,
})
export type Activity = z.infer<typeof Activity>

export const StatsTable = z.enum(['daily', 'diel'])
export type StatsTable = z.infer<typeof StatsTable>

export const statsContract = {
  activity: method(z.object({ query: ActivityQuery }).strict(), Activity),
  /** The same tables as CSV text (UTF-8, comma-separated, header row) with a suggested file name. */
  exportCsv: method(z.object({ table: StatsTable, query: ActivityQuery }).strict(), z.object({ fileName: z.string(), text: z.string() })),
}
