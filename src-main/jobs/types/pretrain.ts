import { RESUMABLE_JOB_STATUSES, PretrainParams } from '../../../src-shared/contracts'
import { TRAINER_JOB_TIMING, TRAINER_WORKER_NAME } from '../../trainer/trainer-jobs'
import type { JobTypeDefinition } from '../job-type'

/** Continued OpenBEATs pre-training in the PyTorch trainer; resumes from its last checkpoint. */
export const pretrainJob: JobTypeDefinition = {
  type: 'pretrain',
  params: PretrainParams,
  resource: 'gpu',
  worker: TRAINER_WORKER_NAME,
  resumableFrom: RESUMABLE_JOB_STATUSES,
  resumeFrom: (job) => job.checkpoint,
  timing: TRAINER_JOB_TIMING,
}
