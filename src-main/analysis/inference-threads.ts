import { availableParallelism } from 'node:os'

/**
 * Intra-op threads when neither the job nor the settings name a count: every core, at most 8.
 * Always a concrete number, stored with the job, because the count decides the exact bytes.
 */
export function defaultInferenceThreads(): number {
  return Math.max(1, Math.min(8, availableParallelism()))
}
