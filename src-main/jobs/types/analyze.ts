import { RESUMABLE_JOB_STATUSES, AnalyzeParams } from '../../../src-shared/contracts'
import type { JobTypeDefinition } from '../job-type'

/**
 * Embeds and scores recordings; resumes after the last committed recording. It holds the
 * inference engine, so it runs in the 'gpu' class: one analysis at a time, whatever the provider.
 */
export const analyzeJob: JobTypeDefinition = {
  type: 'analyze',
  params: AnalyzeParams,
  resource: 'gpu',
  worker: 'analyze',
  resumableFrom: RESUMABLE_JOB_STATUSES,
  resumeFrom: (job) => job.checkpoint,
}
