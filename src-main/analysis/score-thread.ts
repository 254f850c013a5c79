// Reading and scoring a season's stored window embeddings, in batches of recordings: on the
// calling thread, or on a worker thread so that it overlaps the database writes of the rescore
// job (each alone takes about half of a rescore; on one thread they add up). The thread posts
// each batch's detections; the consumer hands out credits, so at most BATCHES_AHEAD batches wait
// between the two. The thread entry is src-main/workers/score-thread.ts; this module is both sides
// of the protocol.
import type { MessagePort } from 'node:worker_threads'
import type { AppErrorData } from '../../src-shared/errors'
import { AppError, fromErrorData, throwIfAborted, toErrorData } from '../errors'
import { startWorkerThread, workerThreadEntry } from '../jobs/worker-thread'
import type { NewDetection } from './detection-store'
import { embeddingsFile, readEmbeddings } from './embedding-files'
import { RecordingScorer, type DetectionProvenance } from './recording-scorer'
import type { ScoringHead } from './scoring-heads'
import type { WindowGrid } from './window-grid'

export const BATCHES_AHEAD = 2

export interface ScoreRequest {
  projectDir: string
  analysisId: number
  dim: number
  grid: WindowGrid
  provenance: DetectionProvenance
  heads: ScoringHead[]
  recordings: { recordingId: number; windows: number; audioS: number }[]
  /** Recordings per batch. */
  batch: number
}

export interface ScoredRecording {
  recordingId: number
  windows: number
  /** Per head, in the request's head order. */
  detections: NewDetection[][]
}

type ThreadMessage = { t: 'batch'; items: ScoredRecording[] } | { t: 'end' } | { t: 'error'; error: AppErrorData }

/** The request's recordings scored on this thread, in order, `batch` at a time. */
export function* scoreRecordings(r: ScoreRequest): Generator<ScoredRecording[], void, undefined> {
  const scorer = new RecordingScorer(r.heads, r.dim, r.grid, r.provenance)
  try {
    let buffer = new Float32Array(0)
    let items: ScoredRecording[] = []
    for (const rec of r.recordings) {
      if (buffer.length < rec.windows * r.dim) buffer = new Float32Array(Math.max(rec.windows * r.dim, 2 * buffer.length))
      const x = readEmbeddings(embeddingsFile(r.projectDir, r.analysisId, rec.recordingId), rec.windows, r.dim, buffer)
      scorer.begin(rec.recordingId)
      scorer.pushAll(x, rec.windows)
      items.push({ recordingId: rec.recordingId, windows: rec.windows, detections: scorer.finish(rec.audioS) })
      if (items.length >= r.batch) {
        yield items
        items = []
      }
    }
    if (items.length > 0) yield items
  } finally {
    scorer.dispose()
  }
}

/** The thread side: score the request and post batches while credits last. */
export function serveScoreThread(port: MessagePort, request: ScoreRequest): void {
  let credits = BATCHES_AHEAD
  let wake: (() => void) | null = null
  port.on('message', (m: { t: 'credit' }) => {
    if (m.t !== 'credit') return
    credits++
    wake?.()
    wake = null
  })
  const post = (m: ThreadMessage) => port.postMessage(m)
  void (async () => {
    try {
      for (const items of scoreRecordings(request)) {
        while (credits <= 0) await new Promise<void>((resolve) => (wake = resolve))
        credits--
        post({ t: 'batch', items })
      }
      post({ t: 'end' })
    } catch (err) {
      post({ t: 'error', error: toErrorData(err) })
    }
  })()
}

/** Where the score thread's entry is: the built bundle, or the TypeScript source under tsx. */
export function scoreThreadEntry(workersDir: string): string | null {
  return workerThreadEntry(workersDir, 'score-thread')
}

/** scoreRecordings(request) computed on a worker thread started from `entry`. */
export async function* scoreOnThread(entry: string, request: ScoreRequest, signal?: AbortSignal): AsyncGenerator<ScoredRecording[], void, undefined> {
  throwIfAborted(signal)
  const worker = startWorkerThread(entry, request)
  const queue: ScoredRecording[][] = []
  let finished = false
  let failure: AppError | null = null
  let wake: (() => void) | null = null
  const notify = () => {
    wake?.()
    wake = null
  }
  worker.on('message', (m: ThreadMessage) => {
    if (m.t === 'batch') queue.push(m.items)
    else if (m.t === 'end') finished = true
    else failure = fromErrorData(m.error)
    notify()
  })
  worker.on('error', (err) => {
    failure ??= new AppError('INTERNAL', `the scoring thread failed: ${err.message}`)
    notify()
  })
  worker.on('exit', (code) => {
    if (!finished && !failure) failure = new AppError('INTERNAL', `the scoring thread exited (code ${code}) before scoring every recording`)
    notify()
  })
  signal?.addEventListener('abort', notify, { once: true })
  try {
    for (;;) {
      throwIfAborted(signal)
      const items = queue.shift()
      if (items) {
        worker.postMessage({ t: 'credit' })
        yield items
        continue
      }
      if (failure) throw failure
      if (finished) return
      await new Promise<void>((resolve) => (wake = resolve))
    }
  } finally {
    signal?.removeEventListener('abort', notify)
    await worker.terminate()
  }
}
