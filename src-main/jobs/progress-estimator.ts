// Turns raw progress reports (done/total/unit) into what a progress bar shows: a smoothed rate and
// an ETA. The rate is an exponential moving average with a time constant, so irregular report
// intervals weigh correctly; a new unit or a step backwards starts a new phase.
import type { JobProgress } from '../../src-shared/contracts'

const TIME_CONSTANT_S = 3
const MIN_SAMPLE_S = 0.2

export interface RawProgress {
  done: number
  total: number | null
  unit: string
  message?: string | null
}

export class ProgressEstimator {
  private rate: number | null = null
  private sample: { t: number; done: number } | null = null
  private unit: string | null = null

  update(p: RawProgress, nowMs: number): JobProgress {
    const t = nowMs / 1000
    if (this.unit !== p.unit || !this.sample || p.done < this.sample.done) {
      this.unit = p.unit
      this.rate = null
      this.sample = { t, done: p.done }
    } else {
      const dt = t - this.sample.t
      if (dt >= MIN_SAMPLE_S) {
        const instant = (p.done - this.sample.done) / dt
        const alpha = 1 - Math.exp(-dt / TIME_CONSTANT_S)
        this.rate = this.rate === null ? instant : this.rate + alpha * (instant - this.rate)
        this.sample = { t, done: p.done }
      }
    }
    const remaining = p.total === null ? null : Math.max(0, p.total - p.done)
    const eta = remaining === null ? null : remaining === 0 ? 0 : this.rate && this.rate > 0 ? remaining / this.rate : null
    return {
      done: p.done,
      total: p.total,
      unit: p.unit,
      rate: this.rate,
      etaSeconds: eta,
      message: p.message ?? null,
    }
  }
}
