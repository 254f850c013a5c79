// Seeded random OpenBEATs weights: same seed → same bytes on every machine, so the demo model
// and the benchmark models are reproducible. Scales follow the reference initialisation closely
// enough (xavier-scaled projections, deep-norm gain on the value/output/FFN weights, LayerNorm
// gains of 1) that activations stay in a realistic range through all layers.
import type { BeatsArchitecture, ClassifierHead, StateDict, Tensor } from '../types'

/** A small, fast, seedable generator (mulberry32). */
export class SeededRandom {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0)
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /**
   * Zero-mean samples with standard deviation `std`, uniformly distributed (±√3·std): as good as
   * Gaussian for random initialisation and several times faster than Box–Muller for 90 M values.
   */
  fill(out: Float32Array, std: number): void {
    const width = 2 * Math.sqrt(3) * std
    for (let i = 0; i < out.length; i++) out[i] = (this.uniform() - 0.5) * width
  }
}

function filled(shape: number[], value: (i: number) => number): Tensor {
  const n = shape.reduce((a, b) => a * b, 1)
  const data = new Float32Array(n)
  for (let i = 0; i < n; i++) data[i] = value(i)
  return { shape, data }
}

/** Random encoder weights with the keys of spec §9 (pos-conv weight already folded). */
export function randomEncoderWeights(arch: BeatsArchitecture, seed: number): StateDict {
  const rng = new SeededRandom(seed)
  const sd: StateDict = new Map()
  const D = arch.dim
  const dh = D / arch.heads
  const random = (shape: number[], std: number): Tensor => {
    const data = new Float32Array(shape.reduce((a, b) => a * b, 1))
    rng.fill(data, std)
    return { shape, data }
  }
  const xavier = (out: number, inp: number, gain = 1): Tensor => random([out, inp], gain * Math.sqrt(2 / (out + inp)))
  const ones = (n: number): Tensor => filled([n], () => 1)
  const zeros = (n: number): Tensor => filled([n], () => 0)
  const deepGain = arch.deepNorm ? Math.pow(8 * arch.layers, -0.25) : 1

  sd.set('patch_embedding.weight', random([arch.embedDim, 1, arch.inputPatchSize, arch.inputPatchSize], 1 / arch.inputPatchSize))
  if (arch.convBias) sd.set('patch_embedding.bias', zeros(arch.embedDim))
  sd.set('layer_norm.weight', ones(arch.embedDim))
  sd.set('layer_norm.bias', zeros(arch.embedDim))
  if (arch.embedDim !== D) {
    sd.set('post_extract_proj.weight', xavier(D, arch.embedDim))
    sd.set('post_extract_proj.bias', zeros(D))
  }
  // Reference: std √(4/(K·D)), then weight norm initialised so g = ‖v‖ (the folded weight equals v).
  sd.set('encoder.pos_conv.0.weight', random([D, D / arch.convPosGroups, arch.convPos], Math.sqrt(4 / (arch.convPos * D))))
  sd.set('encoder.pos_conv.0.bias', zeros(D))
  sd.set('encoder.layer_norm.weight', ones(D))
  sd.set('encoder.layer_norm.bias', zeros(D))
  const table = arch.relativePositionEmbedding ? random([arch.numBuckets, arch.heads], 0.5) : undefined
  for (let l = 0; l < arch.layers; l++) {
    const p = `encoder.layers.${l}.`
    sd.set(`${p}self_attn.q_proj.weight`, xavier(D, D, Math.SQRT1_2))
    sd.set(`${p}self_attn.k_proj.weight`, xavier(D, D, Math.SQRT1_2))
    sd.set(`${p}self_attn.v_proj.weight`, xavier(D, D, deepGain))
    sd.set(`${p}self_attn.out_proj.weight`, xavier(D, D, deepGain))
    for (const name of ['q_proj', 'k_proj', 'v_proj', 'out_proj']) sd.set(`${p}self_attn.${name}.bias`, random([D], 0.02))
    if (table) sd.set(`${p}self_attn.relative_attention_bias.weight`, table) // tied, as in real checkpoints
    if (arch.gruRelPos) {
      sd.set(`${p}self_attn.grep_a`, filled([1, arch.heads, 1, 1], () => 1))
      sd.set(`${p}self_attn.grep_linear.weight`, random([8, dh], 1 / Math.sqrt(dh)))
      sd.set(`${p}self_attn.grep_linear.bias`, zeros(8))
    }
    sd.set(`${p}self_attn_layer_norm.weight`, ones(D))
    sd.set(`${p}self_attn_layer_norm.bias`, zeros(D))
    sd.set(`${p}fc1.weight`, xavier(arch.ffnDim, D, deepGain))
    sd.set(`${p}fc1.bias`, random([arch.ffnDim], 0.02))
    sd.set(`${p}fc2.weight`, xavier(D, arch.ffnDim, deepGain))
    sd.set(`${p}fc2.bias`, random([D], 0.02))
    sd.set(`${p}final_layer_norm.weight`, ones(D))
    sd.set(`${p}final_layer_norm.bias`, zeros(D))
  }
  return sd
}

/** A random linear head over the clip embedding, labelled `demo_class_0…`. */
export function randomClassifierHead(dim: number, classes: number, seed: number, activation: ClassifierHead['activation'] = 'sigmoid'): ClassifierHead {
  const rng = new SeededRandom(seed)
  return {
    weight: filled([classes, dim], () => (rng.uniform() - 0.5) * Math.sqrt(12 / dim)),
    bias: filled([classes], () => 0),
    labels: Array.from({ length: classes }, (_, i) => `demo_class_${i}`),
    activation,
  }
}
