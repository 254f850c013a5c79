// A tiny random OpenBEATs (every module type of the real one) for fast graph/engine/embed tests.
import * as ort from 'onnxruntime-node'
import { randomClassifierHead, randomEncoderWeights } from '../../../src-main/model/demo/random-weights'
import { buildEncoderGraph, type EncoderGraphOptions } from '../../../src-main/model/onnx/encoder-graph'
import type { BeatsArchitecture } from '../../../src-main/model/types'

export const TINY: BeatsArchitecture = {
  inputPatchSize: 16,
  embedDim: 16,
  convBias: false,
  layers: 2,
  dim: 32,
  ffnDim: 64,
  heads: 2,
  convPos: 16,
  convPosGroups: 4,
  layerNormFirst: false,
  deepNorm: true,
  relativePositionEmbedding: true,
  numBuckets: 320,
  maxDistance: 800,
  gruRelPos: true,
}

export const tinyWeights = (seed = 7): ReturnType<typeof randomEncoderWeights> => randomEncoderWeights(TINY, seed)
export const tinyHead = (classes = 3): ReturnType<typeof randomClassifierHead> => randomClassifierHead(TINY.dim, classes, 11, 'softmax')

export async function tinySession(opts: EncoderGraphOptions = {}, seed = 7): Promise<ort.InferenceSession> {
  const graph = buildEncoderGraph(TINY, tinyWeights(seed), opts)
  return ort.InferenceSession.create(graph.bytes, { intraOpNumThreads: 1 })
}

/** Deterministic fbank-like input in roughly the normalised range. */
export function syntheticFbank(batch: number, frames: number, seed = 1): Float32Array {
  const out = new Float32Array(batch * frames * 128)
  let s = seed
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    out[i] = Math.sin(i * 0.013 + seed) * 0.6 + (s / 2 ** 32 - 0.5) * 0.4
  }
  return out
}

export async function runFbank(session: ort.InferenceSession, fbank: Float32Array, batch: number, frames: number, lengths?: number[]): Promise<Record<string, Float32Array>> {
  const feeds: Record<string, ort.Tensor> = { fbank: new ort.Tensor('float32', fbank, [batch, frames, 128]) }
  if (lengths) feeds.frame_lengths = new ort.Tensor('int64', BigInt64Array.from(lengths.map(BigInt)), [batch])
  const out = await session.run(feeds)
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.data as Float32Array]))
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0
  let na = 0
  let nb = 0
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i]
    na += a[i] * a[i]
    nb += b[i] * b[i]
  }
  return dot / Math.sqrt(na * nb)
}

export function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`)
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return Number.isNaN(m) ? Infinity : m
}
