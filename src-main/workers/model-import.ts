// Worker: converts a checkpoint into a model package and registers it (job type `model-import`).
import { ModelImportParams } from '../../src-shared/contracts'
import { operationHooks, withProjectDatabase } from '../jobs/worker-operation'
import { runWorker } from '../jobs/worker-runtime'
import { importCheckpoint } from '../services/models-import'

runWorker({
  name: 'model-import',
  params: ModelImportParams,
  run: (ctx) =>
    withProjectDatabase(ctx, (db) => {
      const { type: _type, ...params } = ctx.params
      ctx.log('info', `Importing ${params.checkpointPath}`)
      return importCheckpoint({ ...operationHooks(ctx), db, projectDir: ctx.projectDir, params, jobId: ctx.jobId })
    }),
})
