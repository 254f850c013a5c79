// The manifest of a model package (`model.onnx` + `manifest.json`): what the graph is, where it
// came from, and the constants needed to feed it. Parsed with zod whenever it is read from disk.
import { z } from 'zod'

export const MANIFEST_FILE = 'manifest.json'
export const MODEL_FILE = 'model.onnx'
/** Bumped whenever the graph builder changes what it emits for the same weights. */
export const CONVERTER_VERSION = '1.0.0'

const Sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256')

export const ArchitectureSchema = z.object({
  inputPatchSize: z.number().int().positive(),
  embedDim: z.number().int().positive(),
  convBias: z.boolean(),
  layers: z.number().int().positive(),
  dim: z.number().int().positive(),
  ffnDim: z.number().int().positive(),
  heads: z.number().int().positive(),
  convPos: z.number().int().positive(),
  convPosGroups: z.number().int().positive(),
  layerNormFirst: z.boolean(),
  deepNorm: z.boolean(),
  relativePositionEmbedding: z.boolean(),
  numBuckets: z.number().int().positive(),
  maxDistance: z.number().int().positive(),
  gruRelPos: z.boolean(),
})

const ModelSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('checkpoint'), fileName: z.string().min(1), sha256: Sha256 }),
  z.object({ kind: z.literal('generated'), generator: z.string().min(1), seed: z.number().int() }),
])

export const ModelManifestSchema = z.object({
  formatVersion: z.literal(1),
  name: z.string().min(1).max(200),
  /** Checkpoint family, or 'random' for generated (demo/benchmark) weights. */
  family: z.enum(['microsoft', 'openbeats-ssl', 'espnet-finetuned', 'random']),
  architecture: ArchitectureSchema,
  /** fbank_norm = (fbank − mean) / (2·std) */
  normalization: z.object({ mean: z.number(), std: z.number().positive() }),
  /** Present when the graph has a `logits` output. */
  head: z.object({ labels: z.array(z.string()).min(1), activation: z.enum(['sigmoid', 'softmax']) }).optional(),
  /** Set when the graph stops early: `patches` is hidden state k (k < layers). */
  hiddenLayer: z.number().int().nonnegative().optional(),
  quantization: z.enum(['none', 'int8']),
  attention: z.enum(['fused', 'standard']),
  source: ModelSource,
  onnxSha256: Sha256,
  onnxBytes: z.number().int().positive(),
  converterVersion: z.string().min(1),
  createdAt: z.iso.datetime(),
  /** false for random weights: nothing the model outputs means anything. */
  pretrained: z.boolean(),
  /** A sentence for people (UI, CLI): what this model is and what it is good for. */
  note: z.string(),
  warnings: z.array(z.string()),
})

export type ModelManifest = z.infer<typeof ModelManifestSchema>

/** What a caller supplies; the writer fills in the hashes, size, version and time. */
export type ModelManifestDraft = Omit<ModelManifest, 'formatVersion' | 'onnxSha256' | 'onnxBytes' | 'converterVersion' | 'createdAt'>
