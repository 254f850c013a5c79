// Detections: model output above threshold, merged into events, reviewed by people.
import { z } from 'zod'
import { method } from './define'
import { Empty, Id, IsoTime } from './common'

export const ReviewState = z.enum(['unreviewed', 'confirmed', 'rejected', 'uncertain'])
export type ReviewState = z.infer<typeof ReviewState>

export const DetectionRow = z.object({
  id: Id,
  recordingId: Id,
  fileName: z.string(),
  /** of the recording; null for a quarantined file */
  recordingDurationS: z.number().nullable(),
  siteId: Id.nullable(),
  siteName: z.string().nullable(),
  deploymentId: Id.nullable(),
  labelId: Id,
  labelCode: z.string(),
  labelName: z.string().nullable(),
  labelColor: z.string().nullable(),
  /** the label the model gave, when a reviewer relabelled the detection; else null */
  originalLabelId: Id.nullable(),
  originalLabelCode: z.string().nullable(),
  modelId: Id,
  modelName: z.string(),
  startS: z.number(),
  endS: z.number(),
  /**
   * Absolute start when the recording's start time is known: ISO 8601 with the recording's offset
   * when it has one, else local wall time without offset.
   */
  startTime: z.string().nullable(),
  score: z.number(),
  reviewState: ReviewState,
  reviewedAt: z.string().nullable(),
})
export type DetectionRow = z.infer<typeof DetectionRow>

export const DetectionFilter = z.object({
  labelIds: z.array(Id).max(1000).optional(),
  modelId: Id.optional(),
  minScore: z.number().min(0).max(1).optional(),
  maxScore: z.number().min(0).max(1).optional(),
  siteId: Id.optional(),
  deploymentId: Id.optional(),
  recordingId: Id.optional(),
  /**
   * Wall-clock range on the detection's start, as the recorder's clock reads (time zones are not
   * converted). `from` is inclusive, `to` exclusive; a date-only `to` ("2024-05-03") includes that
   * whole day. Detections of recordings without a start time never match a date range.
   */
  from: IsoTime.optional(),
  to: IsoTime.optional(),
  reviewStates: z.array(ReviewState).max(4).optional(),
}).strict()
export type DetectionFilter = z.infer<typeof DetectionFilter>

/**
 * score: ties by id. time: by the recording's start time, then the offset in it (recordings without
 * a start time first when ascending). label: by label code, then score (descending within a label
 * whatever the direction). recording: by the recording's path, then the offset.
 */
export const DetectionSort = z.object({
  by: z.enum(['score', 'time', 'label', 'recording']),
  dir: z.enum(['asc', 'desc']),
}).strict()
export type DetectionSort = z.infer<typeof DetectionSort>

export const ScoreHistogram = z.object({
  labelId: Id,
  /** equal-width bins over [0, 1]; the last bin includes 1 */
  bins: z.array(z.object({ from: z.number(), to: z.number(), count: z.number().int() })),
  total: z.number().int(),
})
export type ScoreHistogram = z.infer<typeof ScoreHistogram>

/** What the filter bar offers: the labels, heads and sites that have detections, with counts. */
export const DetectionFacets = z.object({
  total: z.number().int(),
  labels: z.array(z.object({ id: Id, code: z.string(), name: z.string().nullable(), color: z.string().nullable(), count: z.number().int() })),
  models: z.array(z.object({ id: Id, name: z.string(), version: z.string(), count: z.number().int() })),
  sites: z.array(z.object({ id: Id, name: z.string(), count: z.number().int() })),
  /** detections of recordings that belong to no deployment */
  withoutSite: z.number().int(),
  reviewStates: z.record(ReviewState, z.number().int()),
  /** first and last recording start (wall clock) among recordings with detections */
  firstTime: z.string().nullable(),
  lastTime: z.string().nullable(),
})
export type DetectionFacets = z.infer<typeof DetectionFacets>

export const detectionsContract = {
  /** Server-side paging/sorting/filtering: stays fast at millions of rows. Default sort: score, descending. */
  list: method(
    z.object({ filter: DetectionFilter.optional(), sort: DetectionSort.optional(), offset: z.number().int().min(0).max(1e9), limit: z.number().int().min(1).max(1000) }).strict(),
    z.object({ total: z.number().int(), items: z.array(DetectionRow) }),
  ),
  get: method(z.object({ id: Id }).strict(), DetectionRow),
  /**
   * Confirm / reject / uncertain / back to unreviewed; optionally relabel (`labelId`): the model's
   * label is kept as `originalLabelId`. Stored for training.
   */
  review: method(z.object({ id: Id, state: ReviewState, labelId: Id.optional() }).strict(), DetectionRow),
  /** Score distribution of one label; the filter's score bounds and label list are ignored. */
  histogram: method(z.object({ labelId: Id, modelId: Id.optional(), bins: z.number().int().min(2).max(200).optional(), filter: DetectionFilter.optional() }).strict(), ScoreHistogram),
  /** Detections of one label scoring ≥ threshold, and of that label in total (the filter's score bounds and labels are ignored). */
  countAbove: method(z.object({ labelId: Id, threshold: z.number().min(0).max(1), filter: DetectionFilter.optional() }).strict(), z.object({ count: z.number().int(), total: z.number().int() })),
  facets: method(Empty, DetectionFacets),
}
