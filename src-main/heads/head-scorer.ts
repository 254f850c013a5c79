// Applies one or more trained heads to batches of raw window embeddings. Input standardisation is
// folded into the first layer (W/σ and b − Σ μ·W/σ, in float64), and the first layers of all heads
// of a kind are concatenated, so a batch costs one matrix product for all linear heads, one for the
// hidden layers of all MLP heads, and a small one per MLP head's output layer.

import { AppError } from '../errors'
import { ComputeContext, defaultThreadCount, type KernelCall } from '../numeric/compute-context'
import { fillRowPtrs, packedLayout, packInto, planNN, type PackedMatrix } from '../numeric/gemm'
import { pad4 } from './head-network'
import { decodeHead, type DecodedHead, type HeadActivation, type TrainedHead } from './trained-head'

interface FirstLayerGroup {
  /** Hidden-layer activation of the group's MLP heads; none for the linear heads' group. */
  activation?: HeadActivation
  /** Heads in this group and the first column of each in the group's output. */
  members: { head: DecodedHead; col: number; outCol: number }[]
  width: number
  matrix?: PackedMatrix
  biasPtr: number
  outPtr: number
}

interface OutputLayer {
  group: FirstLayerGroup
  head: DecodedHead
  /** First column of the head's hidden units in the MLP group's output. */
  hiddenCol: number
  outCol: number
  matrix: PackedMatrix
  biasPtr: number
  ld: number
}

export interface HeadScorerOptions {
  /** Threads for the matrix products (default: all cores, at most 8; 1 runs on the caller only). */
  threads?: number
  /** Rows per batch held in compute memory (default 8192). */
  maxBatch?: number
}

export class HeadScorer {
  readonly dim: number
  /** Probability columns: the classes of each head, in head order. */
  readonly outputs: number
  /** First probability column of each head. */
  readonly offsets: number[]
  readonly maxBatch: number
  private readonly ctx: ComputeContext
  private readonly threads: number
  private readonly groups: FirstLayerGroup[]
  private readonly outputLayers: OutputLayer[] = []
  private readonly inputPtr: number
  private readonly inputRows: number
  private readonly hiddenRows: number
  private readonly logitPtr: number
  private readonly probPtr: number

  constructor(heads: readonly (TrainedHead | DecodedHead)[], opts: HeadScorerOptions = {}) {
    if (heads.length === 0) throw new AppError('INVALID_REQUEST', 'no heads to score with')
    const decoded = heads.map((h) => ('format' in h ? decodeHead(h) : h))
    const dim = decoded[0].dim
    decoded.forEach((h, i) => {
      if (h.dim !== dim) throw new AppError('MODEL_INVALID', `head ${i} takes ${h.dim}-d embeddings, head 0 takes ${dim}-d`)
    })
    this.dim = dim
    this.threads = Math.max(1, Math.floor(opts.threads ?? defaultThreadCount()))
    this.maxBatch = Math.max(1, Math.floor(opts.maxBatch ?? 8192))

    this.offsets = []
    let outCol = 0
    // linear heads, then MLP heads by activation: each group's first layers are one matrix
    const groups: FirstLayerGroup[] = [
      { members: [], width: 0, biasPtr: 0, outPtr: 0 },
      { activation: 'relu', members: [], width: 0, biasPtr: 0, outPtr: 0 },
      { activation: 'gelu', members: [], width: 0, biasPtr: 0, outPtr: 0 },
    ]
    for (const head of decoded) {
      const group = head.kind === 'linear' ? groups[0] : head.activation === 'relu' ? groups[1] : groups[2]
      group.members.push({ head, col: group.width, outCol })
      group.width += pad4(head.layers[0].outputs)
      this.offsets.push(outCol)
      outCol += head.classes
    }
    this.outputs = outCol
    this.groups = groups.filter((g) => g.width > 0)
    const totalWidth = this.groups.reduce((a, g) => a + g.width, 0)
    const maxClasses = Math.max(4, ...decoded.map((h) => pad4(h.classes)))
    const mb = this.maxBatch
    this.ctx = new ComputeContext({
      helpers: this.threads - 1,
      initialBytes: 4 * mb * (dim + totalWidth + maxClasses + outCol) + 4 * dim * totalWidth,
    })
    const ctx = this.ctx
    for (const group of this.groups) {
      const layout = packedLayout(dim, group.width)
      const w = new Float32Array(dim * group.width)
      const bias = new Float32Array(group.width)
      for (const m of group.members) foldFirstLayer(m.head, m.col, w, group.width, bias)
      group.matrix = { ptr: ctx.alloc(layout.bytes), layout }
      packInto(ctx.f32(group.matrix.ptr, layout.bytes / 4), layout, w)
      group.biasPtr = ctx.alloc(4 * group.width)
      ctx.f32(group.biasPtr, group.width).set(bias)
      group.outPtr = ctx.alloc(4 * mb * group.width)
    }
    for (const group of this.groups) for (const m of group.activation ? group.members : []) {
      const l2 = m.head.layers[1]
      const hp = pad4(l2.inputs)
      const ld = pad4(l2.outputs)
      const layout = packedLayout(hp, ld)
      const w2 = new Float32Array(hp * ld)
      for (let i = 0; i < l2.inputs; i++) for (let j = 0; j < l2.outputs; j++) w2[i * ld + j] = l2.weights[i * l2.outputs + j]
      const matrix = { ptr: ctx.alloc(layout.bytes), layout }
      packInto(ctx.f32(matrix.ptr, layout.bytes / 4), layout, w2)
      const biasPtr = ctx.alloc(4 * ld)
      ctx.f32(biasPtr, ld).fill(0).set(l2.bias)
      this.outputLayers.push({ group, head: m.head, hiddenCol: m.col, outCol: m.outCol, matrix, biasPtr, ld })
    }
    this.inputPtr = ctx.alloc(4 * mb * dim)
    this.inputRows = ctx.alloc(4 * mb)
    fillRowPtrs(ctx.i32(this.inputRows, mb), this.inputPtr, dim)
    this.hiddenRows = ctx.alloc(4 * mb)
    this.logitPtr = ctx.alloc(4 * mb * maxClasses)
    this.probPtr = ctx.alloc(4 * mb * outCol)
  }

  /** Compute-memory view for `rows` (≤ maxBatch) embeddings, row-major rows × dim: fill it, then `scoreInput`. */
  input(rows: number): Float32Array {
    this.checkRows(rows)
    return this.ctx.f32(this.inputPtr, rows * this.dim)
  }

  /** Probabilities (rows × outputs, a new array) of the embeddings written into `input(rows)`. */
  scoreInput(rows: number): Float32Array {
    this.checkRows(rows)
    if (rows === 0) return new Float32Array(0)
    const threads = rows >= 64 ? this.threads : 1
    const parts = splitRows(rows, threads)
    const { ctx } = this
    const src = { rowPtrs: this.inputRows, rows }
    const probLd = this.outputs
    for (const g of this.groups) {
      ctx.parallel(planNN(src, g.matrix as PackedMatrix, { ptr: g.outPtr, ld: g.width }, false, threads))
      ctx.parallel(parts.map(([r0, r1]) => {
        const at = g.outPtr + 4 * r0 * g.width
        const calls: KernelCall[] = [{ kernel: 'add_bias', args: [at, r1 - r0, g.width, g.biasPtr] }]
        if (g.activation) {
          calls.push({ kernel: g.activation, args: [at, at, (r1 - r0) * g.width] })
        } else {
          for (const m of g.members) {
            const kernel = m.head.task === 'multi-label' ? 'sigmoid_rows' : 'softmax_rows'
            calls.push({ kernel, args: [at + 4 * m.col, g.width, r1 - r0, m.head.classes, this.probPtr + 4 * (r0 * probLd + m.outCol), probLd] })
          }
        }
        return calls
      }))
    }
    for (const o of this.outputLayers) {
      const g = o.group
      fillRowPtrs(ctx.i32(this.hiddenRows, rows), g.outPtr + 4 * o.hiddenCol, g.width)
      ctx.parallel(planNN({ rowPtrs: this.hiddenRows, rows }, o.matrix, { ptr: this.logitPtr, ld: o.ld }, false, threads))
      const kernel = o.head.task === 'multi-label' ? 'sigmoid_rows' : 'softmax_rows'
      ctx.parallel(parts.map(([r0, r1]) => [
        { kernel: 'add_bias', args: [this.logitPtr + 4 * r0 * o.ld, r1 - r0, o.ld, o.biasPtr] },
        { kernel, args: [this.logitPtr + 4 * r0 * o.ld, o.ld, r1 - r0, o.head.classes, this.probPtr + 4 * (r0 * probLd + o.outCol), probLd] },
      ]))
    }
    return ctx.f32(this.probPtr, rows * this.outputs).slice()
  }

  /** Probabilities (n × outputs) of n embeddings (n × dim), in batches of maxBatch. */
  score(x: Float32Array, n: number): Float32Array {
    if (x.length !== n * this.dim) throw new AppError('INVALID_REQUEST', `scoring ${n} embeddings of ${this.dim} values needs ${n * this.dim} values, got ${x.length}`)
    const out = new Float32Array(n * this.outputs)
    for (let start = 0; start < n; start += this.maxBatch) {
      const rows = Math.min(this.maxBatch, n - start)
      this.input(rows).set(x.subarray(start * this.dim, (start + rows) * this.dim))
      out.set(this.scoreInput(rows), start * this.outputs)
    }
    return out
  }

  dispose(): void {
    this.ctx.dispose()
  }

  private checkRows(rows: number): void {
    if (!(Number.isInteger(rows) && rows >= 0 && rows <= this.maxBatch)) throw new AppError('INVALID_REQUEST', `batch of ${rows} rows; this scorer holds at most ${this.maxBatch}`)
  }
}

function splitRows(rows: number, parts: number): [number, number][] {
  const per = Math.ceil(rows / parts)
  const out: [number, number][] = []
  for (let r = 0; r < rows; r += per) out.push([r, Math.min(rows, r + per)])
  return out
}

/** Writes W/σ into w (dim × ld) at column col, and b − Σ_k μ_k·W_k/σ_k (float64) into bias. */
function foldFirstLayer(head: DecodedHead, col: number, w: Float32Array, ld: number, bias: Float32Array): void {
  const l = head.layers[0]
  for (let j = 0; j < l.outputs; j++) {
    let s = l.bias[j]
    for (let k = 0; k < head.dim; k++) {
      const wk = l.weights[k * l.outputs + j] / head.std[k]
      w[k * ld + col + j] = wk
      s -= head.mean[k] * wk
    }
    bias[col + j] = s
  }
}

/** Probabilities (n × classes) of one head on n embeddings, on the calling thread. */
export function scoreHead(head: TrainedHead | DecodedHead, x: Float32Array, n: number): Float32Array {
  const scorer = new HeadScorer([head], { threads: 1, maxBatch: Math.max(1, Math.min(n, 8192)) })
  try {
    return scorer.score(x, n)
  } finally {
    scorer.dispose()
  }
}
