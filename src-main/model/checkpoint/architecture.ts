// BEATs architecture: config keys, family defaults (spec §1–§2), inference from tensor shapes,
// and the encoder keys/shapes an architecture implies (spec §9).
import { AppError } from '../../errors'
import type { BeatsArchitecture } from '../types'

export type ArchitectureKey = keyof BeatsArchitecture
export type ArchitectureSource = 'cfg' | 'default' | 'inferred'

/** BEATsConfig / ESPnet BeatsConfig key for each architecture field. */
export const CFG_KEYS: Readonly<Record<ArchitectureKey, string>> = {
  inputPatchSize: 'input_patch_size',
  embedDim: 'embed_dim',
  convBias: 'conv_bias',
  layers: 'encoder_layers',
  dim: 'encoder_embed_dim',
  ffnDim: 'encoder_ffn_embed_dim',
  heads: 'encoder_attention_heads',
  convPos: 'conv_pos',
  convPosGroups: 'conv_pos_groups',
  layerNormFirst: 'layer_norm_first',
  deepNorm: 'deep_norm',
  relativePositionEmbedding: 'relative_position_embedding',
  numBuckets: 'num_buckets',
  maxDistance: 'max_distance',
  gruRelPos: 'gru_rel_pos',
}

const BOOLEAN_KEYS: ReadonlySet<ArchitectureKey> = new Set(['convBias', 'layerNormFirst', 'deepNorm', 'relativePositionEmbedding', 'gruRelPos'])

/** ESPnet `BeatsConfig` defaults: what an OpenBEATs cfg's missing keys mean. */
export const ESPNET_DEFAULTS: Readonly<BeatsArchitecture> = {
  inputPatchSize: 16, embedDim: 512, convBias: false, layers: 12, dim: 768, ffnDim: 3072, heads: 12, convPos: 128, convPosGroups: 16,
  layerNormFirst: false, deepNorm: false, relativePositionEmbedding: false, numBuckets: 320, maxDistance: 1280, gruRelPos: false,
}

/** Microsoft `BEATsConfig` defaults: as ESPnet's except input_patch_size −1 (which its cfgs always set). */
export const MICROSOFT_DEFAULTS: Readonly<BeatsArchitecture> = { ...ESPNET_DEFAULTS, inputPatchSize: -1 }

/**
 * Assumed for flags the weights cannot show when there is no cfg at all (ESPnet fine-tunes,
 * bare state dicts): the released OpenBEATs values. Only deepNorm, layerNormFirst and
 * maxDistance (and heads/numBuckets without relative-position tensors) come from here.
 */
export const OPENBEATS_ASSUMED: Readonly<BeatsArchitecture> = {
  ...ESPNET_DEFAULTS, deepNorm: true, layerNormFirst: false, relativePositionEmbedding: true, maxDistance: 800, gruRelPos: true,
}

export type Shapes = ReadonlyMap<string, readonly number[]>

export interface InferredArchitecture {
  /** Only the fields the shapes reveal. */
  values: Partial<BeatsArchitecture>
  /** Fields the shapes cannot reveal. */
  unseen: ArchitectureKey[]
}

const REL_BIAS = 'encoder.layers.0.self_attn.relative_attention_bias.weight'
const GREP_A = 'encoder.layers.0.self_attn.grep_a'
const GREP_LINEAR = 'encoder.layers.0.self_attn.grep_linear.weight'

/** Pos-conv weight shape [D, D/G, K], whichever form it is stored in. */
function posConvShape(shapes: Shapes): readonly number[] | undefined {
  return shapes.get('encoder.pos_conv.0.weight_v') ?? shapes.get('encoder.pos_conv.0.parametrizations.weight.original1') ?? shapes.get('encoder.pos_conv.0.weight')
}

/**
 * What the encoder's tensor shapes (keys without the ESPnet `encoder.` prefix) reveal (spec §1):
 * layers, D, C_p, patch size, conv bias, ffn, pos-conv kernel and groups, relative-position
 * table (→ heads, buckets) and gate (→ heads). Never visible: deep_norm, layer_norm_first,
 * max_distance; heads and num_buckets are invisible without the relative-position tensors.
 */
export function inferArchitecture(shapes: Shapes, source = 'checkpoint'): InferredArchitecture {
  const need = (key: string): readonly number[] => {
    const s = shapes.get(key)
    if (!s) throw new AppError('CHECKPOINT_INVALID', `${source}: missing ${key}, so the encoder's shape cannot be determined`)
    return s
  }
  const values: Partial<BeatsArchitecture> = {}
  const layerIndices = new Set<number>()
  for (const key of shapes.keys()) {
    const m = /^encoder\.layers\.(\d+)\./.exec(key)
    if (m) layerIndices.add(Number(m[1]))
  }
  values.layers = layerIndices.size
  for (let i = 0; i < layerIndices.size; i++) {
    if (!layerIndices.has(i)) throw new AppError('CHECKPOINT_INVALID', `${source}: encoder layers are not numbered 0…${layerIndices.size - 1} (layer ${i} missing)`)
  }
  const patch = need('patch_embedding.weight')
  if (patch.length !== 4 || patch[1] !== 1 || patch[2] !== patch[3]) {
    throw new AppError('CHECKPOINT_INVALID', `${source}: patch_embedding.weight has shape ${JSON.stringify(patch)}, expected [C, 1, P, P]`)
  }
  values.embedDim = patch[0]
  values.inputPatchSize = patch[2]
  values.convBias = shapes.has('patch_embedding.bias')
  values.dim = need('encoder.layer_norm.weight')[0]
  if (values.layers > 0) values.ffnDim = need('encoder.layers.0.fc1.weight')[0]
  const pos = posConvShape(shapes)
  if (!pos || pos.length !== 3) throw new AppError('CHECKPOINT_INVALID', `${source}: missing the positional convolution weight (encoder.pos_conv.0.weight_v)`)
  values.convPos = pos[2]
  values.convPosGroups = pos[1] > 0 ? values.dim / pos[1] : 0
  const rel = shapes.get(REL_BIAS)
  values.relativePositionEmbedding = rel !== undefined
  values.gruRelPos = shapes.has(GREP_LINEAR)
  if (rel) {
    values.numBuckets = rel[0]
    values.heads = rel[1]
  } else if (shapes.has(GREP_A)) {
    values.heads = need(GREP_A)[1]
  } else if (shapes.has(GREP_LINEAR)) {
    values.heads = values.dim / need(GREP_LINEAR)[1]
  }
  const unseen = (Object.keys(CFG_KEYS) as ArchitectureKey[]).filter((k) => values[k] === undefined)
  return { values, unseen }
}

/** A cfg value of the right kind (bools may be written as 0/1 or "true"/"false" in YAML). */
function cfgValue(key: ArchitectureKey, raw: unknown, source: string): number | boolean {
  if (BOOLEAN_KEYS.has(key)) {
    if (typeof raw === 'boolean') return raw
    if (raw === 0 || raw === 1) return raw === 1
    if (raw === 'true' || raw === 'True') return true
    if (raw === 'false' || raw === 'False') return false
  } else {
    const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw
    if (typeof n === 'number' && Number.isInteger(n)) return n
  }
  throw new AppError('CHECKPOINT_INVALID', `${source}: cfg ${CFG_KEYS[key]} = ${JSON.stringify(raw)} is not a ${BOOLEAN_KEYS.has(key) ? 'boolean' : 'integer'}`)
}

/**
 * Bounds far above any BEATs (Large: 24 × 1024, ffn 4096) that keep a forged file from making the
 * loader allocate absurd tensors.
 */
const LIMITS: Partial<Record<ArchitectureKey, number>> = {
  layers: 128, dim: 8192, ffnDim: 65536, embedDim: 8192, heads: 256, convPos: 1024, convPosGroups: 8192, numBuckets: 65536, maxDistance: 1 << 20,
}

export interface ResolvedArchitecture {
  architecture: BeatsArchitecture
  sources: Record<ArchitectureKey, ArchitectureSource>
  warnings: string[]
}

/**
 * Combines a (possibly partial or absent) cfg, the family's defaults and the shapes: cfg values
 * win but must agree with what the shapes show (else CHECKPOINT_INVALID naming the key); missing
 * keys take the shape-derived value where visible, else the default.
 */
export function resolveArchitecture(
  shapes: Shapes,
  cfg: ReadonlyMap<string, unknown> | undefined,
  defaults: Readonly<BeatsArchitecture>,
  source: string,
): ResolvedArchitecture {
  const inferred = inferArchitecture(shapes, source)
  const architecture = { ...defaults }
  const sources = {} as Record<ArchitectureKey, ArchitectureSource>
  const warnings: string[] = []
  const assumed: string[] = []
  const set = <K extends ArchitectureKey>(key: K, value: BeatsArchitecture[K]): void => {
    architecture[key] = value
  }
  for (const key of Object.keys(CFG_KEYS) as ArchitectureKey[]) {
    const raw = cfg?.get(CFG_KEYS[key])
    const seen = inferred.values[key]
    if (raw !== undefined && raw !== null) {
      const value = cfgValue(key, raw, source)
      if (seen !== undefined && seen !== value) {
        throw new AppError('CHECKPOINT_INVALID', `${source}: cfg ${CFG_KEYS[key]} = ${String(value)} but the weights say ${String(seen)}`, { key: CFG_KEYS[key], cfg: value, weights: seen })
      }
      set(key, value)
      sources[key] = 'cfg'
    } else if (seen !== undefined) {
      if (cfg && seen !== defaults[key]) warnings.push(`cfg has no ${CFG_KEYS[key]} and its default ${String(defaults[key])} contradicts the weights; using ${String(seen)} from the tensor shapes`)
      set(key, seen)
      sources[key] = 'inferred'
    } else {
      sources[key] = 'default'
      assumed.push(`${CFG_KEYS[key]}=${String(defaults[key])}`)
    }
  }
  if (assumed.length > 0) warnings.push(`${cfg ? 'not in cfg and' : 'no cfg;'} not visible in the weights, assumed: ${assumed.join(', ')}`)
  const a = architecture
  const bad = (reason: string): never => {
    throw new AppError('CHECKPOINT_INVALID', `${source}: inconsistent architecture: ${reason}`)
  }
  if (a.layers < 1) bad('no encoder layers')
  if (a.heads < 1 || a.dim % a.heads !== 0) bad(`D = ${a.dim} is not divisible by ${a.heads} heads`)
  if (a.convPosGroups < 1 || a.dim % a.convPosGroups !== 0) bad(`D = ${a.dim} is not divisible by ${a.convPosGroups} pos-conv groups`)
  if (a.inputPatchSize < 1 || 128 % a.inputPatchSize !== 0) bad(`patch size ${a.inputPatchSize} does not divide the 128 mel bins`)
  for (const [key, max] of Object.entries(LIMITS) as [ArchitectureKey, number][]) {
    const v = a[key] as number
    if (!(v >= 1 && v <= max)) bad(`${CFG_KEYS[key]} = ${v} is outside 1…${max}`)
  }
  return { architecture, sources, warnings }
}

/** Every encoder tensor the architecture needs, with its shape, in spec §9 order (pos-conv weight folded). */
export function expectedEncoderShapes(a: BeatsArchitecture): Map<string, number[]> {
  const m = new Map<string, number[]>()
  const D = a.dim
  if (a.embedDim !== D) {
    m.set('post_extract_proj.weight', [D, a.embedDim])
    m.set('post_extract_proj.bias', [D])
  }
  m.set('patch_embedding.weight', [a.embedDim, 1, a.inputPatchSize, a.inputPatchSize])
  if (a.convBias) m.set('patch_embedding.bias', [a.embedDim])
  m.set('encoder.pos_conv.0.weight', [D, D / a.convPosGroups, a.convPos])
  m.set('encoder.pos_conv.0.bias', [D])
  for (let i = 0; i < a.layers; i++) {
    const p = `encoder.layers.${i}.`
    if (a.gruRelPos) m.set(`${p}self_attn.grep_a`, [1, a.heads, 1, 1])
    if (a.relativePositionEmbedding && i === 0) m.set(`${p}self_attn.relative_attention_bias.weight`, [a.numBuckets, a.heads])
    for (const proj of ['k_proj', 'v_proj', 'q_proj', 'out_proj']) {
      m.set(`${p}self_attn.${proj}.weight`, [D, D])
      m.set(`${p}self_attn.${proj}.bias`, [D])
    }
    if (a.gruRelPos) {
      m.set(`${p}self_attn.grep_linear.weight`, [8, D / a.heads])
      m.set(`${p}self_attn.grep_linear.bias`, [8])
    }
    m.set(`${p}self_attn_layer_norm.weight`, [D])
    m.set(`${p}self_attn_layer_norm.bias`, [D])
    m.set(`${p}fc1.weight`, [a.ffnDim, D])
    m.set(`${p}fc1.bias`, [a.ffnDim])
    m.set(`${p}fc2.weight`, [D, a.ffnDim])
    m.set(`${p}fc2.bias`, [D])
    m.set(`${p}final_layer_norm.weight`, [D])
    m.set(`${p}final_layer_norm.bias`, [D])
  }
  m.set('encoder.layer_norm.weight', [D])
  m.set('encoder.layer_norm.bias', [D])
  m.set('layer_norm.weight', [a.embedDim])
  m.set('layer_norm.bias', [a.embedDim])
  return m
}
