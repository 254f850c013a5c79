// Mini-batch buffers of head training: gathering picked rows into one contiguous buffer, and
// embedding mixup.

import type { ComputeContext } from '../numeric/compute-context'
import { fillRowPtrs } from '../numeric/gemm'
import type { Prng } from '../numeric/prng'
import type { HeadLoss } from './head-loss'

/** A contiguous batch buffer with its row addresses, and address lists for gathering into it. */
export class BatchBuffers {
  readonly ptr: number
  /** Row addresses of the contiguous buffer (maxBatch of them). */
  readonly rowsAddr: number
  /** Scratch lists of source row addresses. */
  readonly sourcesAddr: number
  readonly partnerAddr: number
  readonly targetSourcesAddr: number

  constructor(
    private readonly ctx: ComputeContext,
    maxBatch: number,
    readonly kp: number,
  ) {
    this.ptr = ctx.alloc(4 * maxBatch * kp)
    this.rowsAddr = ctx.alloc(4 * maxBatch)
    fillRowPtrs(ctx.i32(this.rowsAddr, maxBatch), this.ptr, kp)
    this.sourcesAddr = ctx.alloc(4 * maxBatch)
    this.partnerAddr = ctx.alloc(4 * maxBatch)
    this.targetSourcesAddr = ctx.alloc(4 * maxBatch)
  }

  sources(rows: number): Int32Array {
    return this.ctx.i32(this.sourcesAddr, rows)
  }

  partners(rows: number): Int32Array {
    return this.ctx.i32(this.partnerAddr, rows)
  }

  targetSources(rows: number): Int32Array {
    return this.ctx.i32(this.targetSourcesAddr, rows)
  }

  /** Copies rows `picked` of the matrix at xPtr (kp floats per row) into the buffer. */
  gather(xPtr: number, picked: Int32Array): void {
    fillRowPtrs(this.sources(picked.length), xPtr, this.kp, picked)
    this.ctx.call([{ kernel: 'gather_rows', args: [this.ptr, this.sourcesAddr, picked.length, this.kp] }])
  }
}

/** Embedding mixup: each batch row is mixed with a random partner, x = λ·x_a + (1 − λ)·x_b, λ ~ Beta(α, α); targets alike. */
export class BatchMixer {
  private lambdaPtr = 0
  private lambdaRows = 0

  constructor(
    private readonly ctx: ComputeContext,
    private readonly alpha: number,
  ) {}

  /** Mixes the picked stored rows (stored row r holds example storedOrder[r]) into the batch buffer and the loss targets. */
  mix(rng: Prng, picked: Int32Array, xPtr: number, kp: number, y: Float32Array, storedOrder: Int32Array, loss: HeadLoss, batch: BatchBuffers): void {
    const rows = picked.length
    if (rows > this.lambdaRows) {
      this.lambdaPtr = this.ctx.alloc(4 * rows)
      this.lambdaRows = rows
    }
    const partner = new Int32Array(rows)
    for (let i = 0; i < rows; i++) partner[i] = i
    rng.shuffle(partner)
    const lambdas = this.ctx.f32(this.lambdaPtr, rows)
    const a = batch.sources(rows)
    const b = batch.partners(rows)
    const t = loss.targets(rows)
    const { classes, cp } = loss
    for (let i = 0; i < rows; i++) {
      const lam = Math.fround(rng.beta(this.alpha, this.alpha))
      const ia = picked[i]
      const ib = picked[partner[i]]
      lambdas[i] = lam
      a[i] = xPtr + 4 * kp * ia
      b[i] = xPtr + 4 * kp * ib
      const ya = storedOrder[ia] * classes
      const yb = storedOrder[ib] * classes
      for (let c = 0; c < classes; c++) t[i * cp + c] = lam * y[ya + c] + (1 - lam) * y[yb + c]
    }
    this.ctx.call([{ kernel: 'mix_rows', args: [batch.ptr, batch.sourcesAddr, batch.partnerAddr, this.lambdaPtr, rows, kp] }])
  }
}
