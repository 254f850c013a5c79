// Self-attention with the gated relative-position bias of spec §4.6, in two forms: standard ONNX
// ops only, or ORT's fused com.microsoft.MultiHeadAttention kernel (fewer passes over the
// [B, H, N, N] scores). Both compute q, k, v and the gate logits in one GEMM: the gate is linear in
// the unscaled query, u = q_h·G + b_g = x·(W_q,hᵀ·G) + (b_q,h·G + b_g), with G the grep_linear rows
// summed per 2×4 group, so its weights fold into four extra columns per head pair.
import type { BeatsArchitecture } from '../types'
import type { Emitter } from './emitter'

export type AttentionKernel = 'standard' | 'fused'

export interface KeyMask {
  /** [B, 1, 1, N] float: 0 for valid keys, −∞ for padding */
  additive: string
  /** [B, N] bool: true for valid patches */
  valid: string
}

export interface AttentionInput {
  x: string
  layer: number
  /** Un-gated relative-position bias [1, H, N, N], shared by all layers. */
  relBias?: string
  keyMask?: KeyMask
}

interface Projection {
  wT: Float32Array
  cols: number
  qkvBias: Float32Array
  gateBias?: Float32Array
}

function projectionWeights(e: Emitter, arch: BeatsArchitecture, l: number, qScale: number): Projection {
  const D = arch.dim
  const H = arch.heads
  const dh = D / H
  const p = `encoder.layers.${l}.self_attn.`
  const gated = arch.relativePositionEmbedding && arch.gruRelPos
  const cols = 3 * D + (gated ? 2 * H : 0)
  const wT = new Float32Array(D * cols)
  const qkvBias = new Float32Array(3 * D)
  const wq = e.w(`${p}q_proj.weight`, [D, D])
  const bq = e.w(`${p}q_proj.bias`, [D])
  ;(['q_proj', 'k_proj', 'v_proj'] as const).forEach((name, part) => {
    const s = part === 0 ? qScale : 1
    const wt = e.w(`${p}${name}.weight`, [D, D])
    const bt = e.w(`${p}${name}.bias`, [D])
    for (let o = 0; o < D; o++) {
      for (let i = 0; i < D; i++) wT[i * cols + part * D + o] = wt[o * D + i] * s
      qkvBias[part * D + o] = bt[o] * s
    }
  })
  if (!gated) return { wT, cols, qkvBias }

  const gw = e.w(`${p}grep_linear.weight`, [8, dh])
  const gb = e.w(`${p}grep_linear.bias`, [8])
  const gateBias = new Float32Array(2 * H)
  for (let part = 0; part < 2; part++) {
    const G = new Float64Array(dh)
    let b = 0
    for (let r = part * 4; r < part * 4 + 4; r++) {
      b += gb[r]
      for (let c = 0; c < dh; c++) G[c] += gw[r * dh + c]
    }
    for (let h = 0; h < H; h++) {
      let bh = b
      for (let c = 0; c < dh; c++) bh += bq[h * dh + c] * G[c]
      gateBias[h * 2 + part] = bh
      for (let i = 0; i < D; i++) {
        let s = 0
        for (let c = 0; c < dh; c++) s += wq[(h * dh + c) * D + i] * G[c]
        wT[i * cols + 3 * D + h * 2 + part] = s
      }
    }
  }
  return { wT, cols, qkvBias, gateBias }
}

/**
 * gate[b,h,i] = σ(u_a)·(σ(u_b)·grep_a[h] − 1) + 2, times the shared bias → [B, H, N, N].
 * `gateLogits` is [B, N, 2H] (pairs (u_a, u_b) per head), bias already included unless given.
 */
function gatedBias(e: Emitter, arch: BeatsArchitecture, l: number, gateLogits: string, gateBias: Float32Array | undefined, relBias: string): string {
  const { g } = e
  const H = arch.heads
  let u = e.reshape(gateLogits, [0, 0, H, 2])
  if (gateBias) u = g.node('Add', [u, g.floatInit(`encoder.layers.${l}.gate.bias`, gateBias, [H, 2])])
  const [ga, gb] = g.nodeN('Split', [g.node('Sigmoid', [u])], 2, { axis: { i: 3 } }) // [B, N, H, 1] each
  const grepKey = `encoder.layers.${l}.self_attn.grep_a`
  const grepA = g.floatInit(grepKey, e.w(grepKey, [1, H, 1, 1]), [1, 1, H, 1])
  const gate = g.node('Add', [g.node('Mul', [ga, g.node('Sub', [g.node('Mul', [gb, grepA]), e.f32(1)])]), e.f32(2)])
  return g.node('Mul', [e.transpose(gate, [0, 2, 1, 3]), relBias])
}

/** Emits one layer's attention (before out_proj); returns the context [B, N, D]. */
export function emitAttention(e: Emitter, arch: BeatsArchitecture, kernel: AttentionKernel, input: AttentionInput): string {
  const { g } = e
  const D = arch.dim
  const H = arch.heads
  const dh = D / H
  const name = `encoder.layers.${input.layer}.self_attn.qkv`
  const fused = kernel === 'fused'
  // The standard path folds 1/√d_h into the q columns (exact when d_h is a power of 4); the fused
  // kernel applies it itself.
  const proj = projectionWeights(e, arch, input.layer, fused ? 1 : 1 / Math.sqrt(dh))
  const gated = proj.gateBias !== undefined
  let gemmBias: Float32Array | undefined
  if (!fused) {
    gemmBias = new Float32Array(proj.cols)
    gemmBias.set(proj.qkvBias)
    if (proj.gateBias) gemmBias.set(proj.gateBias, 3 * D)
  }
  const projected = e.linear(input.x, proj.wT, D, proj.cols, gemmBias, name)
  const parts = g.nodeN('Split', [projected, e.axes(...(gated ? [D, D, D, 2 * H] : [D, D, D]))], gated ? 4 : 3, { axis: { i: 2 } })
  const [q, k, v] = parts

  let bias = input.relBias
  if (bias && gated) bias = gatedBias(e, arch, input.layer, parts[3], fused ? proj.gateBias : undefined, bias)

  if (fused) {
    const inputs = [q, k, v, g.floatInit(`${name}.bias`, proj.qkvBias, [3 * D])]
    if (bias) {
      inputs.push('', input.keyMask ? g.node('Add', [bias, input.keyMask.additive]) : bias)
    } else if (input.keyMask) {
      inputs.push(g.node('Cast', [input.keyMask.valid], { to: { i: 6 /* INT32 */ } }))
    }
    return g.node('MultiHeadAttention', inputs, { num_heads: { i: H } }, { domain: 'ms', prefix: `encoder.layers.${input.layer}.mha` })
  }

  const heads = (t: string, perm: number[]): string => e.transpose(e.reshape(t, [0, 0, H, dh]), perm)
  let scores = g.node('MatMul', [heads(q, [0, 2, 1, 3]), heads(k, [0, 2, 3, 1])])
  if (bias) scores = g.node('Add', [scores, bias])
  if (input.keyMask) scores = g.node('Add', [scores, input.keyMask.additive])
  const probs = g.node('Softmax', [scores], { axis: { i: -1 } })
  const ctx = g.node('MatMul', [probs, heads(v, [0, 2, 1, 3])])
  return e.reshape(e.transpose(ctx, [0, 2, 1, 3]), [0, 0, D])
}
