// The rescoring step the analyze and rescore jobs run over stored window embeddings: apply the
// active heads to a batch, keep the windows at or above each label's threshold, and merge them
// into events as the stream goes (see detection-events.ts for the rule).

import { AppError } from '../errors'
import { EventMerger, type DetectionEvent, type EventRule, type WindowDetection, type WindowTimes } from './detection-events'
import { HeadScorer, type HeadScorerOptions } from './head-scorer'
import type { DecodedHead, TrainedHead } from './trained-head'

export interface RescoreOptions extends HeadScorerOptions {
  /** One threshold per label, in head order then class order (see `Rescorer.offsets`); +∞ disables a label. */
  thresholds: readonly number[]
  events: EventRule
}

export interface RescoredBatch {
  /** rows × labels probabilities. */
  scores: Float32Array
  detections: WindowDetection[]
  /** Events completed by this batch. */
  events: DetectionEvent[]
}

export class Rescorer {
  private readonly scorer: HeadScorer
  private readonly merger: EventMerger
  readonly labels: number
  /** First label of each head. */
  readonly offsets: readonly number[]

  constructor(heads: readonly (TrainedHead | DecodedHead)[], private readonly opts: RescoreOptions) {
    this.scorer = new HeadScorer(heads, opts)
    this.labels = this.scorer.outputs
    this.offsets = this.scorer.offsets
    if (opts.thresholds.length !== this.labels) {
      this.scorer.dispose()
      throw new AppError('INVALID_REQUEST', `${opts.thresholds.length} thresholds for ${this.labels} labels of ${heads.length} head(s)`)
    }
    this.merger = new EventMerger(this.labels, opts.thresholds, opts.events)
  }

  get maxBatch(): number {
    return this.scorer.maxBatch
  }

  /** Compute-memory view for rows × dim embeddings (fill it in place of copying, then `processInput`). */
  input(rows: number): Float32Array {
    return this.scorer.input(rows)
  }

  processInput(rows: number, times: WindowTimes): RescoredBatch {
    const scores = this.scorer.scoreInput(rows)
    return this.finish(scores, rows, times)
  }

  /** Scores rows × dim embeddings (any number of rows; batched internally). */
  process(embeddings: Float32Array, rows: number, times: WindowTimes): RescoredBatch {
    const scores = this.scorer.score(embeddings, rows)
    return this.finish(scores, rows, times)
  }

  /** Events still open at the end of the stream. */
  flush(): DetectionEvent[] {
    return this.merger.flush()
  }

  dispose(): void {
    this.scorer.dispose()
  }

  private finish(scores: Float32Array, rows: number, times: WindowTimes): RescoredBatch {
    if (times.start.length < rows || times.end.length < rows || times.recording.length < rows) throw new AppError('INVALID_REQUEST', `window times cover fewer than ${rows} rows`)
    const detections: WindowDetection[] = []
    const events = this.merger.push(scores, times, rows, detections)
    return { scores, detections, events }
  }
}
