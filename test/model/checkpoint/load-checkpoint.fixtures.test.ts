import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { CFG_KEYS, inferArchitecture, type ArchitectureKey } from '../../../src-main/model/checkpoint/architecture'
import { loadCheckpoint } from '../../../src-main/model/checkpoint/load-checkpoint'
import type { LoadedCheckpoint, Tensor } from '../../../src-main/model/types'
import { describeShared, fixtureManifest, fixturePath } from '../../helpers/shared-data'

interface IndexEntry {
  name: string
  shape: number[]
  offset_bytes: number
  numel: number
}

function readIndexed(group: 'encoder' | 'cls_head'): Map<string, Tensor> {
  const index = JSON.parse(readFileSync(fixturePath('checkpoints/weights_index.json'), 'utf8'))[group] as { file: string; tensors: IndexEntry[] }
  const buf = readFileSync(fixturePath(index.file))
  const out = new Map<string, Tensor>()
  for (const t of index.tensors) {
    const data = new Float32Array(t.numel)
    for (let i = 0; i < t.numel; i++) data[i] = buf.readFloatLE(t.offset_bytes + 4 * i)
    out.set(t.name, { shape: t.shape, data })
  }
  return out
}

/** W[o,i,k] = g[k]·v[o,i,k]/‖v[:,:,k]‖₂ in float64, written out plainly (independent of foldWeightNorm). */
function referenceFold(g: Tensor, v: Tensor): Float32Array {
  const [O, I, K] = v.shape
  const out = new Float32Array(O * I * K)
  for (let k = 0; k < K; k++) {
    let sq = 0
    for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) sq += v.data[(o * I + i) * K + k] ** 2
    const norm = Math.sqrt(sq)
    for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) out[(o * I + i) * K + k] = (g.data[k] * v.data[(o * I + i) * K + k]) / norm
  }
  return out
}

function expectEncoderMatchesRawWeights(ckpt: LoadedCheckpoint): void {
  const raw = readIndexed('encoder')
  const names = [...raw.keys()].filter((n) => !n.endsWith('weight_g') && !n.endsWith('weight_v'))
  expect([...ckpt.encoder.keys()].sort()).toEqual([...names, 'encoder.pos_conv.0.weight'].sort())
  for (const name of names) {
    const t = ckpt.encoder.get(name)
    expect(t?.shape, name).toEqual(raw.get(name)?.shape)
    expect(Buffer.from(t!.data.buffer, t!.data.byteOffset, t!.data.byteLength).equals(Buffer.from(raw.get(name)!.data.buffer)), `${name} bit-identical`).toBe(true)
  }
  const folded = ckpt.encoder.get('encoder.pos_conv.0.weight')!
  const g = raw.get('encoder.pos_conv.0.weight_g')!
  const v = raw.get('encoder.pos_conv.0.weight_v')!
  expect(folded.shape).toEqual(v.shape)
  expect(Buffer.from(folded.data.buffer, folded.data.byteOffset, folded.data.byteLength).equals(Buffer.from(referenceFold(g, v).buffer))).toBe(true)
}

function expectHeadMatchesRaw(ckpt: LoadedCheckpoint): void {
  const raw = readIndexed('cls_head')
  expect(ckpt.head?.weight).toEqual(raw.get('decoder.linear_out.weight'))
  expect(ckpt.head?.bias).toEqual(raw.get('decoder.linear_out.bias'))
}

describeShared('loadCheckpoint on the reference fixtures', () => {
  const manifest = fixtureManifest()
  const effective = manifest.beats_config_effective as Record<string, number | boolean>
  const expectedArch = Object.fromEntries((Object.entries(CFG_KEYS) as [ArchitectureKey, string][]).map(([k, cfgKey]) => [k, effective[cfgKey]]))
  const ckptPath = (id: string): string => fixturePath(manifest.checkpoints[id].file)

  it('loads the OpenBEATs SSL layout: partial cfg + ESPnet defaults, bit-identical encoder, folded pos-conv', async () => {
    const c = await loadCheckpoint({ checkpointPath: ckptPath('openbeats_ssl') })
    expect(c.family).toBe('openbeats-ssl')
    expect(c.architecture).toEqual(expectedArch)
    expect(c.architectureSource).toMatchObject({ layers: 'cfg', deepNorm: 'cfg', maxDistance: 'cfg' })
    expect(c.head).toBeUndefined()
    expect(c.normalization).toEqual({ mean: 15.41663, std: 6.55582 })
    expect(c.warnings).toEqual([])
    expect(c.sourceSha256).toMatch(/^[0-9a-f]{64}$/)
    expectEncoderMatchesRawWeights(c)
  })

  it('loads the Microsoft fine-tuned layout with its predictor head, sigmoid and label_dict labels', async () => {
    const c = await loadCheckpoint({ checkpointPath: ckptPath('ms_beats_finetuned') })
    expect(c.family).toBe('microsoft')
    expect(c.architecture).toEqual(expectedArch)
    expect(Object.values(c.architectureSource).every((s) => s === 'cfg')).toBe(true)
    expectEncoderMatchesRawWeights(c)
    expectHeadMatchesRaw(c)
    expect(c.head?.activation).toBe('sigmoid')
    expect(c.head?.labels).toEqual(['class_0', 'class_1', 'class_2', 'class_3', 'class_4'])
  })

  it('loads the ESPnet fine-tuned layout with config.yaml: inferred architecture, softmax, token_list without <unk>', async () => {
    const cfg = manifest.checkpoints.espnet_cls
    const c = await loadCheckpoint({ checkpointPath: fixturePath(cfg.file), configPath: fixturePath(cfg.config) })
    expect(c.family).toBe('espnet-finetuned')
    expect(c.architecture).toEqual(expectedArch)
    expect(c.architectureSource).toMatchObject({ layers: 'inferred', dim: 'inferred', heads: 'inferred', deepNorm: 'default', layerNormFirst: 'default', maxDistance: 'default' })
    expect(c.warnings.some((w) => w.includes('deep_norm=true') && w.includes('max_distance=800'))).toBe(true)
    expectEncoderMatchesRawWeights(c)
    expectHeadMatchesRaw(c)
    expect(c.head?.activation).toBe('softmax')
    expect(c.head?.labels).toEqual(['class_0', 'class_1', 'class_2', 'class_3', 'class_4'])
    expect(c.head?.labels).toHaveLength(cfg.n_classes)
    expect(c.normalization).toEqual({ mean: 15.41663, std: 6.55582 })
  })

  it('infers the same architecture from the SSL tensor shapes alone (no cfg)', () => {
    const raw = readIndexed('encoder')
    const inferred = inferArchitecture(new Map([...raw].map(([k, t]) => [k, t.shape])))
    expect(inferred.unseen.sort()).toEqual(['deepNorm', 'layerNormFirst', 'maxDistance'])
    for (const [k, v] of Object.entries(inferred.values)) expect(v, k).toBe(expectedArch[k])
  })

  it('reports sha256 of the source file', async () => {
    const { createHash } = await import('node:crypto')
    const path = ckptPath('openbeats_ssl')
    const c = await loadCheckpoint({ checkpointPath: path })
    expect(c.sourceSha256).toBe(createHash('sha256').update(readFileSync(path)).digest('hex'))
  })
})
