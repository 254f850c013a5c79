// Window embeddings for the analyze job: the mean of the patch embeddings inside each window.
//
// Which patches belong to a window: time patch t covers 16 kHz samples [2560·t, 2560·t + 2800), so
// its centre is sample 2560·t + 1400 (0.16·t + 0.0875 s). Window w spans [w·hop, w·hop + length)
// seconds (converted to whole 16 kHz samples) and holds the time patches whose centre lies in that
// half-open interval, with all 8 frequency patches of each (so it is also the mean of their frame
// embeddings). Windows are numbered from 0 at the start of the recording; a window is emitted only
// if at least one patch centre falls in it, so the last one may hold fewer patches than the others.
import { SAMPLES_PER_TIME_PATCH, SAMPLE_RATE } from './chunker'

const PATCH_CENTRE = 1400

export interface WindowEmbedding {
  index: number
  startSeconds: number
  endSeconds: number
  /** Global time patches [firstPatch, firstPatch + timePatches) averaged into this window. */
  firstPatch: number
  timePatches: number
  /** [D] */
  embedding: Float32Array
}

interface OpenWindow {
  sum: Float64Array
  firstPatch: number
  count: number
}

export class WindowPooler {
  private readonly lengthSamples: number
  private readonly hopSamples: number
  private readonly open = new Map<number, OpenWindow>()

  constructor(
    windowSeconds: number,
    hopSeconds: number,
    private readonly dim: number,
    private readonly emit: (w: WindowEmbedding) => void,
  ) {
    this.lengthSamples = Math.round(windowSeconds * SAMPLE_RATE)
    this.hopSamples = Math.round(hopSeconds * SAMPLE_RATE)
    if (!(this.lengthSamples > 0 && this.hopSamples > 0)) {
      throw new RangeError(`window length and hop must be positive, got ${windowSeconds} s / ${hopSeconds} s`)
    }
  }

  /** Adds time patch t (its frame embedding = mean over the 8 frequency patches); call in order. */
  push(t: number, frameEmbedding: Float32Array): void {
    const centre = SAMPLES_PER_TIME_PATCH * t + PATCH_CENTRE
    // Windows whose end has passed this centre can receive nothing more.
    for (const [w, win] of this.open) {
      if (w * this.hopSamples + this.lengthSamples <= centre) this.close(w, win)
    }
    const first = Math.max(0, Math.floor((centre - this.lengthSamples) / this.hopSamples) + 1)
    const last = Math.floor(centre / this.hopSamples)
    for (let w = first; w <= last; w++) {
      let win = this.open.get(w)
      if (!win) {
        win = { sum: new Float64Array(this.dim), firstPatch: t, count: 0 }
        this.open.set(w, win)
      }
      for (let d = 0; d < this.dim; d++) win.sum[d] += frameEmbedding[d]
      win.count++
    }
  }

  /** Emits the windows still open (call once after the last patch). */
  finish(): void {
    for (const [w, win] of this.open) this.close(w, win)
  }

  private close(w: number, win: OpenWindow): void {
    this.open.delete(w)
    const embedding = new Float32Array(this.dim)
    for (let d = 0; d < this.dim; d++) embedding[d] = win.sum[d] / win.count
    const start = w * this.hopSamples
    this.emit({ index: w, startSeconds: start / SAMPLE_RATE, endSeconds: (start + this.lengthSamples) / SAMPLE_RATE, firstPatch: win.firstPatch, timePatches: win.count, embedding })
  }
}
