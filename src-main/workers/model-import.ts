// Worker: converts a checkpoint into a model package and registers it (job type `model-import`).
import { ModelImportParams } from '../../src-shared/contracts'
import { openWorkerConnection } from '../db/connection'
import { projectDbPath } from '../db/project-layout'
import { runWorker } from '../jobs/worker-runtime'
import { importCheckpoint } from '../services/models-import'

runWorker({
  name: 'model-import',
  params: ModelImportParams,
  async run(ctx) {
    const db = openWorkerConnection(projectDbPath(ctx.projectDir))
    try {
      const { type: _type, ...params } = ctx.params
      ctx.log('info', `Importing ${params.checkpointPath}`)
      return await importCheckpoint({
        db,
        projectDir: ctx.projectDir,
        params,
        jobId: ctx.jobId,
        signal: ctx.signal,
        onProgress: (done, total, unit, message) => ctx.progress(done, total, unit, message),
        log: (level, message) => ctx.log(level, message),
      })
    } finally {
      db.close()
    }
  },
})
