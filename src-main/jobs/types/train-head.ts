import { RESUMABLE_JOB_STATUSES, TrainHeadParams } from '../../../src-shared/contracts'
import type { JobTypeDefinition } from '../job-type'

/** Trains and registers a head version; nothing is registered until the end, so a resumed one starts over. */
export const trainHeadJob: JobTypeDefinition = {
  type: 'train-head',
  params: TrainHeadParams,
  resource: 'cpu',
  worker: 'train-head',
  resumableFrom: RESUMABLE_JOB_STATUSES,
  resumeFrom: () => null,
}
