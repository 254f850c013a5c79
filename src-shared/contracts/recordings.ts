// Recordings, sites and deployments: what an imported season looks like to the UI.
import { z } from 'zod'
import { method } from './define'
import { Empty, FsPath, Id, IsoTime, ShortText } from './common'

export const RecordingStatus = z.enum(['ok', 'missing', 'quarantined'])
export type RecordingStatus = z.infer<typeof RecordingStatus>

export const MetadataConflict = z.object({
  field: z.string(),
  values: z.array(z.object({ source: z.string(), value: z.unknown() })),
})
export type MetadataConflict = z.infer<typeof MetadataConflict>

export const RecordingSummary = z.object({
  id: Id,
  deploymentId: Id.nullable(),
  siteId: Id.nullable(),
  fileName: z.string(),
  path: z.string(),
  format: z.string(),
  sampleRate: z.number().nullable(),
  /** header rate × time-expansion factor (what the audio really is). */
  effectiveSampleRate: z.number().nullable(),
  channels: z.number().nullable(),
  durationS: z.number().nullable(),
  /** ISO 8601; with offset when the zone is known, else local wall time without offset. */
  startTime: z.string().nullable(),
  status: RecordingStatus,
  statusReason: z.string().nullable(),
  annotationCount: z.number().int(),
  detectionCount: z.number().int(),
  hasConflicts: z.boolean(),
})
export type RecordingSummary = z.infer<typeof RecordingSummary>

export const RecordingDetail = RecordingSummary.extend({
  siteName: z.string().nullable(),
  deploymentName: z.string().nullable(),
  sizeBytes: z.number(),
  fingerprint: z.string(),
  timeExpansion: z.number(),
  metadata: z.record(z.string(), z.unknown()),
  conflicts: z.array(MetadataConflict),
  warnings: z.array(z.string()),
  importedAt: z.string(),
})
export type RecordingDetail = z.infer<typeof RecordingDetail>

export const DeploymentNode = z.object({
  id: Id,
  siteId: Id,
  name: z.string(),
  recorderModel: z.string().nullable(),
  recorderSerial: z.string().nullable(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
  /** Every recording of the deployment, quarantined ones included (as `recordings.list` counts them). */
  recordingCount: z.number().int(),
  totalDurationS: z.number(),
  quarantinedCount: z.number().int(),
})
export type DeploymentNode = z.infer<typeof DeploymentNode>

export const SiteNode = z.object({
  id: Id,
  name: z.string(),
  latitude: z.number().nullable(),
  longitude: z.number().nullable(),
  deployments: z.array(DeploymentNode),
})
export type SiteNode = z.infer<typeof SiteNode>

export const RecordingFilter = z.object({
  siteId: Id.optional(),
  deploymentId: Id.optional(),
  /** inclusive range on start time (ISO date or date-time) */
  from: IsoTime.optional(),
  to: IsoTime.optional(),
  hasAnnotations: z.boolean().optional(),
  hasDetections: z.boolean().optional(),
  status: RecordingStatus.optional(),
  /** substring of the file name, case-insensitive */
  search: ShortText.optional(),
}).strict()
export type RecordingFilter = z.infer<typeof RecordingFilter>

export const RecordingSort = z.object({
  by: z.enum(['startTime', 'fileName', 'duration', 'detections', 'annotations']),
  dir: z.enum(['asc', 'desc']),
}).strict()

export const Page = z.object({
  offset: z.number().int().min(0).max(100_000_000),
  limit: z.number().int().min(1).max(1000),
}).strict()

export const CoverageInterval = z.object({
  recordingId: Id,
  /** epoch milliseconds (UTC when the zone is known, else local wall time read as UTC) */
  start: z.number(),
  end: z.number(),
})

export const Coverage = z.object({
  deploymentId: Id,
  /** false when start times are local wall time with unknown zone */
  zoneKnown: z.boolean(),
  intervals: z.array(CoverageInterval),
  /**
   * Breaks in the schedule: with a detected duty cycle, spans where at least one scheduled
   * recording is missing (not the planned off-time); otherwise every break longer than 2 s.
   */
  gaps: z.array(z.object({ start: z.number(), end: z.number() })),
  recordedSeconds: z.number(),
  spanSeconds: z.number(),
  /** Detected schedule, e.g. 60 s on / 540 s off; null when irregular. */
  dutyCycle: z.object({ onSeconds: z.number(), periodSeconds: z.number(), fraction: z.number() }).nullable(),
  recordingsWithoutTime: z.number().int(),
})
export type Coverage = z.infer<typeof Coverage>

export const recordingsContract = {
  /** Sites → deployments with counts (the browser's left pane). */
  tree: method(Empty, z.array(SiteNode)),
  list: method(
    z.object({ filter: RecordingFilter.optional(), sort: RecordingSort.optional(), page: Page }).strict(),
    z.object({ total: z.number().int(), items: z.array(RecordingSummary) }),
  ),
  get: method(z.object({ id: Id }).strict(), RecordingDetail),
  coverage: method(z.object({ deploymentId: Id }).strict(), Coverage),
  /** A moved folder: every recording under `fromDir` is looked for under `toDir` (same relative path + fingerprint). */
  relink: method(
    z.object({ fromDir: FsPath, toDir: FsPath }).strict(),
    z.object({ relinked: z.number().int(), notFound: z.number().int(), fingerprintMismatch: z.number().int() }),
  ),
  updateSite: method(
    z.object({ id: Id, name: z.string().min(1).max(200).optional(), latitude: z.number().min(-90).max(90).nullable().optional(), longitude: z.number().min(-180).max(180).nullable().optional() }).strict(),
    SiteNode,
  ),
  updateDeployment: method(
    z.object({ id: Id, name: z.string().min(1).max(200).optional(), siteId: Id.optional() }).strict(),
    DeploymentNode,
  ),
}
