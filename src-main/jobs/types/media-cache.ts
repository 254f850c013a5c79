import { RESUMABLE_JOB_STATUSES, MediaCacheParams } from '../../../src-shared/contracts'
import type { JobTypeDefinition } from '../job-type'

/** Precomputes peaks and spectrogram tiles; resumes after the last recording it finished. */
export const mediaCacheJob: JobTypeDefinition = {
  type: 'media-cache',
  params: MediaCacheParams,
  resource: 'cpu',
  worker: 'media-cache',
  resumableFrom: RESUMABLE_JOB_STATUSES,
  resumeFrom: (job) => job.checkpoint,
}
