import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { computeOverview } from '../../src-main/media/overview'
import { encodePeakLevel, finestBucketLog2, MAX_PEAK_BUCKETS, MIN_PEAK_BUCKETS, PeaksBuilder } from '../../src-main/media/peaks'
import { tempDir } from '../helpers/main-services'
import { sine, writeWav } from './synthetic-wav'

const root = tempDir('openbeats-peaks-')
afterAll(() => root.cleanup())

describe('waveform peaks', () => {
  it("gives a sine's amplitude as the peak of every bucket", async () => {
    // 1 kHz at 48 kHz: 48 samples a period, so sample 12 of each is exactly the crest.
    const path = writeWav(join(root.path, 'sine.wav'), { rate: 48_000, frames: 48_000 * 4, sample: sine(48_000, 1000, 0.5) })
    const overview = await computeOverview(path, { peaks: true, fftSizes: [] })
    const levels = overview.peaks ?? []
    expect(levels[0].bucketLog2).toBe(0)
    // Buckets of 64+ samples hold a whole period: max = +A, min = −A exactly.
    const level = levels.find((l) => l.bucketLog2 === 6)
    expect(level?.buckets).toBe(3000)
    expect(new Set(level?.max)).toEqual(new Set([0.5]))
    expect(new Set(level?.min)).toEqual(new Set([-0.5]))
  })

  it('builds coarser levels by pairs down to a small overview, the last bucket partial', () => {
    const builder = new PeaksBuilder(1)
    builder.push(Float32Array.from([0.1, -0.2, 0.3, 0.05, -0.9]))
    const levels = builder.finish()
    expect(levels).toHaveLength(1)
    expect([...levels[0].min].map((v) => +v.toFixed(3))).toEqual([-0.2, 0.05, -0.9])
    expect([...levels[0].max].map((v) => +v.toFixed(3))).toEqual([0.1, 0.3, -0.9])
    const long = new PeaksBuilder(0)
    long.push(new Float32Array(5000).map((_, i) => (i === 4321 ? 0.75 : 0)))
    const pyramid = long.finish()
    expect(pyramid.map((l) => l.buckets)).toEqual([5000, 2500, 1250, 625])
    expect(pyramid.at(-1)?.buckets).toBeLessThanOrEqual(MIN_PEAK_BUCKETS)
    expect(pyramid.map((l) => Math.max(...l.max))).toEqual([0.75, 0.75, 0.75, 0.75])
    expect(pyramid[3].max[Math.floor(4321 / 8)]).toBe(0.75)
  })

  it('keeps the finest level of an hour at 48 kHz within the bucket budget', () => {
    const k = finestBucketLog2(3600 * 48_000)
    expect(k).toBe(8)
    expect(Math.ceil((3600 * 48_000) / 2 ** k)).toBeLessThanOrEqual(MAX_PEAK_BUCKETS)
    expect(Math.ceil((3600 * 48_000) / 2 ** (k - 1))).toBeGreaterThan(MAX_PEAK_BUCKETS)
  })

  it('encodes (min, max) as little-endian int16 pairs, clamping beyond full scale', () => {
    const bytes = encodePeakLevel({ bucketLog2: 0, buckets: 2, min: Float32Array.from([-0.5, -2]), max: Float32Array.from([0.25, 2]) })
    const view = new Int16Array(bytes.buffer, bytes.byteOffset, 4)
    expect([...view]).toEqual([-16383, 8192, -32768, 32767])
  })
})
