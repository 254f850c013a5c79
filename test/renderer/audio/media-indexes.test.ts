import { describe, expect, it } from 'vitest'
import { choosePeaksLevel, chooseSpectrogramLevel, columnSeconds, decodePeaks, rowRange, tilesInView, type PeaksIndex, type SpectrogramIndex } from '../../../src-renderer/src/components/audio/media-indexes'

const peaks: PeaksIndex = {
  version: 1,
  fingerprint: 'f',
  channels: 1,
  sampleRate: 48_000,
  frames: 172_800_000,
  levels: [8, 9, 10, 11, 12, 13, 14, 15, 16, 17].map((k) => ({ bucketLog2: k, buckets: Math.ceil(172_800_000 / 2 ** k), offset: 0, bytes: 0 })),
}

// An hour at 48 kHz, 512-point FFT: 675 000 level-0 columns of 5.33 ms.
const spec: SpectrogramIndex = { version: 1, fingerprint: 'f', levels: [{ level: 5, columns: 0, offset: 0, bytes: 0 }], sampleRate: 48_000, frames: 172_800_000, fftSize: 512, hop: 256, rows: 256, columns: 675_000, tileColumns: 256, dbFloor: -120, dbStep: 0.5, storedFrom: 5, topLevel: 12 }

describe('choosing levels and tiles', () => {
  it('takes the coarsest peaks level that still has a bucket per pixel', () => {
    expect(choosePeaksLevel(peaks, 1200)).toBe(17) // 1319 buckets
    expect(choosePeaksLevel(peaks, 100_000)).toBe(10)
    expect(choosePeaksLevel(peaks, 5_000_000)).toBe(8) // finer than stored: the finest
  })

  it('takes the coarsest spectrogram level with at most one column per pixel', () => {
    expect(columnSeconds(spec, 0)).toBeCloseTo(256 / 48_000, 12)
    expect(chooseSpectrogramLevel(spec, 1200 / 3600)).toBe(9) // the whole hour on 1200 px: 1319 columns
    expect(chooseSpectrogramLevel(spec, 200)).toBe(0) // 0.94 columns per pixel
    expect(chooseSpectrogramLevel(spec, 20)).toBe(3)
  })

  it('lists the tiles covering a view, the last one of a level shorter', () => {
    const level = 12 // 165 columns: one tile
    expect(tilesInView(spec, level, 0, 3600)).toEqual([{ tile: 0, startS: 0, endS: 165 * columnSeconds(spec, 12), columns: 165 }])
    const tileS = 256 * columnSeconds(spec, 0)
    const view = tilesInView(spec, 0, tileS * 3 - 0.001, tileS * 4 + 0.001)
    expect(view.map((t) => t.tile)).toEqual([2, 3, 4])
    expect(view[1].startS).toBeCloseTo(3 * tileS, 12)
    const last = tilesInView(spec, 0, 3599.99, 3600)
    expect(last).toEqual([expect.objectContaining({ tile: 2636, columns: 675_000 - 2636 * 256 })])
  })

  it('maps a frequency range to rows with the effective rate (time expansion included)', () => {
    expect(rowRange(spec, 48_000, 0, 24_000)).toEqual({ low: 0, high: 256 })
    expect(rowRange(spec, 48_000, 2000, 8000)).toEqual({ low: 21, high: 86 })
    // A ×10 file: header 38.4 kHz, really 384 kHz: a row is 750 Hz.
    expect(rowRange({ ...spec, sampleRate: 38_400 }, 384_000, 30_000, 90_000)).toEqual({ low: 40, high: 120 })
  })

  it('decodes (min, max) int16 pairs into the max and min channels', () => {
    const pairs = Int16Array.from([-16384, 32767, 0, 8192])
    const [max, min] = decodePeaks(pairs.buffer)
    expect([...max]).toEqual([1, 8192 / 32767].map((v) => Math.fround(v)))
    expect([...min]).toEqual([-16384 / 32767, 0].map((v) => Math.fround(v)))
  })
})
