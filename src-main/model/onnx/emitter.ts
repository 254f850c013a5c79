// Building blocks shared by the encoder graph and its attention variants: LayerNorm, linear layers
// (float or int8), exact GELU, and small constants — each reading its weights with shape checks.
import type { StateDict } from '../types'
import { GraphBuilder } from './graph-builder'
import { quantizeColumns } from './quantize'
import { requireWeight, transpose2d } from './weights'

const LN_EPS = 1e-5

export type Quantization = 'none' | 'int8'

export class Emitter {
  readonly g = new GraphBuilder()

  constructor(
    private readonly weights: StateDict,
    readonly quantization: Quantization,
  ) {}

  /** A weight's data, checked against the expected shape. */
  w(key: string, shape: number[]): Float32Array {
    return requireWeight(this.weights, key, shape).data
  }

  /** 1-D int64 constant (axes, shapes, split sizes). */
  axes(...values: number[]): string {
    return this.g.int64Const(values)
  }

  /** Scalar int64 constant. */
  i64(value: number): string {
    return this.g.int64Const([value], [])
  }

  f32(value: number): string {
    return this.g.floatConst([value])
  }

  layerNorm(x: string, key: string, dim: number): string {
    const scale = this.g.floatInit(`${key}.weight`, this.w(`${key}.weight`, [dim]), [dim])
    const bias = this.g.floatInit(`${key}.bias`, this.w(`${key}.bias`, [dim]), [dim])
    return this.g.node('LayerNormalization', [x, scale, bias], { axis: { i: -1 }, epsilon: { f: LN_EPS } })
  }

  /**
   * y = x·W + b for W given as [in, out]. int8 uses ORT's DynamicQuantizeMatMul: per-column
   * weight scales, activations quantised per call.
   */
  linear(x: string, wT: Float32Array, inDim: number, outDim: number, bias: Float32Array | undefined, name: string, allowQuantize = true): string {
    const { g } = this
    if (allowQuantize && this.quantization === 'int8') {
      const qw = quantizeColumns(wT, inDim, outDim)
      const inputs = [x, g.int8Init(`${name}.wq`, qw.values, [inDim, outDim]), g.floatInit(`${name}.scale`, qw.scale, [outDim]), g.int8Init(`${name}.zp`, new Int8Array(outDim), [outDim])]
      if (bias) inputs.push(g.floatInit(`${name}.bias`, bias, [outDim]))
      return g.node('DynamicQuantizeMatMul', inputs, {}, { domain: 'ms', prefix: name })
    }
    const y = g.node('MatMul', [x, g.floatInit(`${name}.weight`, wT, [inDim, outDim])], {}, { prefix: name })
    return bias ? g.node('Add', [y, g.floatInit(`${name}.bias`, bias, [outDim])]) : y
  }

  /** A PyTorch nn.Linear stored as `${key}.weight [out, in]` and `${key}.bias [out]`. */
  torchLinear(x: string, key: string, inDim: number, outDim: number): string {
    const wT = transpose2d(this.w(`${key}.weight`, [outDim, inDim]), outDim, inDim)
    return this.linear(x, wT, inDim, outDim, this.w(`${key}.bias`, [outDim]), key)
  }

  /** Exact (erf) GELU, in the form ORT's optimiser fuses into one Gelu/BiasGelu kernel. */
  gelu(x: string): string {
    const { g } = this
    const e = g.node('Erf', [g.node('Div', [x, this.f32(Math.SQRT2)])])
    return g.node('Mul', [g.node('Mul', [x, g.node('Add', [e, this.f32(1)])]), this.f32(0.5)])
  }

  transpose(x: string, perm: number[]): string {
    return this.g.node('Transpose', [x], { perm: { ints: perm } })
  }

  reshape(x: string, shape: number[]): string {
    return this.g.node('Reshape', [x, this.axes(...shape)])
  }
}
