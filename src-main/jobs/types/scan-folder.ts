import { RESUMABLE_JOB_STATUSES, ScanFolderParams } from '../../../src-shared/contracts'
import type { JobTypeDefinition } from '../job-type'

/** Counts audio files under a folder; resumes from the last committed batch of headers checked. */
export const scanFolderJob: JobTypeDefinition = {
  type: 'scan-folder',
  params: ScanFolderParams,
  resource: 'io',
  worker: 'scan-folder',
  resumableFrom: RESUMABLE_JOB_STATUSES,
  resumeFrom: (job) => job.checkpoint,
}
