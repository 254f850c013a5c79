// Builds the OpenBEATs / BEATs encoder (spec §4) as an ONNX graph: normalised fbank [B, T, 128]
// in, patch embeddings [B, N, D] out (N = 8·⌊T/16⌋, row t·8+f), weights as initializers.
import { AppError } from '../../errors'
import type { BeatsArchitecture, ClassifierHead, StateDict } from '../types'
import { emitAttention, type AttentionKernel, type KeyMask } from './attention'
import { Emitter, type Quantization } from './emitter'
import type { ModelInfo } from './graph-builder'
import { biasByOffset } from './relative-position'
import { requireWeight, transpose2d } from './weights'

export type { Quantization } from './emitter'
export type { AttentionKernel } from './attention'

export const MEL_BINS = 128
const PATCH = 16
const FREQ_PATCHES = MEL_BINS / PATCH
const FLOAT = 1 // onnx TensorProto.DataType.FLOAT, for Cast

/** Tensor names of the graph's inputs and outputs. */
export const ENCODER_IO = {
  fbank: 'fbank',
  frameLengths: 'frame_lengths',
  patches: 'patches',
  hidden: 'hidden',
  logits: 'logits',
} as const

export interface EncoderGraphOptions {
  /** Adds `logits [B, C]` = mean over (valid) patches · Wᵀ + b. Ignored when `layers` < L. */
  head?: ClassifierHead
  /** Adds output `hidden [B, N, D]` = hidden state k (0 = after pos-conv + LayerNorm). */
  hiddenLayer?: number
  /** Runs only the first k layers, so `patches` is hidden state k (default: all layers). */
  layers?: number
  /**
   * Adds input `frame_lengths [B]` (int64, valid fbank frames per item): patches past
   * 8·⌊len/16⌋ are zeroed before the positional conv and masked as attention keys (spec §4.7).
   */
  paddingMask?: boolean
  quantization?: Quantization
  /** 'fused' (default) uses ORT's MultiHeadAttention kernel; 'standard' uses only ONNX ops. */
  attention?: AttentionKernel
  info?: ModelInfo
}

export interface EncoderGraph {
  bytes: Uint8Array
  /** Layers actually run (patches = hidden state `layers`). */
  layers: number
  hasLogits: boolean
  hasHidden: boolean
}

function checkArchitecture(arch: BeatsArchitecture): void {
  const unsupported = (why: string): never => {
    throw new AppError('CHECKPOINT_UNSUPPORTED', `OpenBEATs architecture not supported: ${why}`, { architecture: arch })
  }
  if (arch.inputPatchSize !== PATCH) unsupported(`input_patch_size ${arch.inputPatchSize} (BEATs/OpenBEATs use 16)`)
  // Pre-LN BEATs exists in the reference code, but no released model uses it and no fixture checks it.
  if (arch.layerNormFirst) unsupported('layer_norm_first = true (no released OpenBEATs/BEATs model uses it)')
  if (arch.dim % arch.heads !== 0) unsupported(`encoder_embed_dim ${arch.dim} is not divisible by ${arch.heads} heads`)
  if (arch.dim % arch.convPosGroups !== 0) unsupported(`encoder_embed_dim ${arch.dim} is not divisible by conv_pos_groups ${arch.convPosGroups}`)
}

export function buildEncoderGraph(arch: BeatsArchitecture, weights: StateDict, opts: EncoderGraphOptions = {}): EncoderGraph {
  checkArchitecture(arch)
  const L = arch.layers
  const runLayers = opts.layers ?? L
  if (!Number.isInteger(runLayers) || runLayers < 0 || runLayers > L) {
    throw new AppError('INVALID_REQUEST', `layers must be an integer in 0…${L}, got ${runLayers}`)
  }
  if (opts.hiddenLayer !== undefined && (!Number.isInteger(opts.hiddenLayer) || opts.hiddenLayer < 0 || opts.hiddenLayer > runLayers)) {
    throw new AppError('INVALID_REQUEST', `hiddenLayer must be an integer in 0…${runLayers}, got ${opts.hiddenLayer}`)
  }
  const D = arch.dim
  const H = arch.heads
  const Cp = arch.embedDim
  const e = new Emitter(weights, opts.quantization ?? 'none')
  const { g } = e

  const fbank = g.input(ENCODER_IO.fbank, 'float', ['batch', 'frames', MEL_BINS])
  const frameLengths = opts.paddingMask ? g.input(ENCODER_IO.frameLengths, 'int64', ['batch']) : undefined

  // §4.1 patch embedding: the stride-16 conv crops the trailing T mod 16 frames; (t, f) → t·8+f.
  const convW = g.floatInit('patch_embedding.weight', e.w('patch_embedding.weight', [Cp, 1, PATCH, PATCH]), [Cp, 1, PATCH, PATCH])
  const convInputs = [g.node('Unsqueeze', [fbank, e.axes(1)]), convW]
  if (arch.convBias) convInputs.push(g.floatInit('patch_embedding.bias', e.w('patch_embedding.bias', [Cp]), [Cp]))
  let x = g.node('Conv', convInputs, { kernel_shape: { ints: [PATCH, PATCH] }, strides: { ints: [PATCH, PATCH] } })
  x = e.transpose(e.reshape(x, [0, Cp, -1]), [0, 2, 1])

  // §4.2 front LayerNorm + projection (present iff C_p ≠ D).
  x = e.layerNorm(x, 'layer_norm', Cp)
  if (Cp !== D) x = e.torchLinear(x, 'post_extract_proj', Cp, D)

  // Patch positions 0…N−1, for the padding mask and the relative-position bias.
  const useRelBias = arch.relativePositionEmbedding && runLayers > 0
  let positions = ''
  if (frameLengths !== undefined || useRelBias) {
    const n = g.node('Squeeze', [g.node('Slice', [g.node('Shape', [x]), e.axes(1), e.axes(2)]), e.axes(0)])
    positions = g.node('Range', [e.i64(0), n, e.i64(1)])
  }

  // §4.7 padding: padded patches are zeroed before the pos-conv and get −∞ as attention keys.
  let keyMask: KeyMask | undefined
  let validMask = '' // [B, N, 1] float
  let validCount = '' // [B, 1] float
  if (frameLengths !== undefined) {
    const validPatches = g.node('Mul', [g.node('Div', [frameLengths, e.axes(PATCH)]), e.axes(FREQ_PATCHES)])
    const valid = g.node('Less', [g.node('Unsqueeze', [positions, e.axes(0)]), g.node('Unsqueeze', [validPatches, e.axes(1)])])
    validMask = g.node('Unsqueeze', [g.node('Cast', [valid], { to: { i: FLOAT } }), e.axes(2)])
    validCount = g.node('Unsqueeze', [g.node('Cast', [validPatches], { to: { i: FLOAT } }), e.axes(1)])
    keyMask = { valid, additive: g.node('Unsqueeze', [g.node('Where', [valid, e.f32(0), e.f32(-Infinity)]), e.axes(1, 2)]) }
    x = g.node('Mul', [x, validMask])
  }

  // §4.3 convolutional positional embedding. Pads [K/2, K/2−1] for even K equal symmetric
  // padding followed by dropping the last output (the reference's SamePad).
  const K = arch.convPos
  const inPerGroup = D / arch.convPosGroups
  const half = Math.floor(K / 2)
  const posW = g.floatInit('encoder.pos_conv.0.weight', e.w('encoder.pos_conv.0.weight', [D, inPerGroup, K]), [D, inPerGroup, K])
  const posB = g.floatInit('encoder.pos_conv.0.bias', e.w('encoder.pos_conv.0.bias', [D]), [D])
  const conv = g.node('Conv', [e.transpose(x, [0, 2, 1]), posW, posB], {
    group: { i: arch.convPosGroups },
    kernel_shape: { ints: [K] },
    pads: { ints: [half, K % 2 === 0 ? half - 1 : half] },
  })
  x = g.node('Add', [x, e.transpose(e.gelu(conv), [0, 2, 1])])
  // §4.4: post-LN model, so the encoder LayerNorm comes right after the positional conv.
  x = e.layerNorm(x, 'encoder.layer_norm', D)
  const hidden: string[] = [x]

  // §4.6 relative-position bias [1, H, N, N] from layer 0's (tied) table, computed once.
  let relBias: string | undefined
  if (useRelBias) {
    const table = e.w('encoder.layers.0.self_attn.relative_attention_bias.weight', [arch.numBuckets, H])
    const { data, radius: R } = biasByOffset(table, H, arch.numBuckets, arch.maxDistance)
    const offset = g.node('Sub', [g.node('Unsqueeze', [positions, e.axes(0)]), g.node('Unsqueeze', [positions, e.axes(1)])]) // key − query
    const index = g.node('Add', [g.node('Min', [g.node('Max', [offset, e.i64(-R)]), e.i64(R)]), e.i64(R)])
    const gathered = g.node('Gather', [g.floatInit('relative_bias_by_offset', data, [2 * R + 1, H]), index], { axis: { i: 0 } })
    relBias = g.node('Unsqueeze', [e.transpose(gathered, [2, 0, 1]), e.axes(0)])
  }

  // §4.5 post-LN layers with deep-norm residual scaling α = (2L)^¼.
  const alpha = arch.deepNorm ? Math.pow(2 * L, 0.25) : 1
  const residual = (x0: string, y: string): string => g.node('Add', [alpha === 1 ? x0 : g.node('Mul', [x0, e.f32(alpha)]), y])
  for (let l = 0; l < runLayers; l++) {
    const p = `encoder.layers.${l}.`
    const ctx = emitAttention(e, arch, opts.attention ?? 'fused', { x, layer: l, relBias, keyMask })
    x = e.layerNorm(residual(x, e.torchLinear(ctx, `${p}self_attn.out_proj`, D, D)), `${p}self_attn_layer_norm`, D)
    const ffn = e.torchLinear(e.gelu(e.torchLinear(x, `${p}fc1`, D, arch.ffnDim)), `${p}fc2`, arch.ffnDim, D)
    x = e.layerNorm(residual(x, ffn), `${p}final_layer_norm`, D)
    hidden.push(x)
  }

  g.output(x, ENCODER_IO.patches, 'float', ['batch', 'patches', D])
  if (opts.hiddenLayer !== undefined) g.output(hidden[opts.hiddenLayer], ENCODER_IO.hidden, 'float', ['batch', 'patches', D])

  // §6 classifier head: mean over (valid) patches, then linear (kept in float: it is tiny).
  const head = runLayers === L ? opts.head : undefined
  if (head) {
    const C = head.weight.shape[0]
    const headWeights: StateDict = new Map([
      ['weight', head.weight],
      ['bias', head.bias],
    ])
    const wT = transpose2d(requireWeight(headWeights, 'weight', [C, D]).data, C, D)
    const pooled = validMask
      ? g.node('Div', [g.node('ReduceSum', [g.node('Mul', [x, validMask]), e.axes(1)], { keepdims: { i: 0 } }), validCount])
      : g.node('ReduceMean', [x], { axes: { ints: [1] }, keepdims: { i: 0 } })
    g.output(e.linear(pooled, wT, D, C, requireWeight(headWeights, 'bias', [C]).data, 'head', false), ENCODER_IO.logits, 'float', ['batch', C])
  }

  const bytes = g.encode(opts.info ?? { producerVersion: '0' })
  return { bytes, layers: runLayers, hasLogits: head !== undefined, hasHidden: opts.hiddenLayer !== undefined }
}
