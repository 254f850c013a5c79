import { RESUMABLE_JOB_STATUSES, TrainerImportParams } from '../../../src-shared/contracts'
import { TRAINER_JOB_TIMING, TRAINER_WORKER_NAME } from '../../trainer/trainer-jobs'
import type { JobTypeDefinition } from '../job-type'

/** Registers a trainer checkpoint made elsewhere after its parity check; all or nothing, so a resumed import starts again. */
export const trainerImportJob: JobTypeDefinition = {
  type: 'trainer-import',
  params: TrainerImportParams,
  resource: 'cpu',
  worker: TRAINER_WORKER_NAME,
  resumableFrom: RESUMABLE_JOB_STATUSES,
  resumeFrom: () => null,
  timing: TRAINER_JOB_TIMING,
}
