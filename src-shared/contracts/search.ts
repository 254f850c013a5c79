// Search by example: the windows of the whole project most similar (cosine over stored window
// embeddings) to a region of one recording.
import { z } from 'zod'
import { method } from './define'
import { Id } from './common'
import { ReviewWindow } from './training'

export const SearchRequest = z.object({
  recordingId: Id,
  startS: z.number().min(0).max(1e8),
  endS: z.number().min(0).max(1e8),
  /** Default 50. */
  k: z.number().int().min(1).max(1000).optional(),
  /** Default: the analysis of the active encoder that covers the recording (the most recent one). */
  encoderId: Id.optional(),
  windowS: z.number().positive().max(600).optional(),
  hopS: z.number().positive().max(600).optional(),
  /** Leave out windows that already carry a decision (default false: they are shown with it). */
  excludeReviewed: z.boolean().optional(),
}).strict()
export type SearchRequest = z.infer<typeof SearchRequest>

export const SearchHit = ReviewWindow.extend({
  /** One of the windows the query was made from. */
  isQuery: z.boolean(),
})
export type SearchHit = z.infer<typeof SearchHit>

export const SearchResponse = z.object({
  hits: z.array(SearchHit),
  query: z.object({
    encoderId: Id,
    analysisId: Id,
    windowS: z.number(),
    hopS: z.number(),
    /** The windows of the region whose mean embedding is the query. */
    windows: z.array(z.object({ startS: z.number(), endS: z.number() })),
  }),
  index: z.object({
    windows: z.number().int(),
    /** True when this call had to build (or rebuild) the index. */
    built: z.boolean(),
    /** Seconds the current index took to build, and its memory. */
    buildSeconds: z.number(),
    bytes: z.number(),
  }),
  /** False only when the exact re-ranking was cut short (very flat similarity landscapes). */
  exact: z.boolean(),
  seconds: z.number(),
}).strict()
export type SearchResponse = z.infer<typeof SearchResponse>

export const searchContract = {
  query: method(SearchRequest, SearchResponse, { cancellable: true }),
}
