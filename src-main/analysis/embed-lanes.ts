// Analysis lanes: on the CPU the analyze job embeds several recordings side by side, each lane a
// worker thread with its own onnxruntime session that decodes, resamples, computes the fbank,
// encodes and pools its recordings' windows. The job's thread receives the window embeddings and
// writes, scores and commits each recording as it does without lanes (analyze-recordings.ts).
//
// Why: onnxruntime-node runs a session synchronously on its JS thread, and its intra-op threads
// meet at a barrier after every operator. On 2 cores a 2-thread session of the demo encoder ran
// 256–325 audio-s/s while two 1-thread sessions on two threads ran 355–414 together, and the
// decode/fbank of each lane then fills its own core instead of stalling both encoder threads.
// Bytes: a recording's embeddings depend only on the intra-op thread count of the session that
// made it, which is the same for every lane (lanesFor), so the lane a recording lands on, or the
// number of lanes, changes nothing; a resumed job derives the same count from the same threads.
//
// The thread entry is src-main/workers/embed-lane.ts (its own bundle); this module is both sides.
import type { MessagePort } from 'node:worker_threads'
import type { AppErrorData } from '../../src-shared/errors'
import { stream16k } from '../audio'
import { AppError, throwIfAborted, toErrorData } from '../errors'
import { threadStreamWriter, workerThreadEntry, type ThreadStreamWriter } from '../jobs/worker-thread'
import { embedStream } from '../model/embed/embed-file'
import { createEncoderEngine, type EncoderEngine } from '../model/engine/encoder-engine'
import type { FbankNormalization } from '../model/types'
import type { PendingRecording } from './analysis-repository'
import { checkUnchanged } from './unchanged-recording'

/** Window embeddings per message from a lane. */
export const WINDOWS_PER_ITEM = 64
/** Messages a lane may have in flight before it waits for the job's thread (bounded memory). */
export const LANE_ITEMS_AHEAD = 16
/** How long a lane asked to stop may take to finish its encoder call before it is terminated. */
export const LANE_STOP_MS = 30_000

/** Encoders at least this wide (Base, 768, and up) keep one session with every thread. */
export const LANES_BELOW_DIM = 768

/**
 * How a CPU analysis with `threads` intra-op threads in all is laid out: two lanes of
 * ⌊threads/2⌋ threads each from 2 threads up, for encoders narrower than Base; one lane
 * otherwise. A Base-size encoder keeps its threads busy inside each operator (analyze bench on
 * 2 cores: one 2-thread session 13.1 audio-s/s, two 1-thread lanes no faster) and a second
 * session would cost another ~360 MB; a small one, such as the demo model, spends much of each
 * operator at the threads' barrier (20 minutes of 48 kHz audio: 161–211 audio-s/s in one session,
 * 211–251 on two lanes). Two lanes, not one per core: each holds a session.
 */
export function lanesFor(threads: number, dim: number): { lanes: number; threadsPerLane: number } {
  const lanes = threads >= 2 && dim < LANES_BELOW_DIM ? 2 : 1
  return { lanes, threadsPerLane: Math.floor(threads / lanes) }
}

/** Recordings dealt to `lanes` lanes in their order, each to the lane with the least audio so far. */
export function dealRecordings<R extends { durationS: number }>(recordings: readonly R[], lanes: number): R[][] {
  const parts: R[][] = Array.from({ length: lanes }, () => [])
  const load = new Array<number>(lanes).fill(0)
  for (const r of recordings) {
    const k = load.indexOf(Math.min(...load))
    parts[k].push(r)
    load[k] += r.durationS
  }
  return parts.filter((p) => p.length > 0)
}

export interface LaneRequest {
  modelDir: string
  threads: number
  windowS: number
  hopS: number
  normalization: FbankNormalization
  /** Equal-length chunks per encoder call, when the job names it (embedStream's default otherwise). */
  batchSize?: number
  recordings: PendingRecording[]
}

export type LaneItem =
  | { t: 'windows'; rec: number; count: number; data: Float32Array }
  | { t: 'done'; rec: number; audioSeconds: number }
  | { t: 'failed'; rec: number; error: AppErrorData }

export type LaneSide = { t: 'warning'; rec: number; message: string } | { t: 'progress'; rec: number; seconds: number }

/** Errors of a recording that cannot be read (quarantined; the analysis goes on) as opposed to errors that end the job. */
export function isUnreadableAudio(code: string): boolean {
  return code.startsWith('AUDIO_')
}

/**
 * The thread side: embeds the lane's recordings in order. A recording that cannot be read is
 * reported (`failed`) and the lane goes on; any other error ends the lane, and the job with it.
 * Asked to stop, it finishes the encoder call in progress, releases its session and then ends.
 */
export function serveEmbedLane(port: MessagePort, req: LaneRequest): void {
  const out = threadStreamWriter<LaneItem, LaneSide>(port, LANE_ITEMS_AHEAD)
  void (async () => {
    try {
      const engine = await createEncoderEngine(req.modelDir, { threads: req.threads, providers: ['cpu'], spinning: false /* lanes share the cores */, verify: false })
      try {
        for (const rec of req.recordings) {
          throwIfAborted(out.stopped)
          await embedOne(rec, req, engine, out)
        }
      } finally {
        await engine.dispose()
      }
      out.end()
    } catch (err) {
      out.fail(err)
    }
  })()
}

async function embedOne(rec: PendingRecording, req: LaneRequest, engine: EncoderEngine, out: ThreadStreamWriter<LaneItem, LaneSide>): Promise<void> {
  const dim = engine.dim
  let batch = new Float32Array(WINDOWS_PER_ITEM * dim)
  let count = 0
  let windows = 0
  const flush = async () => {
    if (count === 0) return
    const data = count === WINDOWS_PER_ITEM ? batch : batch.slice(0, count * dim)
    const item: LaneItem = { t: 'windows', rec: rec.id, count, data }
    batch = new Float32Array(WINDOWS_PER_ITEM * dim)
    count = 0
    await out.push(item, [data.buffer as ArrayBuffer])
  }
  let audioSeconds: number
  try {
    await checkUnchanged(rec)
    const blocks = stream16k(rec.path, { timeExpansion: rec.timeExpansion, onWarning: (message) => out.side({ t: 'warning', rec: rec.id, message }) })
    const result = await embedStream(blocks, engine, {
      windowSeconds: req.windowS,
      hopSeconds: req.hopS,
      normalization: req.normalization,
      // A stop request ends the run between two encoder calls; terminating the thread during
      // one would take the whole process down (see streamFromThread's stopGracefully).
      signal: out.stopped,
      ...(req.batchSize ? { batchSize: req.batchSize } : {}),
      onProgress: (p) => out.side({ t: 'progress', rec: rec.id, seconds: p.doneSeconds }),
      onWindow: async (w) => {
        // Files hold windows 0, 1, 2 … in order; the pooler guarantees it for windows ≥ 0.2 s.
        if (w.index !== windows) throw new AppError('INTERNAL', `${rec.path}: window ${w.index} came after ${windows} windows`)
        windows++
        batch.set(w.embedding, count * dim)
        if (++count === WINDOWS_PER_ITEM) await flush()
      },
    })
    await flush()
    audioSeconds = result.durationSeconds
  } catch (err) {
    const error = toErrorData(err)
    if (!isUnreadableAudio(error.code)) throw err
    await out.push({ t: 'failed', rec: rec.id, error })
    return
  }
  await out.push({ t: 'done', rec: rec.id, audioSeconds })
}

/** Where the lane thread's entry is: the built bundle, or the TypeScript source under tsx. */
export function embedLaneEntry(workersDir: string): string | null {
  return workerThreadEntry(workersDir, 'embed-lane')
}
