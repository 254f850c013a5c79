// Scores the windows of one recording with every head and turns the windows above threshold into
// detections (events). Each detection's settings record what made it: the analysis (encoder,
// windows), the head (id, name and version), its label's threshold and the event rule, and how
// many windows the event merged. The analyze job feeds windows as the encoder makes them; the rescore job
// feeds the stored ones. Both go through this class with the same batches (SCORE_BATCH windows
// from window 0 of each recording, one scorer per head on one thread), so a rescore with
// unchanged settings reproduces the analysis's scores and detections bit for bit.
import type { EventRule } from '../../src-shared/contracts'
import type { DetectionEvent } from '../heads/detection-events'
import { Rescorer } from '../heads/rescore'
import type { NewDetection } from './detection-store'
import type { ScoringHead } from './scoring-heads'
import { windowTimes, type WindowGrid } from './window-grid'

export const SCORE_BATCH = 512

/** What every detection of an analysis records about how it was made. */
export interface DetectionProvenance {
  analysisId: number
  encoderId: number
  /** "name version" of the encoder */
  encoder: string
  windowS: number
  hopS: number
}

export class RecordingScorer {
  private readonly rescorers: Rescorer[]
  private readonly batch: Float32Array
  private rows = 0
  private firstWindow = 0
  private recordingId = 0
  private readonly events: DetectionEvent[][]
  /** Per head and label: the settings JSON without its closing brace (a detection adds its window count). */
  private readonly settingsPrefix: string[][]

  constructor(
    readonly heads: readonly ScoringHead[],
    readonly dim: number,
    private readonly grid: WindowGrid,
    provenance: DetectionProvenance,
  ) {
    this.rescorers = []
    try {
      for (const h of heads) this.rescorers.push(new Rescorer([h.head], { thresholds: h.thresholds, events: h.events, threads: 1, maxBatch: SCORE_BATCH }))
    } catch (err) {
      this.dispose()
      throw err
    }
    this.batch = new Float32Array(SCORE_BATCH * dim)
    this.events = heads.map(() => [])
    this.settingsPrefix = heads.map((h) =>
      h.thresholds.map((threshold) => {
        const settings = { ...provenance, headId: h.id, head: `${h.name} ${h.version}`, threshold, events: h.events satisfies EventRule }
        return JSON.stringify(settings).slice(0, -1)
      }),
    )
  }

  /** Starts a recording; any state of an earlier, unfinished one is dropped. */
  begin(recordingId: number): void {
    for (const r of this.rescorers) r.flush()
    this.recordingId = recordingId
    this.rows = 0
    this.firstWindow = 0
    for (const e of this.events) e.length = 0
  }

  /** The next window's embedding (windows in index order from 0). */
  push(embedding: Float32Array): void {
    if (this.heads.length === 0) return
    this.batch.set(embedding, this.rows * this.dim)
    this.rows++
    if (this.rows === SCORE_BATCH) this.scoreBatch(this.batch)
  }

  /** All windows of a recording at once (windows × dim), scored in the same batches as `push`. */
  pushAll(embeddings: Float32Array, windows: number): void {
    if (this.heads.length === 0) return
    if (this.rows !== 0 || this.firstWindow !== 0) {
      for (let w = 0; w < windows; w++) this.push(embeddings.subarray(w * this.dim, (w + 1) * this.dim))
      return
    }
    for (let w = 0; w < windows; w += SCORE_BATCH) {
      this.rows = Math.min(SCORE_BATCH, windows - w)
      if (this.rows < SCORE_BATCH) break
      this.scoreBatch(embeddings.subarray(w * this.dim, (w + SCORE_BATCH) * this.dim))
    }
    // The last, partial batch waits in the buffer as if its windows had been pushed one by one.
    const done = this.firstWindow
    this.rows = windows - done
    this.batch.set(embeddings.subarray(done * this.dim, windows * this.dim))
  }

  /** Ends the recording: its detections per head (in head order), ends clipped to the audio. */
  finish(audioSeconds: number): NewDetection[][] {
    if (this.rows > 0) this.scoreBatch(this.batch)
    return this.heads.map((h, k) => {
      const events = [...this.events[k], ...this.rescorers[k].flush()]
      events.sort((a, b) => a.start - b.start || a.label - b.label)
      const prefix = this.settingsPrefix[k]
      return events.map((e) => ({
        labelId: h.labelIds[e.label],
        startS: e.start,
        endS: Math.min(e.end, audioSeconds),
        score: e.score,
        settings: `${prefix[e.label]},"windows":${e.windows}}`,
      }))
    })
  }

  dispose(): void {
    for (const r of this.rescorers) r.dispose()
    this.rescorers.length = 0
  }

  private scoreBatch(source: Float32Array): void {
    const rows = this.rows
    const times = windowTimes(this.grid, rows, Infinity, this.firstWindow)
    const batchTimes = { recording: new Float64Array(rows).fill(this.recordingId), start: times.start, end: times.end }
    const x = source.subarray(0, rows * this.dim)
    this.rescorers.forEach((r, k) => {
      for (const e of r.process(x, rows, batchTimes).events) this.events[k].push(e)
    })
    this.firstWindow += rows
    this.rows = 0
  }
}
