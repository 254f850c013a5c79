// From per-window scores to detections and events.
//
// A window is a detection of label c when its score ≥ threshold[c]. Detections of one label in one
// recording merge into an event while the gap from the event's end to the next detection's start
// is ≤ maxGap seconds (overlapping windows have negative gaps). Windows below the threshold in
// between do not split an event by themselves: only the time gap does. An event spans from its
// first window's start to the latest end among its windows; its score is the max (or mean) of its
// detections' scores; events shorter than minDuration seconds are dropped.

import { AppError } from '../errors'

export interface WindowDetection {
  /** Row of the window in its batch. */
  row: number
  label: number
  score: number
}

export interface EventRule {
  maxGap: number
  minDuration: number
  score: 'max' | 'mean'
}

export interface DetectionEvent {
  recording: number
  label: number
  start: number
  end: number
  score: number
  /** Detections merged into the event. */
  windows: number
}

/** Window times of a batch: recordings contiguous, windows of a recording in start-time order. */
export interface WindowTimes {
  recording: ArrayLike<number>
  /** Seconds from the recording's start. */
  start: ArrayLike<number>
  end: ArrayLike<number>
}

/** Detections in rows × labels scores (row-major), row by row, labels ascending. */
export function detectionsAbove(scores: ArrayLike<number>, rows: number, labels: number, thresholds: ArrayLike<number>): WindowDetection[] {
  if (thresholds.length !== labels) throw new AppError('INVALID_REQUEST', `${thresholds.length} thresholds for ${labels} labels`)
  const out: WindowDetection[] = []
  for (let i = 0; i < rows; i++) {
    const o = i * labels
    for (let c = 0; c < labels; c++) if (scores[o + c] >= thresholds[c]) out.push({ row: i, label: c, score: scores[o + c] })
  }
  return out
}

interface OpenEvent {
  start: number
  end: number
  max: number
  sum: number
  windows: number
}

/** Merges the detections of one label in one recording (in start order) into events. */
export function mergeDetections(windows: readonly { start: number; end: number; score: number }[], rule: EventRule): Omit<DetectionEvent, 'recording' | 'label'>[] {
  const out: Omit<DetectionEvent, 'recording' | 'label'>[] = []
  let open: OpenEvent | undefined
  const close = (): void => {
    if (open && open.end - open.start >= rule.minDuration) out.push(finish(open, rule))
    open = undefined
  }
  let lastStart = -Infinity
  for (const w of windows) {
    if (w.start < lastStart) throw new AppError('INVALID_REQUEST', `detections are not in time order (${w.start} s after ${lastStart} s)`)
    lastStart = w.start
    if (open && w.start - open.end <= rule.maxGap) {
      open.end = Math.max(open.end, w.end)
      open.max = Math.max(open.max, w.score)
      open.sum += w.score
      open.windows++
    } else {
      close()
      open = { start: w.start, end: w.end, max: w.score, sum: w.score, windows: 1 }
    }
  }
  close()
  return out
}

function finish(e: OpenEvent, rule: EventRule): Omit<DetectionEvent, 'recording' | 'label'> {
  return { start: e.start, end: e.end, score: rule.score === 'max' ? e.max : e.sum / e.windows, windows: e.windows }
}

/**
 * Streaming form of mergeDetections over batches of windows of many recordings and labels: feed
 * batches with `push`, then `flush` at the end. Events come out as soon as they are complete.
 */
export class EventMerger {
  private readonly open: (OpenEvent | undefined)[]
  private recording: number | undefined
  private lastStart = -Infinity
  private readonly finished = new Set<number>()

  constructor(
    readonly labels: number,
    private readonly thresholds: ArrayLike<number>,
    private readonly rule: EventRule,
  ) {
    if (thresholds.length !== labels) throw new AppError('INVALID_REQUEST', `${thresholds.length} thresholds for ${labels} labels`)
    if (Number.isNaN(rule.maxGap) || !(rule.minDuration >= 0)) throw new AppError('INVALID_REQUEST', 'event rule: maxGap must be a number and minDuration ≥ 0')
    this.open = new Array<OpenEvent | undefined>(labels).fill(undefined)
  }

  /**
   * Scores of a batch (rows × labels) with its window times; returns the events completed by it.
   * When `detections` is given, the batch's detections are appended to it on the same pass.
   */
  push(scores: ArrayLike<number>, times: WindowTimes, rows = times.start.length, detections?: WindowDetection[]): DetectionEvent[] {
    if (scores.length < rows * this.labels) throw new AppError('INVALID_REQUEST', `${scores.length} scores for ${rows} windows × ${this.labels} labels`)
    const out: DetectionEvent[] = []
    for (let i = 0; i < rows; i++) {
      const rec = times.recording[i]
      const start = times.start[i]
      const end = times.end[i]
      if (rec !== this.recording) {
        this.closeAll(out)
        if (this.recording !== undefined) this.finished.add(this.recording)
        if (this.finished.has(rec)) throw new AppError('INVALID_REQUEST', `windows of recording ${rec} are not contiguous in the stream`)
        this.recording = rec
        this.lastStart = -Infinity
      }
      if (start < this.lastStart) throw new AppError('INVALID_REQUEST', `windows of recording ${rec} are not in time order (${start} s after ${this.lastStart} s)`)
      this.lastStart = start
      const o = i * this.labels
      for (let c = 0; c < this.labels; c++) {
        const s = scores[o + c]
        if (!(s >= this.thresholds[c])) continue
        detections?.push({ row: i, label: c, score: s })
        const e = this.open[c]
        if (e && start - e.end <= this.rule.maxGap) {
          e.end = Math.max(e.end, end)
          e.max = Math.max(e.max, s)
          e.sum += s
          e.windows++
        } else {
          if (e) this.emit(c, e, out)
          this.open[c] = { start, end, max: s, sum: s, windows: 1 }
        }
      }
    }
    return out
  }

  /** Closes every open event (end of the stream or of a recording set). */
  flush(): DetectionEvent[] {
    const out: DetectionEvent[] = []
    this.closeAll(out)
    return out
  }

  private closeAll(out: DetectionEvent[]): void {
    for (let c = 0; c < this.labels; c++) {
      const e = this.open[c]
      if (e) this.emit(c, e, out)
      this.open[c] = undefined
    }
  }

  private emit(label: number, e: OpenEvent, out: DetectionEvent[]): void {
    if (e.end - e.start < this.rule.minDuration) return
    out.push({ recording: this.recording as number, label, ...finish(e, this.rule) })
  }
}
