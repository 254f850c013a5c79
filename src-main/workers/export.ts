// Worker: writes Raven / Audacity / CSV exports of annotations and detections (job type `export`).
import { ExportParams } from '../../src-shared/contracts'
import { withProjectDatabase } from '../jobs/worker-operation'
import { runWorker } from '../jobs/worker-runtime'
import { exportSeason } from '../season/exchange/export-season'

runWorker({
  name: 'export',
  params: ExportParams,
  run: (ctx) =>
    withProjectDatabase(ctx, async (db) => {
      const { type: _type, ...params } = ctx.params
      const result = await exportSeason(db, ctx.projectDir, params, {
        signal: ctx.signal,
        onProgress: (done, total, unit) => ctx.progress(done, total, unit, 'Writing files…'),
      })
      ctx.log('info', `${result.files.length} file(s) written to ${result.dir}: ${result.annotations} annotation(s), ${result.detections} detection(s) from ${result.recordings} recording(s)`)
      return result
    }),
})
