// Random-weight model packages: the demo model a fresh install runs everything with, and
// Base/Large-size models for benchmarks. Deterministic: the same seed gives the same package.
import { throwIfAborted } from '../../errors'
import { buildEncoderGraph, type AttentionKernel, type Quantization } from '../onnx/encoder-graph'
import { CONVERTER_VERSION, type ModelManifest } from '../package/manifest'
import { writeModelPackage } from '../package/write-package'
import { DEFAULT_NORMALIZATION, type BeatsArchitecture } from '../types'
import { DEMO_ARCHITECTURE } from './architectures'
import { randomClassifierHead, randomEncoderWeights } from './random-weights'

export const DEMO_SEED = 1234
export const DEMO_MODEL_NAME = 'Demo model (random weights)'
export const RANDOM_MODEL_NOTE =
  'Random weights, no pretrained knowledge: its embeddings and scores mean nothing and are only good for trying the app out. ' +
  'Import a real OpenBEATs checkpoint (e.g. an OpenBEATs-Base .pt, or an ESPnet OpenBEATS fine-tune .pth with its config.yaml) ' +
  'with Models → Import, or `openbeats-studio models import PROJECT CHECKPOINT`.'

export interface RandomModelOptions {
  architecture?: BeatsArchitecture
  seed?: number
  name?: string
  /** Adds a random classifier head with this many classes (labels demo_class_0…). */
  classes?: number
  quantization?: Quantization
  attention?: AttentionKernel
  replace?: boolean
  signal?: AbortSignal
}

/** Writes a random-weight OpenBEATs model package (the demo model with the default options). */
export async function writeRandomModel(destDir: string, opts: RandomModelOptions = {}): Promise<ModelManifest> {
  const architecture = opts.architecture ?? DEMO_ARCHITECTURE
  const seed = opts.seed ?? DEMO_SEED
  const quantization = opts.quantization ?? 'none'
  const attention = opts.attention ?? 'fused'
  throwIfAborted(opts.signal)
  const weights = randomEncoderWeights(architecture, seed)
  const head = opts.classes ? randomClassifierHead(architecture.dim, opts.classes, seed + 1) : undefined
  throwIfAborted(opts.signal)
  const graph = buildEncoderGraph(architecture, weights, {
    head,
    quantization,
    attention,
    info: { producerVersion: CONVERTER_VERSION, docString: 'OpenBEATs encoder with random weights (no pretrained knowledge)' },
  })
  return writeModelPackage(
    destDir,
    {
      graph: graph.bytes,
      manifest: {
        name: opts.name ?? DEMO_MODEL_NAME,
        family: 'random',
        architecture,
        normalization: DEFAULT_NORMALIZATION,
        ...(head ? { head: { labels: head.labels, activation: head.activation } } : {}),
        quantization,
        attention,
        source: { kind: 'generated', generator: 'randomEncoderWeights', seed },
        pretrained: false,
        note: RANDOM_MODEL_NOTE,
        warnings: [],
      },
    },
    { replace: opts.replace, signal: opts.signal },
  )
}
