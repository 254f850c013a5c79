// Detections: model output above threshold, merged into events, reviewed by people.
import { z } from 'zod'
import { method } from './define'
import { Id, IsoTime } from './common'

export const ReviewState = z.enum(['unreviewed', 'confirmed', 'rejected', 'uncertain'])
export type ReviewState = z.infer<typeof ReviewState>

export const DetectionRow = z.object({
  id: Id,
  recordingId: Id,
  fileName: z.string(),
  siteId: Id.nullable(),
  siteName: z.string().nullable(),
  deploymentId: Id.nullable(),
  labelId: Id,
  labelCode: z.string(),
  labelName: z.string().nullable(),
  modelId: Id,
  modelName: z.string(),
  startS: z.number(),
  endS: z.number(),
  /** absolute start (ISO) when the recording's start time is known */
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
  from: IsoTime.optional(),
  to: IsoTime.optional(),
  reviewStates: z.array(ReviewState).max(4).optional(),
}).strict()
export type DetectionFilter = z.infer<typeof DetectionFilter>

export const DetectionSort = z.object({
  by: z.enum(['score', 'time', 'label', 'recording']),
  dir: z.enum(['asc', 'desc']),
}).strict()

export const ScoreHistogram = z.object({
  labelId: Id,
  bins: z.array(z.object({ from: z.number(), to: z.number(), count: z.number().int() })),
  total: z.number().int(),
})

export const detectionsContract = {
  /** Server-side paging/sorting/filtering: stays fast at millions of rows. */
  list: method(
    z.object({ filter: DetectionFilter.optional(), sort: DetectionSort.optional(), offset: z.number().int().min(0).max(1e9), limit: z.number().int().min(1).max(1000) }).strict(),
    z.object({ total: z.number().int(), items: z.array(DetectionRow) }),
  ),
  get: method(z.object({ id: Id }).strict(), DetectionRow),
  /** Confirm / reject / uncertain / back to unreviewed; optionally relabel. Stored for training. */
  review: method(z.object({ id: Id, state: ReviewState, labelId: Id.optional() }).strict(), DetectionRow),
  histogram: method(z.object({ labelId: Id, modelId: Id.optional(), bins: z.number().int().min(2).max(200).optional(), filter: DetectionFilter.optional() }).strict(), ScoreHistogram),
  countAbove: method(z.object({ labelId: Id, threshold: z.number().min(0).max(1), filter: DetectionFilter.optional() }).strict(), z.object({ count: z.number().int(), total: z.number().int() })),
}
