// Worker: recomputes heads' detections from stored window embeddings (job type `rescore`).
import { RescoreParams } from '../../src-shared/contracts'
import { rescoreHeads } from '../analysis/rescore-heads'
import { openWorkerConnection } from '../db/connection'
import { projectDbPath } from '../db/project-layout'
import { runWorker } from '../jobs/worker-runtime'

runWorker({
  name: 'rescore',
  params: RescoreParams,
  async run(ctx) {
    const db = openWorkerConnection(projectDbPath(ctx.projectDir))
    try {
      const result = await rescoreHeads({
        db,
        projectDir: ctx.projectDir,
        headIds: ctx.params.headIds,
        jobId: ctx.jobId,
        signal: ctx.signal,
        onProgress: (done, total, unit, message) => ctx.progress(done, total, unit, message),
        log: (level, message) => ctx.log(level, message),
      })
      ctx.log('info', `${result.heads.length} head(s) rescored on ${result.windows} windows in ${result.seconds.toFixed(2)} s: ${result.detections} detection(s)`)
      return result
    } finally {
      db.close()
    }
  },
})
