// Worker: imports folder trees of recordings into the project (job type `import`).
import { ImportParams } from '../../src-shared/contracts'
import { operationHooks, withProjectDatabase } from '../jobs/worker-operation'
import { runWorker } from '../jobs/worker-runtime'
import { importSeason } from '../season/import/import-season'

runWorker({
  name: 'import',
  params: ImportParams,
  run: (ctx) =>
    withProjectDatabase(ctx, async (db) => {
      ctx.log('info', `${ctx.resumeFrom ? 'Resuming the import of' : 'Importing'} ${ctx.params.folders.join(', ')}`)
      const result = await importSeason(db, {
        ...operationHooks(ctx),
        folders: ctx.params.folders,
        timeExpansion: ctx.params.timeExpansion,
        resumeFrom: ctx.resumeFrom,
        onCheckpoint: (state) => ctx.checkpoint(state),
      })
      ctx.log(
        'info',
        `${result.files} audio files: ${result.imported} imported, ${result.updated} updated, ${result.unchanged} unchanged, ${result.moved} moved, ${result.quarantined} quarantined; ${result.missing} missing; ${result.skipped} other files skipped`,
      )
      return result
    }),
})
