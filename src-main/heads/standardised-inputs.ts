// Training inputs in compute memory, standardised per dimension.

import { AppError } from '../errors'
import type { ComputeContext } from '../numeric/compute-context'

const MOMENT_ROWS = 32768

/**
 * Copies embeddings into compute memory (rows padded to kp floats) and standardises them with
 * per-dimension mean and standard deviation estimated on the first MOMENT_ROWS stored rows (a
 * random subset, as training rows are stored shuffled; float64 sums shifted by the first row).
 * Constant dimensions get std 1. Non-finite values are refused.
 */
export class StandardisedInputs {
  mean = new Float32Array(0)
  std = new Float32Array(0)
  private meanPtr = 0
  private invPtr = 0

  constructor(
    private readonly ctx: ComputeContext,
    private readonly dim: number,
    private readonly kp: number,
    private readonly threads: number,
  ) {}

  /** Copies x into compute memory, row j holding example order[j] when an order is given. */
  load(x: Float32Array, n: number, what: string, order?: Int32Array): number {
    const { ctx, dim, kp } = this
    const ptr = ctx.alloc(4 * n * kp)
    const view = ctx.f32(ptr, n * kp)
    if (dim === kp && !order) {
      view.set(x)
    } else {
      if (dim !== kp) view.fill(0)
      for (let j = 0; j < n; j++) {
        const i = order ? order[j] : j
        view.set(x.subarray(i * dim, (i + 1) * dim), j * kp)
      }
    }
    if (this.meanPtr === 0) this.computeMoments(ptr, Math.min(n, MOMENT_ROWS))
    const per = Math.ceil(n / this.threads)
    const flags = ctx.alloc(16 * this.threads, 16)
    const calls = []
    for (let r = 0, t = 0; r < n; r += per, t++) calls.push([{ kernel: 'standardize', args: [ptr + 4 * r * kp, Math.min(per, n - r), kp, this.meanPtr, this.invPtr, flags + 16 * t] }])
    ctx.parallel(calls)
    if (ctx.f32(flags, 4 * calls.length).some((v) => Number.isNaN(v))) this.reportNonFinite(x, n, what)
    return ptr
  }

  private computeMoments(ptr: number, rows: number): void {
    const { ctx, dim, kp } = this
    const s1Ptr = ctx.alloc(8 * kp)
    const s2Ptr = ctx.alloc(8 * kp)
    const s1 = new Float64Array(ctx.memory.buffer, s1Ptr, kp).fill(0)
    const s2 = new Float64Array(ctx.memory.buffer, s2Ptr, kp).fill(0)
    const per = Math.ceil(kp / this.threads / 2) * 2
    const calls = []
    for (let d = 0; d < kp; d += per) calls.push([{ kernel: 'moments', args: [ptr, rows, kp, d, Math.min(kp, d + per), ptr, s1Ptr, s2Ptr] }])
    ctx.parallel(calls)
    const shift = ctx.f32(ptr, kp)
    this.mean = new Float32Array(dim)
    this.std = new Float32Array(dim)
    const inv = new Float32Array(kp)
    for (let d = 0; d < dim; d++) {
      const m1 = s1[d] / rows
      const mu = shift[d] + m1
      const sd = Math.sqrt(Math.max(0, s2[d] / rows - m1 * m1))
      // non-finite statistics come from non-finite inputs, refused after standardising
      this.mean[d] = Number.isFinite(mu) ? mu : 0
      this.std[d] = Number.isFinite(sd) && sd > 1e-6 * Math.max(1, Math.abs(mu)) ? sd : 1
      inv[d] = 1 / this.std[d]
    }
    this.meanPtr = ctx.alloc(4 * kp)
    this.invPtr = ctx.alloc(4 * kp)
    ctx.f32(this.meanPtr, kp).fill(0).set(this.mean)
    ctx.f32(this.invPtr, kp).set(inv)
  }

  private reportNonFinite(x: Float32Array, n: number, what: string): never {
    const { dim } = this
    for (let k = 0; k < n * dim; k++) {
      if (!Number.isFinite(x[k])) throw new AppError('TRAINING_DATA', `${what} set: embedding ${Math.floor(k / dim)} has a non-finite value at dimension ${k % dim}`)
    }
    throw new AppError('TRAINING_DATA', `${what} set: embeddings have non-finite values`)
  }
}

