// Weighted head losses on batches of logits in compute memory, through the SIMD loss kernels:
// multi-label is binary cross-entropy per class, multi-class is softmax cross-entropy. Both are
// finite at any logit (log-sigmoid through softplus, softmax after subtracting the row maximum).

import type { ComputeContext } from '../numeric/compute-context'

export type HeadTask = 'multi-label' | 'multi-class'

/** Per-class loss weights: multi-label weighs positives and negatives apart, multi-class uses `pos` only. */
export interface LossWeights {
  pos: Float64Array
  neg: Float64Array
}

export class HeadLoss {
  /** Targets of the next batch: maxBatch × cp. */
  readonly targetPtr: number
  private readonly posPtr: number
  private readonly negPtr: number
  private readonly lossPtr: number

  constructor(
    private readonly ctx: ComputeContext,
    readonly task: HeadTask,
    readonly classes: number,
    /** Row stride of logits, targets and gradients (classes padded to a multiple of 4). */
    readonly cp: number,
    weights: LossWeights,
    readonly maxBatch: number,
  ) {
    this.targetPtr = ctx.alloc(4 * maxBatch * cp)
    this.posPtr = ctx.alloc(4 * cp)
    this.negPtr = ctx.alloc(4 * cp)
    this.lossPtr = ctx.alloc(8)
    const pos = ctx.f32(this.posPtr, cp)
    const neg = ctx.f32(this.negPtr, cp)
    pos.fill(0)
    neg.fill(0)
    for (let c = 0; c < classes; c++) {
      pos[c] = weights.pos[c]
      neg[c] = weights.neg[c]
    }
    ctx.f32(this.targetPtr, maxBatch * cp).fill(0)
  }

  /** Targets of the next batch, rows × cp; padded columns must stay 0. */
  targets(rows: number): Float32Array {
    return this.ctx.f32(this.targetPtr, rows * this.cp)
  }

  /** Copies targets (n × classes) into compute memory padded to n × cp (row j = example order[j]), for `gatherTargetRows`. */
  loadTargets(y: Float32Array, n: number, order?: Int32Array): number {
    const { classes, cp } = this
    const ptr = this.ctx.alloc(4 * n * cp)
    const t = this.ctx.f32(ptr, n * cp)
    if (cp === classes && !order) {
      t.set(y.subarray(0, n * classes))
    } else {
      t.fill(0)
      for (let j = 0; j < n; j++) {
        const i = order ? order[j] : j
        for (let c = 0; c < classes; c++) t[j * cp + c] = y[i * classes + c]
      }
    }
    return ptr
  }

  /** Gathers target rows (addresses of cp-float rows at rowPtrsAddr) into the target buffer. */
  gatherTargetRows(rowPtrsAddr: number, rows: number): void {
    this.ctx.call([{ kernel: 'gather_rows', args: [this.targetPtr, rowPtrsAddr, rows, this.cp] }])
  }

  /** Copies rows of y (n × classes) into the target buffer: y rows index[i], or firstRow + i without an index. */
  gatherTargets(y: Float32Array, rows: number, index?: ArrayLike<number>, firstRow = 0): void {
    const t = this.targets(rows)
    const { classes, cp } = this
    for (let i = 0; i < rows; i++) {
      const src = (index ? index[i] : firstRow + i) * classes
      for (let c = 0; c < classes; c++) t[i * cp + c] = y[src + c]
    }
  }

  /**
   * Summed weighted loss of rows × cp logits at zPtr against `targets(rows)`; writes
   * gradScale·dLoss/dz to gradPtr (same layout).
   */
  run(zPtr: number, rows: number, gradPtr: number, gradScale: number): number {
    const acc = new Float64Array(this.ctx.memory.buffer, this.lossPtr, 1)
    acc[0] = 0
    const args = this.task === 'multi-label'
      ? [zPtr, this.targetPtr, rows, this.cp, this.posPtr, this.negPtr, gradPtr, gradScale, this.lossPtr]
      : [zPtr, this.targetPtr, rows, this.cp, this.classes, this.posPtr, gradPtr, gradScale, this.lossPtr]
    this.ctx.call([{ kernel: this.task === 'multi-label' ? 'bce_grad' : 'softmax_grad', args }])
    return acc[0]
  }
}
