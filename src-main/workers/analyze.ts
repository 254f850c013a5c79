// Worker: embeds recordings and scores the active heads (job type `analyze`). Decoding can run on
// a worker thread beside the encoder (decode-thread.ts, see analysis/audio-thread.ts).
import { AnalyzeParams } from '../../src-shared/contracts'
import { analyzeRecordings } from '../analysis/analyze-recordings'
import { decodeThreadEntry } from '../analysis/audio-thread'
import { openWorkerConnection } from '../db/connection'
import { projectDbPath } from '../db/project-layout'
import { runWorker } from '../jobs/worker-runtime'

function decodePolicy(value: string | undefined): 'auto' | 'always' | 'never' {
  return value === 'always' || value === 'never' ? value : 'auto'
}

runWorker({
  name: 'analyze',
  params: AnalyzeParams,
  async run(ctx) {
    const db = openWorkerConnection(projectDbPath(ctx.projectDir))
    try {
      const { type: _type, ...params } = ctx.params
      const result = await analyzeRecordings({
        db,
        projectDir: ctx.projectDir,
        params,
        jobId: ctx.jobId,
        signal: ctx.signal,
        resumeFrom: ctx.resumeFrom,
        decodeThread: decodeThreadEntry(__dirname),
        // OPENBEATS_DECODE_THREAD=always|never overrides the choice (benchmarks, diagnosis).
        decodeOnThread: decodePolicy(process.env.OPENBEATS_DECODE_THREAD),
        onProgress: (done, total, unit, message) => ctx.progress(done, total, unit, message),
        onCheckpoint: (state) => ctx.checkpoint(state),
        log: (level, message) => ctx.log(level, message),
      })
      ctx.log(
        'info',
        `${result.analysed} recording(s) analysed (${(result.audioSeconds / 3600).toFixed(2)} h, ${result.windows} windows), ${result.detections} detection(s), ${result.failed.length} unreadable; ${result.alreadyAnalysed} were already analysed`,
      )
      return result
    } finally {
      db.close()
    }
  },
})
