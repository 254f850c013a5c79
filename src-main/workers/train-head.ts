// Worker: trains a classifier head on stored window embeddings and registers it as a new version
// (job type `train-head`).
import { TrainHeadParams } from '../../src-shared/contracts'
import { openWorkerConnection } from '../db/connection'
import { projectDbPath } from '../db/project-layout'
import { runWorker } from '../jobs/worker-runtime'
import { defaultThreadCount } from '../numeric/compute-context'
import { trainVersion } from '../training/train-version'

runWorker({
  name: 'train-head',
  params: TrainHeadParams,
  async run(ctx) {
    const db = openWorkerConnection(projectDbPath(ctx.projectDir))
    try {
      return await trainVersion({
        db,
        projectDir: ctx.projectDir,
        params: ctx.params,
        jobId: ctx.jobId,
        threads: ctx.params.threads ?? defaultThreadCount(),
        signal: ctx.signal,
        onProgress: (done, total, unit, message) => ctx.progress(done, total, unit, message),
        log: (level, message) => ctx.log(level, message),
      })
    } finally {
      db.close()
    }
  },
})
