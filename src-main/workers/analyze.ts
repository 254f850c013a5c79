// Worker: embeds recordings and scores the active heads (job type `analyze`). Decoding can run on
// a worker thread beside the encoder (decode-thread.ts, see analysis/audio-thread.ts); on the CPU,
// recordings can be embedded on lane threads (embed-lane.ts, see analysis/embed-lanes.ts).
import { AnalyzeParams } from '../../src-shared/contracts'
import { analyzeRecordings } from '../analysis/analyze-recordings'
import { decodeThreadEntry } from '../analysis/audio-thread'
import { embedLaneEntry } from '../analysis/embed-lanes'
import { operationHooks, withProjectDatabase } from '../jobs/worker-operation'
import { runWorker } from '../jobs/worker-runtime'

function decodePolicy(value: string | undefined): 'auto' | 'always' | 'never' {
  return value === 'always' || value === 'never' ? value : 'auto'
}

runWorker({
  name: 'analyze',
  params: AnalyzeParams,
  run: (ctx) =>
    withProjectDatabase(ctx, async (db) => {
      const { type: _type, ...params } = ctx.params
      const result = await analyzeRecordings({
        ...operationHooks(ctx),
        db,
        projectDir: ctx.projectDir,
        params,
        jobId: ctx.jobId,
        resumeFrom: ctx.resumeFrom,
        decodeThread: decodeThreadEntry(__dirname),
        // CPU analyses with ≥ 2 threads embed two recordings at a time (analysis/embed-lanes.ts)
        embedLane: embedLaneEntry(__dirname),
        // OPENBEATS_DECODE_THREAD=always|never overrides the choice (benchmarks, diagnosis).
        decodeOnThread: decodePolicy(process.env.OPENBEATS_DECODE_THREAD),
        onCheckpoint: (state) => ctx.checkpoint(state),
      })
      ctx.log(
        'info',
        `${result.analysed} recording(s) analysed (${(result.audioSeconds / 3600).toFixed(2)} h, ${result.windows} windows), ${result.detections} detection(s), ${result.failed.length} unreadable; ${result.alreadyAnalysed} were already analysed`,
      )
      return result
    }),
})
