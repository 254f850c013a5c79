// Reading encoder weights out of a StateDict with the shape checks that turn a wrong or
// truncated checkpoint into a clear error instead of a garbage graph.
import { AppError } from '../../errors'
import type { StateDict, Tensor } from '../types'

export function requireWeight(weights: StateDict, key: string, shape: number[]): Tensor {
  const t = weights.get(key)
  if (!t) throw new AppError('CHECKPOINT_INVALID', `encoder weights lack "${key}"`, { key })
  const sameShape = t.shape.length === shape.length && t.shape.every((d, i) => d === shape[i])
  if (!sameShape || t.data.length !== shape.reduce((a, b) => a * b, 1)) {
    throw new AppError('CHECKPOINT_INVALID', `encoder weight "${key}" has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`, {
      key,
      shape: t.shape,
      expected: shape,
    })
  }
  return t
}

/** [rows, cols] → [cols, rows]: PyTorch Linear stores [out, in], MatMul wants [in, out]. */
export function transpose2d(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols)
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[r * cols + c]
  }
  return out
}
