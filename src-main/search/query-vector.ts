// Query vectors for search by example.

import { AppError } from '../errors'

/** v / |v| in float64; throws for a zero or non-finite vector. */
export function unitVector(v: ArrayLike<number>, what = 'query'): Float64Array {
  let ss = 0
  for (let i = 0; i < v.length; i++) ss += v[i] * v[i]
  const norm = Math.sqrt(ss)
  if (!Number.isFinite(norm)) throw new AppError('EMBEDDING_INVALID', `${what} vector has non-finite values`)
  if (norm === 0) throw new AppError('EMBEDDING_INVALID', `${what} vector is all zeros; cosine similarity is undefined`)
  const out = new Float64Array(v.length)
  for (let i = 0; i < v.length; i++) out[i] = v[i] / norm
  return out
}

/**
 * The query for a selection of several windows: the mean of their unit-normalised embeddings
 * (each window counts equally whatever its norm), returned as float32 of length dim.
 */
export function exampleQuery(vectors: Float32Array, dim: number): Float32Array {
  const n = vectors.length / dim
  if (!Number.isInteger(n) || n < 1) throw new AppError('INVALID_REQUEST', `example windows: ${vectors.length} values is not a positive multiple of ${dim}`)
  const sum = new Float64Array(dim)
  for (let i = 0; i < n; i++) {
    const u = unitVector(vectors.subarray(i * dim, (i + 1) * dim), `example window ${i}`)
    for (let d = 0; d < dim; d++) sum[d] += u[d]
  }
  return Float32Array.from(sum, (v) => v / n)
}
