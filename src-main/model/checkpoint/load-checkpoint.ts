// Loads a BEATs / OpenBEATs checkpoint of any of the three families (spec §1) into encoder
// weights (weight norm folded, helpers dropped), an optional classifier head, the architecture
// and the fbank normalisation — without executing anything from the file.
import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { AppError, throwIfAborted } from '../../errors'
import { DEFAULT_NORMALIZATION, type BeatsArchitecture, type LoadedCheckpoint, type StateDict, type Tensor } from '../types'
import { CFG_KEYS, ESPNET_DEFAULTS, MICROSOFT_DEFAULTS, OPENBEATS_ASSUMED, expectedEncoderShapes, resolveArchitecture } from './architecture'
import { buildHead } from './classifier-head'
import { identifyLayout, type Layout } from './checkpoint-layout'
import { normalizationFrom, readEspnetConfig, type EspnetClassifierConfig } from './espnet-config'
import { sha256File } from './file-hash'
import { TorchCheckpointFile } from './torch-checkpoint-file'
import { DTYPE_ITEMSIZE, type TensorRef } from './torch-pickle'
import { foldWeightNorm } from './weight-norm'

export interface CheckpointSources {
  checkpointPath: string
  /** ESPnet `config.yaml`; for ESPnet fine-tunes a `config.yaml` beside the checkpoint is used when omitted. */
  configPath?: string
  /** ESPnet `token_list` file; overrides the config's list. */
  tokenListPath?: string
}

export interface LoadCheckpointOptions {
  signal?: AbortSignal
  /** Fraction of tensor bytes read, 0…1. */
  onProgress?: (fraction: number) => void
}

const POS_CONV = 'encoder.pos_conv.0.'
const WEIGHT_NORM_FORMS = [
  { g: `${POS_CONV}weight_g`, v: `${POS_CONV}weight_v` },
  { g: `${POS_CONV}parametrizations.weight.original0`, v: `${POS_CONV}parametrizations.weight.original1` },
]

/** Names in the encoder namespace that the architecture does not use (optional ESPnet add-ons, tokenizer parts, …). */
function unusedEncoderKeys(layout: Layout, expected: Map<string, number[]>, tied: Set<string>): string[] {
  const weightNormKeys = new Set(WEIGHT_NORM_FORMS.flatMap((f) => [f.g, f.v]))
  return [...layout.encoder.keys()].filter((k) => !expected.has(k) && !tied.has(k) && !weightNormKeys.has(k))
}

function summarise(keys: string[]): string {
  return keys.length <= 8 ? keys.join(', ') : `${keys.slice(0, 8).join(', ')} and ${keys.length - 8} more`
}

function shapeEquals(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i])
}

export async function loadCheckpoint(sources: CheckpointSources, options: LoadCheckpointOptions = {}): Promise<LoadedCheckpoint> {
  const { checkpointPath: path, tokenListPath } = sources
  const { signal, onProgress } = options
  throwIfAborted(signal)
  const file = await TorchCheckpointFile.open(path)
  // Hash alongside the tensor reads (the hash streams the file in libuv's pool); stopped if loading fails.
  const hashing = new AbortController()
  const stopHashing = (): void => hashing.abort()
  signal?.addEventListener('abort', stopHashing, { once: true })
  const sha = sha256File(path, hashing.signal)
  sha.catch(() => undefined)
  try {
    let configPath = sources.configPath
    const layout = identifyLayout(file.root, path, configPath !== undefined)
    const warnings = [...layout.warnings]
    if (layout.family === 'espnet-finetuned' && configPath === undefined) {
      const beside = join(dirname(path), 'config.yaml')
      if (existsSync(beside)) {
        configPath = beside
        warnings.push(`using ${beside} found beside the checkpoint`)
      } else {
        warnings.push('no ESPnet config.yaml given or found beside the checkpoint: architecture from tensor shapes, default normalisation')
      }
    }
    const espnet: EspnetClassifierConfig | undefined = configPath ? await readEspnetConfig(configPath) : undefined

    // Architecture: cfg (checked against shapes) + family defaults, or shapes + OpenBEATs assumptions.
    const shapes = new Map<string, readonly number[]>([...layout.encoder].map(([k, v]) => [k, v.shape]))
    const cfg = layout.cfg
    if (cfg?.has('activation_fn') && cfg.get('activation_fn') !== 'gelu') {
      throw new AppError('CHECKPOINT_UNSUPPORTED', `${path}: activation_fn ${String(cfg.get('activation_fn'))} is not supported (only gelu)`)
    }
    // An ESPnet fine-tune's beats_config usually holds only training overrides; it counts as a cfg
    // only when it names architecture keys.
    const archKeys: readonly string[] = Object.values(CFG_KEYS)
    const archCfg = cfg ?? (espnet?.beatsConfig && [...espnet.beatsConfig.keys()].some((k) => archKeys.includes(k)) ? espnet.beatsConfig : undefined)
    const defaults = !cfg ? OPENBEATS_ASSUMED : layout.family === 'microsoft' ? MICROSOFT_DEFAULTS : ESPNET_DEFAULTS
    const resolved = resolveArchitecture(shapes, archCfg as ReadonlyMap<string, unknown> | undefined, defaults, path)
    const arch = resolved.architecture
    warnings.push(...resolved.warnings)

    // Every required tensor present with the right shape; tied relative-position copies optional.
    const expected = expectedEncoderShapes(arch)
    const tied = new Set<string>()
    for (let i = 1; i < arch.layers && arch.relativePositionEmbedding; i++) tied.add(`encoder.layers.${i}.self_attn.relative_attention_bias.weight`)
    const folded = `${POS_CONV}weight`
    const wn = WEIGHT_NORM_FORMS.find((f) => layout.encoder.has(f.g) && layout.encoder.has(f.v))
    if (wn && layout.encoder.has(folded)) warnings.push(`both ${folded} and its weight-norm parts are present; folding ${wn.g}/${wn.v}`)
    for (const [name, shape] of expected) {
      if (name === folded && wn) continue
      const ref = layout.encoder.get(name)
      if (!ref) throw new AppError('CHECKPOINT_INVALID', `${path}: missing ${name}`, { key: name })
      if (!shapeEquals(ref.shape, shape)) {
        throw new AppError('CHECKPOINT_INVALID', `${path}: ${name} has shape ${JSON.stringify(ref.shape)}, the architecture needs ${JSON.stringify(shape)}`, { key: name })
      }
    }
    const rel0 = expected.get('encoder.layers.0.self_attn.relative_attention_bias.weight')
    for (const name of tied) {
      const ref = layout.encoder.get(name)
      if (ref && rel0 && !shapeEquals(ref.shape, rel0)) throw new AppError('CHECKPOINT_INVALID', `${path}: ${name} has shape ${JSON.stringify(ref.shape)}, expected ${JSON.stringify(rel0)}`, { key: name })
    }
    const ignored = [...unusedEncoderKeys(layout, expected, tied).map((k) => (layout.family === 'espnet-finetuned' ? `encoder.${k}` : k)), ...layout.ignored]
    if (ignored.length > 0) warnings.push(`ignored ${ignored.length} unused tensor(s): ${summarise(ignored)}`)

    // Head shape before reading anything.
    let headRefs: { weight: TensorRef; bias: TensorRef } | undefined
    if (layout.headWeight) {
      const { weight, bias, weightName } = layout.headWeight
      if (weight.shape.length !== 2 || weight.shape[1] !== arch.dim || bias.shape.length !== 1 || bias.shape[0] !== weight.shape[0]) {
        throw new AppError('CHECKPOINT_INVALID', `${path}: ${weightName} ${JSON.stringify(weight.shape)} / bias ${JSON.stringify(bias.shape)} do not form a [C, ${arch.dim}] head`)
      }
      headRefs = { weight, bias }
    }

    // Read the tensors.
    const toRead = new Map<string, TensorRef>()
    for (const name of expected.keys()) {
      if (name === folded && wn) {
        toRead.set(wn.g, layout.encoder.get(wn.g) as TensorRef)
        toRead.set(wn.v, layout.encoder.get(wn.v) as TensorRef)
      } else {
        toRead.set(name, layout.encoder.get(name) as TensorRef)
      }
    }
    for (const name of tied) {
      const ref = layout.encoder.get(name)
      if (ref) toRead.set(name, ref)
    }
    if (headRefs) {
      toRead.set('head.weight', headRefs.weight)
      toRead.set('head.bias', headRefs.bias)
    }
    file.plan(toRead.values())
    const totalBytes = Math.max(1, file.storageBytes(toRead.values()))
    let doneBytes = 0
    const seenStorages = new Set<unknown>()
    const read = new Map<string, Tensor>()
    for (const [name, ref] of toRead) {
      read.set(name, await file.tensor(ref, name, signal))
      if (!seenStorages.has(ref.storage)) {
        seenStorages.add(ref.storage)
        doneBytes += ref.storage.numel * DTYPE_ITEMSIZE[ref.storage.dtype]
        onProgress?.(Math.min(1, doneBytes / totalBytes))
      }
    }

    const encoder: StateDict = new Map()
    for (const name of expected.keys()) {
      // a tied copy goes where layer i's own table would be: before its k_proj
      const tiedCopy = name.replace(/self_attn\.k_proj\.weight$/, 'self_attn.relative_attention_bias.weight')
      if (tied.has(tiedCopy) && read.has(tiedCopy)) encoder.set(tiedCopy, read.get(tiedCopy) as Tensor)
      if (name === folded && wn) encoder.set(name, foldWeightNorm(read.get(wn.g) as Tensor, read.get(wn.v) as Tensor, `${path}: ${POS_CONV}weight`))
      else encoder.set(name, read.get(name) as Tensor)
    }

    const head = headRefs ? await buildHead(layout, espnet, tokenListPath, read.get('head.weight') as Tensor, read.get('head.bias') as Tensor, path, warnings) : undefined

    let normalization
    if (espnet) normalization = normalizationFrom(espnet.fbankMean, espnet.fbankStd, DEFAULT_NORMALIZATION, espnet.path, warnings)
    else normalization = normalizationFrom(cfgNumber(cfg, 'fbank_mean', path), cfgNumber(cfg, 'fbank_std', path), DEFAULT_NORMALIZATION, `${path} cfg`, warnings)

    throwIfAborted(signal)
    const sourceSha256 = await sha
    return {
      family: layout.family,
      architecture: arch,
      architectureSource: resolved.sources as Partial<Record<keyof BeatsArchitecture, 'cfg' | 'default' | 'inferred'>>,
      encoder,
      ...(head ? { head } : {}),
      normalization,
      warnings,
      sourceSha256,
    }
  } catch (err) {
    hashing.abort()
    throw err
  } finally {
    signal?.removeEventListener('abort', stopHashing)
    await file.close()
  }
}

function cfgNumber(cfg: Map<unknown, unknown> | undefined, key: string, source: string): number | undefined {
  const v = cfg?.get(key)
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new AppError('CHECKPOINT_INVALID', `${source}: cfg ${key} = ${String(v)} is not a number`)
  return v
}
