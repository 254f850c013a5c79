import { describe, expect, it } from 'vitest'
import { expectedEncoderShapes, inferArchitecture, resolveArchitecture, ESPNET_DEFAULTS } from '../../../src-main/model/checkpoint/architecture'
import type { BeatsArchitecture } from '../../../src-main/model/types'
import { BASE_ARCH } from './beats-checkpoint-writer'

const LARGE_ARCH: BeatsArchitecture = { ...BASE_ARCH, layers: 24, dim: 1024, ffnDim: 4096, heads: 16 }

/** Shapes as a checkpoint stores them: weight-norm parts instead of the folded weight, tied tables in every layer. */
function storedShapes(a: BeatsArchitecture): Map<string, readonly number[]> {
  const m = new Map<string, readonly number[]>()
  for (const [k, s] of expectedEncoderShapes(a)) {
    if (k === 'encoder.pos_conv.0.weight') {
      m.set('encoder.pos_conv.0.weight_g', [1, 1, a.convPos])
      m.set('encoder.pos_conv.0.weight_v', s)
    } else m.set(k, s)
  }
  for (let i = 1; i < a.layers; i++) m.set(`encoder.layers.${i}.self_attn.relative_attention_bias.weight`, [a.numBuckets, a.heads])
  return m
}

const numel = (s: readonly number[]): number => s.reduce((x, y) => x * y, 1)

describe('expectedEncoderShapes', () => {
  it('lists the spec §9 keys: 250 stored tensors and 90,311,792 unique parameters for Base, 311,376,576 for Large', () => {
    const base = storedShapes(BASE_ARCH)
    expect(base.size).toBe(250)
    expect(base.get('encoder.pos_conv.0.weight_v')).toEqual([768, 48, 128])
    expect(base.get('encoder.layers.11.self_attn.grep_linear.weight')).toEqual([8, 64])
    // unique = everything except the 11 tied copies of the relative-position table
    const unique = (m: Map<string, readonly number[]>, a: BeatsArchitecture): number =>
      [...m.values()].reduce((t, s) => t + numel(s), 0) - (a.layers - 1) * a.numBuckets * a.heads
    expect(unique(base, BASE_ARCH)).toBe(90_311_792)
    expect(unique(storedShapes(LARGE_ARCH), LARGE_ARCH)).toBe(311_376_576)
  })

  it('has no post_extract_proj when the patch channels equal D, and a conv bias when asked', () => {
    const m = expectedEncoderShapes({ ...BASE_ARCH, embedDim: 768, convBias: true })
    expect(m.has('post_extract_proj.weight')).toBe(false)
    expect(m.get('patch_embedding.bias')).toEqual([768])
  })
})

describe('inferArchitecture', () => {
  it('recovers Base and Large from their shapes; deep_norm, layer_norm_first and max_distance stay unseen', () => {
    for (const a of [BASE_ARCH, LARGE_ARCH]) {
      const { values, unseen } = inferArchitecture(storedShapes(a))
      expect(unseen.sort()).toEqual(['deepNorm', 'layerNormFirst', 'maxDistance'])
      expect({ ...values, deepNorm: a.deepNorm, layerNormFirst: a.layerNormFirst, maxDistance: a.maxDistance }).toEqual(a)
    }
  })

  it('cannot see heads or buckets without relative-position tensors', () => {
    const plain = { ...BASE_ARCH, relativePositionEmbedding: false, gruRelPos: false }
    const { values, unseen } = inferArchitecture(storedShapes(plain))
    expect(values.relativePositionEmbedding).toBe(false)
    expect(unseen).toContain('heads')
    expect(unseen).toContain('numBuckets')
  })

  it('gets heads from the gate alone', () => {
    const gated = { ...BASE_ARCH, relativePositionEmbedding: false }
    expect(inferArchitecture(storedShapes(gated)).values.heads).toBe(12)
  })

  it('rejects gaps in layer numbering and a missing positional convolution', () => {
    const m = new Map(storedShapes({ ...BASE_ARCH, layers: 3 }))
    for (const k of [...m.keys()]) if (k.startsWith('encoder.layers.1.')) m.delete(k)
    expect(() => inferArchitecture(m)).toThrow(/layer 1 missing|not numbered/)
    const m2 = new Map(storedShapes(BASE_ARCH))
    m2.delete('encoder.pos_conv.0.weight_v')
    expect(() => inferArchitecture(m2)).toThrow(expect.objectContaining({ code: 'CHECKPOINT_INVALID' }))
  })
})

describe('resolveArchitecture', () => {
  it('accepts YAML-style strings and 0/1 booleans in a cfg', () => {
    const cfg = new Map<string, unknown>([['encoder_layers', '12'], ['deep_norm', 1], ['gru_rel_pos', 'true'], ['max_distance', 800]])
    const r = resolveArchitecture(storedShapes(BASE_ARCH), cfg, ESPNET_DEFAULTS, 'x')
    expect(r.architecture).toEqual(BASE_ARCH)
    expect(r.sources).toMatchObject({ layers: 'cfg', deepNorm: 'cfg', gruRelPos: 'cfg', dim: 'inferred', layerNormFirst: 'default' })
  })

  it('rejects absurd sizes that a forged file could use to exhaust memory', () => {
    const huge = { ...BASE_ARCH, dim: 1 << 16, heads: 16, convPosGroups: 16 }
    expect(() => resolveArchitecture(storedShapes(huge), undefined, ESPNET_DEFAULTS, 'x')).toThrow(/encoder_embed_dim = 65536 is outside/)
  })

  it('rejects a cfg value of the wrong kind', () => {
    expect(() => resolveArchitecture(storedShapes(BASE_ARCH), new Map([['deep_norm', 'maybe']]), ESPNET_DEFAULTS, 'x')).toThrow(/deep_norm/)
  })
})
