import { RESUMABLE_JOB_STATUSES, TokenizerParams } from '../../../src-shared/contracts'
import { TRAINER_JOB_TIMING, TRAINER_WORKER_NAME } from '../../trainer/trainer-jobs'
import type { JobTypeDefinition } from '../job-type'

/** Tokenizer training (VQ distillation, or the random-projection tokenizer) in the PyTorch trainer; resumes from its last checkpoint. */
export const tokenizerJob: JobTypeDefinition = {
  type: 'tokenizer',
  params: TokenizerParams,
  resource: 'gpu',
  worker: TRAINER_WORKER_NAME,
  resumableFrom: RESUMABLE_JOB_STATUSES,
  resumeFrom: (job) => job.checkpoint,
  timing: TRAINER_JOB_TIMING,
}
