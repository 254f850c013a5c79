import { RESUMABLE_JOB_STATUSES, RescoreParams } from '../../../src-shared/contracts'
import type { JobTypeDefinition } from '../job-type'

/** Recomputes heads' detections from stored embeddings; idempotent, so a resumed one starts again. */
export const rescoreJob: JobTypeDefinition = {
  type: 'rescore',
  params: RescoreParams,
  resource: 'cpu',
  worker: 'rescore',
  resumableFrom: RESUMABLE_JOB_STATUSES,
  resumeFrom: () => null,
}
