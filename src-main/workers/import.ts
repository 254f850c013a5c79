// Worker: imports folder trees of recordings into the project (job type `import`).
import { ImportParams } from '../../src-shared/contracts'
import { openWorkerConnection } from '../db/connection'
import { projectDbPath } from '../db/project-layout'
import { runWorker } from '../jobs/worker-runtime'
import { importSeason } from '../season/import/import-season'

runWorker({
  name: 'import',
  params: ImportParams,
  async run(ctx) {
    const db = openWorkerConnection(projectDbPath(ctx.projectDir))
    try {
      ctx.log('info', `${ctx.resumeFrom ? 'Resuming the import of' : 'Importing'} ${ctx.params.folders.join(', ')}`)
      const result = await importSeason(db, {
        folders: ctx.params.folders,
        timeExpansion: ctx.params.timeExpansion,
        signal: ctx.signal,
        resumeFrom: ctx.resumeFrom,
        onProgress: (done, total, unit, message) => ctx.progress(done, total, unit, message),
        onCheckpoint: (state) => ctx.checkpoint(state),
        log: (level, message) => ctx.log(level, message),
      })
      ctx.log(
        'info',
        `${result.files} audio files: ${result.imported} imported, ${result.updated} updated, ${result.unchanged} unchanged, ${result.moved} moved, ${result.quarantined} quarantined; ${result.missing} missing; ${result.skipped} other files skipped`,
      )
      return result
    } finally {
      db.close()
    }
  },
})
