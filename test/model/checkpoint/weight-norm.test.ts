import { describe, expect, it } from 'vitest'
import { foldWeightNorm } from '../../../src-main/model/checkpoint/weight-norm'

describe('foldWeightNorm', () => {
  it('scales each kernel tap by g[k]/‖v[:,:,k]‖ over output and input channels', () => {
    // v[o, 0, k]: tap 0 = (3, 4) → norm 5; tap 1 = (1, 0) → norm 1
    const v = { shape: [2, 1, 2], data: Float32Array.from([3, 1, 4, 0]) }
    const g = { shape: [1, 1, 2], data: Float32Array.from([10, 2]) }
    expect(foldWeightNorm(g, v)).toEqual({ shape: [2, 1, 2], data: Float32Array.from([6, 2, 8, 0]) })
  })

  it('computes in float64 and rounds once', () => {
    const v = { shape: [1, 3, 1], data: Float32Array.from([0.1, 0.2, 0.3]) }
    const g = { shape: [1, 1, 1], data: Float32Array.from([0.7]) }
    const norm = Math.sqrt(Math.fround(0.1) ** 2 + Math.fround(0.2) ** 2 + Math.fround(0.3) ** 2)
    const out = foldWeightNorm(g, v).data
    expect(out[1]).toBe(Math.fround((Math.fround(0.7) * Math.fround(0.2)) / norm))
  })

  it('rejects a gain of the wrong size and an all-zero direction', () => {
    const v = { shape: [1, 1, 2], data: Float32Array.from([1, 0]) }
    expect(() => foldWeightNorm({ shape: [3], data: new Float32Array(3) }, v)).toThrow(expect.objectContaining({ code: 'CHECKPOINT_INVALID' }))
    expect(() => foldWeightNorm({ shape: [2], data: Float32Array.from([1, 1]) }, v)).toThrow(/tap 1/)
  })
})
