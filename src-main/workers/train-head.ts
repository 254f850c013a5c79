// Worker: trains a classifier head on stored window embeddings and registers it as a new version
// (job type `train-head`).
import { TrainHeadParams } from '../../src-shared/contracts'
import { operationHooks, withProjectDatabase } from '../jobs/worker-operation'
import { runWorker } from '../jobs/worker-runtime'
import { defaultThreadCount } from '../numeric/compute-context'
import { trainVersion } from '../training/train-version'

runWorker({
  name: 'train-head',
  params: TrainHeadParams,
  run: (ctx) =>
    withProjectDatabase(ctx, (db) =>
      trainVersion({
        ...operationHooks(ctx),
        db,
        projectDir: ctx.projectDir,
        params: ctx.params,
        jobId: ctx.jobId,
        threads: ctx.params.threads ?? defaultThreadCount(),
      }),
    ),
})
