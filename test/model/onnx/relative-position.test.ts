import { expect, it } from 'vitest'
import { biasByOffset, relativePositionBucket, saturationDistance } from '../../../src-main/model/onnx/relative-position'
import { describeShared, fixturePath, readI32 } from '../../helpers/shared-data'

describeShared('relative-position buckets against the reference table', () => {
  it('reproduces tables.relative_position_bucket for every d in −2047…2047', () => {
    const table = readI32(fixturePath('tensors/relpos_bucket_nb320_md800.i32.bin'))
    expect(table.length).toBe(4095)
    const ours = Array.from({ length: 4095 }, (_, i) => relativePositionBucket(i - 2047, 320, 800))
    expect(ours).toEqual(Array.from(table))
  })
})

it('puts small offsets in exact buckets and positive offsets in the upper half', () => {
  expect(relativePositionBucket(0, 320, 800)).toBe(0)
  expect(relativePositionBucket(-79, 320, 800)).toBe(79)
  expect(relativePositionBucket(79, 320, 800)).toBe(160 + 79)
  expect(relativePositionBucket(80, 320, 800)).toBe(160 + 80)
  expect(relativePositionBucket(-100000, 320, 800)).toBe(159)
  expect(relativePositionBucket(100000, 320, 800)).toBe(319)
})

it('saturates from the clamp radius on, so clamping offsets changes no bucket', () => {
  const R = saturationDistance(320, 800)
  expect(R).toBe(778)
  expect(relativePositionBucket(R - 1, 320, 800)).toBe(318)
  for (const d of [R, R + 1, 2047, 5000, 50000]) {
    expect(relativePositionBucket(d, 320, 800)).toBe(319)
    expect(relativePositionBucket(-d, 320, 800)).toBe(159)
  }
})

it('lays out the bias table by offset: row d+R holds table[bucket(d)]', () => {
  const heads = 3
  const table = Float32Array.from({ length: 320 * heads }, (_, i) => i)
  const { data, radius } = biasByOffset(table, heads, 320, 800)
  expect(data.length).toBe((2 * radius + 1) * heads)
  for (const d of [-radius, -500, -80, -1, 0, 1, 79, 80, 640, radius]) {
    const b = relativePositionBucket(d, 320, 800)
    expect(Array.from(data.subarray((d + radius) * heads, (d + radius + 1) * heads))).toEqual([b * heads, b * heads + 1, b * heads + 2])
  }
})
