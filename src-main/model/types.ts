// Shapes shared by the checkpoint reader, the ONNX graph builder and the inference engine.
// Spec: ../shared/spec/openbeats-model.md (§2 configuration, §9 state-dict keys).

/** A float32 tensor in C order. */
export interface Tensor {
  shape: number[]
  data: Float32Array
}

/** Encoder weights keyed as in spec §9 (no `encoder.` prefix of ESPnet fine-tunes). */
export type StateDict = Map<string, Tensor>

/** Everything about the encoder's shape and flags that the forward pass needs (spec §2). */
export interface BeatsArchitecture {
  inputPatchSize: number
  embedDim: number
  convBias: boolean
  layers: number
  dim: number
  ffnDim: number
  heads: number
  convPos: number
  convPosGroups: number
  layerNormFirst: boolean
  deepNorm: boolean
  relativePositionEmbedding: boolean
  numBuckets: number
  maxDistance: number
  gruRelPos: boolean
}

export interface FbankNormalization {
  mean: number
  std: number
}

export type CheckpointFamily = 'microsoft' | 'openbeats-ssl' | 'espnet-finetuned'

/** A classifier head over mean-pooled patch embeddings: logits = mean(x)·Wᵀ + b. */
export interface ClassifierHead {
  weight: Tensor // [C, D]
  bias: Tensor // [C]
  labels: string[]
  /** sigmoid (multi-label) or softmax (multi-class) */
  activation: 'sigmoid' | 'softmax'
}

export interface LoadedCheckpoint {
  family: CheckpointFamily
  architecture: BeatsArchitecture
  /** Where each architecture value came from: 'cfg', 'default', 'inferred' (from shapes). */
  architectureSource: Partial<Record<keyof BeatsArchitecture, 'cfg' | 'default' | 'inferred'>>
  /** Encoder weights; weight norm already folded into `encoder.pos_conv.0.weight`; `_pad` helpers dropped. */
  encoder: StateDict
  head?: ClassifierHead
  normalization: FbankNormalization
  warnings: string[]
  /** sha256 of the checkpoint file (hex). */
  sourceSha256: string
}

export const DEFAULT_NORMALIZATION: FbankNormalization = { mean: 15.41663, std: 6.55582 }
