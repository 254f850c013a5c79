// The worker process of every trainer job (src-main/workers/trainer.ts starts it): opens the
// project, finds Python and the trainer package, and runs the job its params name.
import { z } from 'zod'
import { FinetuneParams, GpuEmbedParams, PretrainParams, TokenizerParams, TrainerImportParams } from '../../src-shared/contracts'
import { openWorkerConnection } from '../db/connection'
import { projectDbPath } from '../db/project-layout'
import { runWorker } from '../jobs/worker-runtime'
import { runGpuEmbedJob } from './gpu-embed-job'
import { runImportJob } from './import-job'
import type { TrainerJobContext } from './trainer-job-context'
import { resolvePython, trainerDir } from './trainer-location'
import { TRAINER_WORKER_NAME } from './trainer-jobs'
import { runTrainingJob } from './training-job'


const TrainerWorkerParams = z.discriminatedUnion('type', [FinetuneParams, PretrainParams, TokenizerParams, GpuEmbedParams, TrainerImportParams])

/** SIGTERM → SIGKILL grace for the trainer: long enough to save a Large model's state (tests shorten it). */
const DEFAULT_GRACE_MS = 60_000

export function startTrainerWorker(): void {
  runWorker({
    name: TRAINER_WORKER_NAME,
    params: TrainerWorkerParams,
    async run(w) {
      const db = openWorkerConnection(projectDbPath(w.projectDir))
      try {
        const grace = Number(process.env.OPENBEATS_TRAINER_GRACE_MS)
        const ctx: TrainerJobContext = {
          db,
          projectDir: w.projectDir,
          jobId: w.jobId,
          signal: w.signal,
          resumeFrom: w.resumeFrom,
          python: resolvePython(w.params.python),
          trainerDir: trainerDir(),
          graceMs: Number.isFinite(grace) && grace > 0 ? grace : DEFAULT_GRACE_MS,
          progress: w.progress,
          log: w.log,
          checkpoint: w.checkpoint,
        }
        const p = w.params
        ctx.log('info', `${p.type} with ${ctx.python} (trainer in ${ctx.trainerDir})`)
        switch (p.type) {
          case 'gpu-embed':
            return await runGpuEmbedJob(ctx, p)
          case 'trainer-import':
            return await runImportJob(ctx, p)
          default:
            return await runTrainingJob(ctx, p)
        }
      } finally {
        db.close()
      }
    },
  })
}
