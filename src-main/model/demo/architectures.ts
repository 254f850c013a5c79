// Architectures with the real OpenBEATs flags (spec §2): Base/Large as released, and the small
// demo model, sized so a 10 s clip encodes in a fraction of a second on two CPU cores.
import type { BeatsArchitecture } from '../types'

const OPENBEATS_FLAGS = {
  inputPatchSize: 16,
  convBias: false,
  convPos: 128,
  convPosGroups: 16,
  layerNormFirst: false,
  deepNorm: true,
  relativePositionEmbedding: true,
  numBuckets: 320,
  maxDistance: 800,
  gruRelPos: true,
} as const

export const OPENBEATS_BASE: BeatsArchitecture = { ...OPENBEATS_FLAGS, embedDim: 512, layers: 12, dim: 768, ffnDim: 3072, heads: 12 }

export const OPENBEATS_LARGE: BeatsArchitecture = { ...OPENBEATS_FLAGS, embedDim: 512, layers: 24, dim: 1024, ffnDim: 4096, heads: 16 }

export const DEMO_ARCHITECTURE: BeatsArchitecture = { ...OPENBEATS_FLAGS, embedDim: 64, layers: 4, dim: 192, ffnDim: 768, heads: 3 }
