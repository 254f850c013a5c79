// Test helper: writes synthetic BEATs checkpoints of a chosen architecture in each family's
// layout, returning the raw tensors written so tests can compare what the loader gives back.
import { expectedEncoderShapes, CFG_KEYS, type ArchitectureKey } from '../../../src-main/model/checkpoint/architecture'
import type { BeatsArchitecture } from '../../../src-main/model/types'
import { PickleBuilder, writeTorchZip, type PyLiteral, type TensorSpec } from './torch-writer'

export interface SyntheticCheckpoint {
  /** Every tensor written, by its name inside the file. */
  tensors: Map<string, { shape: number[]; data: Float32Array }>
}

export interface SyntheticOptions {
  layout: 'openbeats-ssl' | 'microsoft' | 'espnet' | 'bare'
  /** cfg written into {model, cfg} layouts; default: every architecture key. */
  cfg?: Map<string, PyLiteral>
  weightNorm?: 'g_v' | 'parametrizations'
  pads?: boolean
  /** tied copies of relative_attention_bias for layers ≥ 1 */
  tiedCopies?: boolean
  headClasses?: number
  labelDict?: boolean
  extra?: Record<string, number[]>
  omit?: string[]
  seed?: number
}

export function fullCfg(a: BeatsArchitecture): Map<string, PyLiteral> {
  const m = new Map<string, PyLiteral>()
  for (const [k, cfgKey] of Object.entries(CFG_KEYS) as [ArchitectureKey, string][]) m.set(cfgKey, a[k])
  m.set('activation_fn', 'gelu')
  return m
}

/** Deterministic values in [-1, 1). */
export function randomValues(n: number, seed: number): Float32Array {
  const out = new Float32Array(n)
  let s = seed >>> 0 || 1
  for (let i = 0; i < n; i++) {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    out[i] = ((s >>> 0) / 4294967296) * 2 - 1
  }
  return out
}

export function writeSyntheticCheckpoint(path: string, a: BeatsArchitecture, opts: SyntheticOptions): SyntheticCheckpoint {
  const names: [string, number[]][] = []
  const D = a.dim
  for (const [name, shape] of expectedEncoderShapes(a)) {
    if (name === 'encoder.pos_conv.0.weight') {
      const [g, v] = opts.weightNorm === 'parametrizations' ? ['parametrizations.weight.original0', 'parametrizations.weight.original1'] : ['weight_g', 'weight_v']
      names.push([`encoder.pos_conv.0.${g}`, [1, 1, a.convPos]], [`encoder.pos_conv.0.${v}`, [D, D / a.convPosGroups, a.convPos]])
    } else {
      names.push([name, shape])
    }
    if (opts.tiedCopies && name.endsWith('self_attn.grep_a') && !name.startsWith('encoder.layers.0.')) {
      names.push([name.replace('grep_a', 'relative_attention_bias.weight'), [a.numBuckets, a.heads]])
    }
  }
  if (opts.pads) names.push(['patch_embedding_pad.weight', [1, 1, 16, 16]], ['raw2fbank_pad.weight', [1, 1, 400]])
  const kept = names.filter(([n]) => !opts.omit?.includes(n))
  for (const [k, shape] of Object.entries(opts.extra ?? {})) kept.push([k, shape])
  const prefix = opts.layout === 'espnet' ? 'encoder.' : ''
  const all: [string, number[]][] = kept.map(([n, s]) => [prefix + n, s])
  if (opts.headClasses) {
    const h = opts.layout === 'espnet' ? 'decoder.linear_out' : 'predictor'
    all.push([`${h}.weight`, [opts.headClasses, D]], [`${h}.bias`, [opts.headClasses]])
  }

  const tensors = new Map<string, { shape: number[]; data: Float32Array }>()
  const storages: Record<string, Uint8Array> = {}
  const model = new Map<string, PyLiteral>()
  let seed = opts.seed ?? 7
  all.forEach(([name, shape], i) => {
    const numel = shape.reduce((x, y) => x * y, 1)
    const data = randomValues(numel, seed++)
    tensors.set(name, { shape, data })
    storages[String(i)] = new Uint8Array(data.buffer)
    const spec: TensorSpec = { key: String(i), storageNumel: numel, shape }
    model.set(name, spec)
  })

  const p = new PickleBuilder().proto(2)
  if (opts.layout === 'espnet' || opts.layout === 'bare') {
    p.dict(model, true)
  } else {
    const top = new Map<string, PyLiteral>()
    const cfg = opts.cfg ?? fullCfg(a)
    if (opts.layout === 'microsoft') {
      cfg.set('finetuned_model', opts.headClasses !== undefined)
      if (opts.headClasses) cfg.set('predictor_class', opts.headClasses)
      top.set('cfg', cfg)
      top.set('model', model)
      if (opts.labelDict && opts.headClasses) top.set('label_dict', new Map(Array.from({ length: opts.headClasses }, (_, i) => [i, `/m/label${i}`])))
    } else {
      top.set('model', model)
      top.set('cfg', cfg)
    }
    p.dict(top)
  }
  writeTorchZip(path, { prefix: 'archive', pickle: p.stop().bytes(), storages, byteorder: 'little' })
  return { tensors }
}

export const TINY_ARCH: BeatsArchitecture = {
  inputPatchSize: 16, embedDim: 16, convBias: false, layers: 2, dim: 24, ffnDim: 32, heads: 3, convPos: 8, convPosGroups: 4,
  layerNormFirst: false, deepNorm: true, relativePositionEmbedding: true, numBuckets: 320, maxDistance: 800, gruRelPos: true,
}

export const BASE_ARCH: BeatsArchitecture = {
  inputPatchSize: 16, embedDim: 512, convBias: false, layers: 12, dim: 768, ffnDim: 3072, heads: 12, convPos: 128, convPosGroups: 16,
  layerNormFirst: false, deepNorm: true, relativePositionEmbedding: true, numBuckets: 320, maxDistance: 800, gruRelPos: true,
}
