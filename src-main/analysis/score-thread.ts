// Reading and scoring a season's stored window embeddings, in batches of recordings: on the
// calling thread, or on a worker thread so that it overlaps the database writes of the rescore
// job (each alone takes about half of a rescore; on one thread they add up). The thread posts
// each batch's detections, at most BATCHES_AHEAD ahead of the consumer (jobs/worker-thread.ts).
// The thread entry is src-main/workers/score-thread.ts; this module is both sides of the protocol.
import type { MessagePort } from 'node:worker_threads'
import { serveThreadStream, streamFromThread, workerThreadEntry } from '../jobs/worker-thread'
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
  serveThreadStream(port, BATCHES_AHEAD, () => scoreRecordings(request))
}

/** Where the score thread's entry is: the built bundle, or the TypeScript source under tsx. */
export function scoreThreadEntry(workersDir: string): string | null {
  return workerThreadEntry(workersDir, 'score-thread')
}

/** scoreRecordings(request) computed on a worker thread started from `entry`. */
export function scoreOnThread(entry: string, request: ScoreRequest, signal?: AbortSignal): AsyncGenerator<ScoredRecording[], void, undefined> {
  return streamFromThread<ScoredRecording[]>(entry, request, { what: 'the scoring thread', unfinished: 'before scoring every recording', signal })
}
