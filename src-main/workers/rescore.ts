// Worker: recomputes heads' detections from stored window embeddings (job type `rescore`), scoring
// on a worker thread (score-thread.ts) beside the database writes.
import { RescoreParams } from '../../src-shared/contracts'
import { rescoreHeads } from '../analysis/rescore-heads'
import { scoreThreadEntry } from '../analysis/score-thread'
import { operationHooks, withProjectDatabase } from '../jobs/worker-operation'
import { runWorker } from '../jobs/worker-runtime'

runWorker({
  name: 'rescore',
  params: RescoreParams,
  run: (ctx) =>
    withProjectDatabase(ctx, async (db) => {
      const result = await rescoreHeads({ ...operationHooks(ctx), db, projectDir: ctx.projectDir, headIds: ctx.params.headIds, jobId: ctx.jobId, scoreThread: scoreThreadEntry(__dirname) })
      ctx.log('info', `${result.heads.length} head(s) rescored on ${result.windows} windows in ${result.seconds.toFixed(2)} s: ${result.detections} detection(s)`)
      return result
    }),
})
