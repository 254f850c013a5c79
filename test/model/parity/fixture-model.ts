// Loads the tiny fixture model from the raw float32 weights (`weights_index.json`), so the graph
// and engine tests do not depend on the pickle reader. Weight norm is folded here the way the
// checkpoint reader does it: W[o,i,k] = g[k]·v[o,i,k] / ‖v[:,:,k]‖.
import { readFileSync } from 'node:fs'
import type { BeatsArchitecture, ClassifierHead, StateDict, Tensor } from '../../../src-main/model/types'
import { fixtureManifest, fixturePath, readF32 } from '../../helpers/shared-data'

interface IndexEntry {
  name: string
  shape: number[]
  offset_bytes: number
  numel: number
}

function readBlock(block: { file: string; tensors: IndexEntry[] }): Map<string, Tensor> {
  const all = readF32(fixturePath(block.file))
  const out = new Map<string, Tensor>()
  for (const t of block.tensors) out.set(t.name, { shape: t.shape, data: all.slice(t.offset_bytes / 4, t.offset_bytes / 4 + t.numel) })
  return out
}

export function foldWeightNorm(g: Tensor, v: Tensor): Tensor {
  const [O, I, K] = v.shape
  const data = new Float32Array(O * I * K)
  for (let k = 0; k < K; k++) {
    let ss = 0
    for (let j = 0; j < O * I; j++) ss += v.data[j * K + k] ** 2
    const f = g.data[k] / Math.sqrt(ss)
    for (let j = 0; j < O * I; j++) data[j * K + k] = v.data[j * K + k] * f
  }
  return { shape: [O, I, K], data }
}

export function fixtureArchitecture(): BeatsArchitecture {
  const c = fixtureManifest().beats_config_effective
  return {
    inputPatchSize: c.input_patch_size,
    embedDim: c.embed_dim,
    convBias: c.conv_bias,
    layers: c.encoder_layers,
    dim: c.encoder_embed_dim,
    ffnDim: c.encoder_ffn_embed_dim,
    heads: c.encoder_attention_heads,
    convPos: c.conv_pos,
    convPosGroups: c.conv_pos_groups,
    layerNormFirst: c.layer_norm_first,
    deepNorm: c.deep_norm,
    relativePositionEmbedding: c.relative_position_embedding,
    numBuckets: c.num_buckets,
    maxDistance: c.max_distance,
    gruRelPos: c.gru_rel_pos,
  }
}

export interface FixtureModel {
  architecture: BeatsArchitecture
  encoder: StateDict
  head: ClassifierHead
}

export function loadFixtureModel(activation: ClassifierHead['activation'] = 'softmax'): FixtureModel {
  const index = JSON.parse(readFileSync(fixturePath('checkpoints/weights_index.json'), 'utf8'))
  const encoder = readBlock(index.encoder)
  const g = encoder.get('encoder.pos_conv.0.weight_g')
  const v = encoder.get('encoder.pos_conv.0.weight_v')
  if (!g || !v) throw new Error('fixture weights lack the pos-conv weight norm tensors')
  encoder.set('encoder.pos_conv.0.weight', foldWeightNorm(g, v))
  encoder.delete('encoder.pos_conv.0.weight_g')
  encoder.delete('encoder.pos_conv.0.weight_v')
  const head = readBlock(index.cls_head)
  const weight = head.get('decoder.linear_out.weight')
  const bias = head.get('decoder.linear_out.bias')
  if (!weight || !bias) throw new Error('fixture head weights missing')
  const labels = Array.from({ length: weight.shape[0] }, (_, i) => `class_${i}`)
  return { architecture: fixtureArchitecture(), encoder, head: { weight, bias, labels, activation } }
}

export interface FixtureWave {
  id: string
  wav: string
  sampleRate: number
  frames: number
  patches: number
  tensor: (name: string) => Float32Array
}

export function fixtureWaves(): FixtureWave[] {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- manifest is loose JSON test data
  return fixtureManifest().waves.map((w: any) => ({
    id: w.id,
    wav: fixturePath(w.wav),
    sampleRate: w.sample_rate,
    frames: w.num_fbank_frames,
    patches: w.num_patches,
    tensor: (name: string) => readF32(fixturePath(w.tensors[name].file)),
  }))
}

/** Largest |a − b| over two equal-length arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return Number.isNaN(m) ? Infinity : m
}
