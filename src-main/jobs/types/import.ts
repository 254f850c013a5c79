import { RESUMABLE_JOB_STATUSES, ImportParams } from '../../../src-shared/contracts'
import type { JobTypeDefinition } from '../job-type'

/** Imports folder trees of recordings; resumes after the last committed batch. */
export const importJob: JobTypeDefinition = {
  type: 'import',
  params: ImportParams,
  resource: 'io',
  worker: 'import',
  resumableFrom: RESUMABLE_JOB_STATUSES,
  resumeFrom: (job) => job.checkpoint,
}
