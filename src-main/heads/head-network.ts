// A linear or one-hidden-layer head living in a ComputeContext's memory: parameters and gradients
// in one flat region each (so the optimiser is one kernel call), weights in the packed layout the
// matrix kernels read, batch buffers sized for the largest batch.
//
// Widths are padded to multiples of 4 with zero weights; padded units stay exactly zero through
// training because their gradients are zero.

import type { ComputeContext, KernelCall } from '../numeric/compute-context'
import { fillRowPtrs, packedLayout, packInto, planNN, planTN, unpackFrom, type PackedLayout } from '../numeric/gemm'
import type { Prng } from '../numeric/prng'
import type { DecodedLayer, HeadActivation, HeadKind } from './trained-head'

export interface NetworkShape {
  kind: HeadKind
  dim: number
  classes: number
  hidden: number
  activation: HeadActivation
}

interface DenseLayer {
  inputs: number
  outputs: number
  layout: PackedLayout
  /** Byte offsets of weights and bias inside the parameter region. */
  wOffset: number
  bOffset: number
}

export const pad4 = (n: number): number => Math.ceil(n / 4) * 4

export class HeadNetwork {
  /** Parameters, flat (views into compute memory). */
  readonly params: Float32Array
  readonly grads: Float32Array
  readonly paramPtr: number
  readonly gradPtr: number
  /** [start, end) float ranges of params that take weight decay (weights, not biases). */
  readonly decayRanges: [number, number][] = []
  readonly kp: number
  readonly cp: number
  readonly hp: number
  /** Logits of the last forward batch: rows × cp at zPtr. */
  readonly zPtr: number
  /** dLoss/dlogits for the last forward batch, rows × cp, filled before `backward`. */
  readonly dzPtr: number
  private readonly layers: DenseLayer[]
  private readonly hPrePtr: number
  private readonly hPtr: number
  private readonly dhPtr: number
  private readonly hRows: number
  private readonly dzRows: number
  private readonly w2tPtr: number
  private readonly w2tLayout: PackedLayout | undefined

  constructor(
    private readonly ctx: ComputeContext,
    readonly shape: NetworkShape,
    readonly maxBatch: number,
    private readonly threads: number,
  ) {
    this.kp = pad4(shape.dim)
    this.cp = pad4(shape.classes)
    this.hp = shape.kind === 'mlp' ? pad4(shape.hidden) : 0
    const widths = shape.kind === 'mlp' ? [[this.kp, this.hp], [this.hp, this.cp]] : [[this.kp, this.cp]]
    let bytes = 0
    this.layers = widths.map(([inputs, outputs]) => {
      const layout = packedLayout(inputs, outputs)
      const layer = { inputs, outputs, layout, wOffset: bytes, bOffset: bytes + layout.bytes }
      bytes += layout.bytes + 4 * outputs
      return layer
    })
    this.paramPtr = ctx.alloc(bytes)
    this.gradPtr = ctx.alloc(bytes)
    this.params = ctx.f32(this.paramPtr, bytes / 4)
    this.grads = ctx.f32(this.gradPtr, bytes / 4)
    this.params.fill(0)
    this.grads.fill(0)
    for (const l of this.layers) this.decayRanges.push([l.wOffset / 4, l.bOffset / 4])

    this.zPtr = ctx.alloc(4 * maxBatch * this.cp)
    this.dzPtr = ctx.alloc(4 * maxBatch * this.cp)
    this.dzRows = ctx.alloc(4 * maxBatch)
    fillRowPtrs(ctx.i32(this.dzRows, maxBatch), this.dzPtr, this.cp)
    if (shape.kind === 'mlp') {
      this.hPrePtr = ctx.alloc(4 * maxBatch * this.hp)
      this.hPtr = ctx.alloc(4 * maxBatch * this.hp)
      this.dhPtr = ctx.alloc(4 * maxBatch * this.hp)
      this.hRows = ctx.alloc(4 * maxBatch)
      fillRowPtrs(ctx.i32(this.hRows, maxBatch), this.hPtr, this.hp)
      this.w2tLayout = packedLayout(this.cp, this.hp)
      this.w2tPtr = ctx.alloc(this.w2tLayout.bytes)
    } else {
      this.hPrePtr = this.hPtr = this.dhPtr = this.hRows = this.w2tPtr = 0
    }
  }

  /**
   * MLP weights ~ U(±√(6/fan_in)) for the hidden layer (He) and U(±√(6/(fan_in+fan_out))) for
   * the output layer (Glorot); linear heads and biases start at 0, the output bias at `outputBias`.
   */
  initialize(rng: Prng, outputBias?: ArrayLike<number>): void {
    this.params.fill(0)
    if (this.shape.kind === 'mlp') {
      const fill = (layer: DenseLayer, realIn: number, realOut: number, bound: number): void => {
        const w = new Float32Array(layer.inputs * layer.outputs)
        for (let i = 0; i < realIn; i++) for (let j = 0; j < realOut; j++) w[i * layer.outputs + j] = (2 * rng.nextFloat() - 1) * bound
        packInto(this.params.subarray(layer.wOffset / 4), layer.layout, w)
      }
      const { dim, hidden, classes } = this.shape
      fill(this.layers[0], dim, hidden, Math.sqrt(6 / dim))
      fill(this.layers[1], hidden, classes, Math.sqrt(6 / (hidden + classes)))
    }
    if (outputBias) {
      const last = this.layers[this.layers.length - 1]
      for (let c = 0; c < this.shape.classes; c++) this.params[last.bOffset / 4 + c] = outputBias[c]
    }
  }

  /** Logits (rows × cp, at zPtr) for the rows whose addresses are at rowPtrs (standardised, kp floats each). */
  forward(rowPtrs: number, rows: number): void {
    const [first, second] = this.layers
    const p = this.paramPtr
    if (this.shape.kind === 'linear') {
      this.ctx.parallel(planNN({ rowPtrs, rows }, { ptr: p + first.wOffset, layout: first.layout }, { ptr: this.zPtr, ld: this.cp }, false, this.threads))
      this.ctx.call([{ kernel: 'add_bias', args: [this.zPtr, rows, this.cp, p + first.bOffset] }])
      return
    }
    this.ctx.parallel(planNN({ rowPtrs, rows }, { ptr: p + first.wOffset, layout: first.layout }, { ptr: this.hPrePtr, ld: this.hp }, false, this.threads))
    this.ctx.call([
      { kernel: 'add_bias', args: [this.hPrePtr, rows, this.hp, p + first.bOffset] },
      { kernel: this.shape.activation, args: [this.hPrePtr, this.hPtr, rows * this.hp] },
    ])
    this.ctx.parallel(planNN({ rowPtrs: this.hRows, rows }, { ptr: p + second.wOffset, layout: second.layout }, { ptr: this.zPtr, ld: this.cp }, false, this.threads))
    this.ctx.call([{ kernel: 'add_bias', args: [this.zPtr, rows, this.cp, p + second.bOffset] }])
  }

  /** Gradients of the last forward batch into `grads`, from the logit gradient at dzPtr. */
  backward(rowPtrs: number, rows: number): void {
    const [first, second] = this.layers
    const g = this.gradPtr
    if (this.shape.kind === 'linear') {
      this.ctx.parallel(planTN({ rowPtrs, rows }, { ptr: this.dzPtr, ld: this.cp }, { packed: { ptr: g + first.wOffset, layout: first.layout } }, false, this.threads))
      this.ctx.call([{ kernel: 'col_sums', args: [this.dzPtr, rows, this.cp, g + first.bOffset] }])
      return
    }
    const w2tLayout = this.w2tLayout as PackedLayout
    this.ctx.parallel(planTN({ rowPtrs: this.hRows, rows }, { ptr: this.dzPtr, ld: this.cp }, { packed: { ptr: g + second.wOffset, layout: second.layout } }, false, this.threads))
    this.ctx.call([{ kernel: 'col_sums', args: [this.dzPtr, rows, this.cp, g + second.bOffset] }])
    this.packSecondTransposed(second, w2tLayout)
    this.ctx.parallel(planNN({ rowPtrs: this.dzRows, rows }, { ptr: this.w2tPtr, layout: w2tLayout }, { ptr: this.dhPtr, ld: this.hp }, false, this.threads))
    const grad: KernelCall[] = [
      { kernel: `${this.shape.activation}_grad`, args: [this.hPrePtr, this.dhPtr, rows * this.hp] },
      { kernel: 'col_sums', args: [this.dhPtr, rows, this.hp, g + first.bOffset] },
    ]
    this.ctx.call(grad)
    this.ctx.parallel(planTN({ rowPtrs, rows }, { ptr: this.dhPtr, ld: this.hp }, { packed: { ptr: g + first.wOffset, layout: first.layout } }, false, this.threads))
  }

  /** Sets the parameters from unpadded row-major layers (e.g. to warm-start from an earlier head). */
  loadLayers(layers: readonly DecodedLayer[]): void {
    if (layers.length !== this.layers.length) throw new RangeError(`expected ${this.layers.length} layers, got ${layers.length}`)
    this.params.fill(0)
    this.layers.forEach((l, i) => {
      const src = layers[i]
      const full = new Float32Array(l.inputs * l.outputs)
      for (let r = 0; r < src.inputs; r++) for (let c = 0; c < src.outputs; c++) full[r * l.outputs + c] = src.weights[r * src.outputs + c]
      packInto(this.params.subarray(l.wOffset / 4), l.layout, full)
      this.params.set(src.bias, l.bOffset / 4)
    })
  }

  /** Current parameters as unpadded row-major layers (weights inputs × outputs). */
  exportLayers(): DecodedLayer[] {
    return this.unpackRegion(this.params)
  }

  /** Gradients of the last backward pass, laid out like `exportLayers`. */
  gradientLayers(): DecodedLayer[] {
    return this.unpackRegion(this.grads)
  }

  private unpackRegion(region: Float32Array): DecodedLayer[] {
    const real = this.shape.kind === 'mlp'
      ? [[this.shape.dim, this.shape.hidden], [this.shape.hidden, this.shape.classes]]
      : [[this.shape.dim, this.shape.classes]]
    return this.layers.map((l, i) => {
      const [inputs, outputs] = real[i]
      const full = new Float32Array(l.inputs * l.outputs)
      unpackFrom(region.subarray(l.wOffset / 4), l.layout, full)
      const weights = new Float32Array(inputs * outputs)
      for (let r = 0; r < inputs; r++) for (let c = 0; c < outputs; c++) weights[r * outputs + c] = full[r * l.outputs + c]
      return { inputs, outputs, weights, bias: region.slice(l.bOffset / 4, l.bOffset / 4 + outputs) }
    })
  }

  /** W2ᵀ (cp × hp) packed for dH = dZ·W2ᵀ; small, so rebuilt per batch. */
  private packSecondTransposed(second: DenseLayer, layout: PackedLayout): void {
    const w2 = new Float32Array(this.hp * this.cp)
    unpackFrom(this.params.subarray(second.wOffset / 4), second.layout, w2)
    const w2t = new Float32Array(this.cp * this.hp)
    for (let i = 0; i < this.hp; i++) for (let j = 0; j < this.cp; j++) w2t[j * this.hp + i] = w2[i * this.cp + j]
    packInto(this.ctx.f32(this.w2tPtr, layout.bytes / 4), layout, w2t)
  }
}
