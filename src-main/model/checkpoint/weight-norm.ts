import { AppError } from '../../errors'
import type { Tensor } from '../types'

/**
 * Folds PyTorch weight normalisation with dim = 2 (spec §4.3) into a plain weight, in float64:
 * W[o, i, k] = g[k] · v[o, i, k] / ‖v[:, :, k]‖₂, the norm over output and input channels per tap.
 * `g` is [1, 1, K] (any shape with K items), `v` is [O, I, K].
 */
export function foldWeightNorm(g: Tensor, v: Tensor, name = 'weight'): Tensor {
  if (v.shape.length !== 3) throw new AppError('CHECKPOINT_INVALID', `${name}: weight-norm direction has shape ${JSON.stringify(v.shape)}, expected [out, in, kernel]`)
  const [O, I, K] = v.shape
  if (g.data.length !== K) throw new AppError('CHECKPOINT_INVALID', `${name}: weight-norm gain has ${g.data.length} items for a kernel of ${K}`)
  const norms = new Float64Array(K)
  const vd = v.data
  for (let r = 0; r < O * I; r++) {
    const base = r * K
    for (let k = 0; k < K; k++) norms[k] += vd[base + k] * vd[base + k]
  }
  for (let k = 0; k < K; k++) {
    norms[k] = Math.sqrt(norms[k])
    if (!(norms[k] > 0) || !Number.isFinite(norms[k])) throw new AppError('CHECKPOINT_INVALID', `${name}: weight-norm direction has norm ${norms[k]} at kernel tap ${k}`)
  }
  const out = new Float32Array(vd.length)
  for (let r = 0; r < O * I; r++) {
    const base = r * K
    for (let k = 0; k < K; k++) out[base + k] = (g.data[k] * vd[base + k]) / norms[k]
  }
  return { shape: [O, I, K], data: out }
}
