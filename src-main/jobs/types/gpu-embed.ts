import { RESUMABLE_JOB_STATUSES, GpuEmbedParams } from '../../../src-shared/contracts'
import { TRAINER_JOB_TIMING, TRAINER_WORKER_NAME } from '../../trainer/trainer-jobs'
import type { JobTypeDefinition } from '../job-type'

/** The GPU analysis backend: window embeddings and detections by the PyTorch trainer; resumes after the last stored recording. */
export const gpuEmbedJob: JobTypeDefinition = {
  type: 'gpu-embed',
  params: GpuEmbedParams,
  resource: 'gpu',
  worker: TRAINER_WORKER_NAME,
  resumableFrom: RESUMABLE_JOB_STATUSES,
  resumeFrom: (job) => job.checkpoint,
  timing: TRAINER_JOB_TIMING,
}
