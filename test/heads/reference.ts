// Float64 reference implementations of head maths, written independently of the kernels.
import type { DecodedHead } from '../../src-main/heads/trained-head'

export interface RefLayer {
  inputs: number
  outputs: number
  weights: ArrayLike<number>
  bias: ArrayLike<number>
}

const GELU_C = Math.sqrt(2 / Math.PI)

export function refActivation(kind: 'relu' | 'gelu', v: number): number {
  return kind === 'relu' ? Math.max(0, v) : 0.5 * v * (1 + Math.tanh(GELU_C * (v + 0.044715 * v ** 3)))
}

/** Logits of one already-standardised input row. */
export function refLogits(layers: readonly RefLayer[], activation: 'relu' | 'gelu', x: ArrayLike<number>): number[] {
  let h = Array.from(x)
  layers.forEach((l, li) => {
    const out: number[] = []
    for (let j = 0; j < l.outputs; j++) {
      let s = l.bias[j]
      for (let k = 0; k < l.inputs; k++) s += h[k] * l.weights[k * l.outputs + j]
      out.push(li < layers.length - 1 ? refActivation(activation, s) : s)
    }
    h = out
  })
  return h
}

export function refProbabilities(task: 'multi-label' | 'multi-class', logits: number[]): number[] {
  if (task === 'multi-label') return logits.map((z) => 1 / (1 + Math.exp(-z)))
  const m = Math.max(...logits)
  const e = logits.map((z) => Math.exp(z - m))
  const s = e.reduce((a, b) => a + b, 0)
  return e.map((v) => v / s)
}

/** Probabilities of a decoded head on one raw (not standardised) embedding. */
export function refScore(head: DecodedHead, raw: ArrayLike<number>): number[] {
  const x = Array.from(raw, (v, d) => (v - head.mean[d]) / head.std[d])
  return refProbabilities(head.task, refLogits(head.layers, head.activation, x))
}

/** Weighted loss of one row (weights 1 unless given). */
export function refLoss(task: 'multi-label' | 'multi-class', logits: number[], y: ArrayLike<number>, pos?: number[], neg?: number[]): number {
  let l = 0
  if (task === 'multi-label') {
    logits.forEach((z, c) => {
      const sp = (t: number): number => Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)))
      l += (pos?.[c] ?? 1) * y[c] * sp(-z) + (neg?.[c] ?? 1) * (1 - y[c]) * sp(z)
    })
    return l
  }
  const m = Math.max(...logits)
  const lse = m + Math.log(logits.reduce((a, z) => a + Math.exp(z - m), 0))
  logits.forEach((z, c) => {
    l += (pos?.[c] ?? 1) * y[c] * (lse - z)
  })
  return l
}
