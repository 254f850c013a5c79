import { RESUMABLE_JOB_STATUSES, FinetuneParams } from '../../../src-shared/contracts'
import { TRAINER_JOB_TIMING, TRAINER_WORKER_NAME } from '../../trainer/trainer-jobs'
import type { JobTypeDefinition } from '../job-type'

/** Full fine-tuning of the encoder and a classifier head in the PyTorch trainer; a resumed job continues from the trainer's last checkpoint with the same data order. */
export const finetuneJob: JobTypeDefinition = {
  type: 'finetune',
  params: FinetuneParams,
  resource: 'gpu',
  worker: TRAINER_WORKER_NAME,
  resumableFrom: RESUMABLE_JOB_STATUSES,
  resumeFrom: (job) => job.checkpoint,
  timing: TRAINER_JOB_TIMING,
}
