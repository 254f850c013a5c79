import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { computeOverview } from '../../src-main/media/overview'
import { storedFromLevel } from '../../src-main/media/overview'
import { computeTile } from '../../src-main/media/spectrogram-tile'
import { columnsAtLevel, columnsOf, createQuantizer, rowsOf, TILE_COLUMNS, tilesAtLevel, topLevel } from '../../src-main/media/spectrogram-grid'
import { poolLevel } from '../../src-main/media/spectrum-frames'
import { tempDir } from '../helpers/main-services'
import { sine, writeWav } from './synthetic-wav'

const root = tempDir('openbeats-media-')
afterAll(() => root.cleanup())

const RATE = 48_000
const FFT = 512

/** Row of the loudest value in column c of column-major data. */
function loudestRow(data: Uint8Array, rows: number, c: number): number {
  let best = 0
  for (let r = 1; r < rows; r++) if (data[c * rows + r] > data[c * rows + best]) best = r
  return best
}

describe('spectrogram quantizer', () => {
  it('maps a full-scale reference power to 0 dB and steps in half decibels', () => {
    const q = createQuantizer(FFT)
    const reference = (FFT / 4) ** 2
    expect(q(reference)).toBe(240) // 0 dB = 120 dB above the floor, 2 steps per dB
    expect(q(reference * 10 ** (-6 / 10))).toBe(228)
    expect(q(reference * 10 ** (-120 / 10))).toBe(0)
    expect(q(0)).toBe(0)
    expect(q(reference * 1e9)).toBe(255)
  })
})

describe('spectrogram tiles', () => {
  // 12 s: a 3 kHz tone (bin 32 of 512 points at 48 kHz: centred on a bin) at amplitude 0.5 for
  // the first 6 s, then a 9 kHz tone (bin 96) at 0.25.
  const frames = 12 * RATE
  const path = writeWav(join(root.path, 'tones.wav'), {
    rate: RATE,
    frames,
    sample: (i) => (i < 6 * RATE ? sine(RATE, 3000, 0.5)(i) : sine(RATE, 9000, 0.25)(i)),
  })

  it('puts a tone in the row of its frequency at the level of its amplitude', async () => {
    const overview = await computeOverview(path, { peaks: false, fftSizes: [FFT] })
    const spec = overview.spectrograms[0]
    const rows = rowsOf(FFT)
    expect(spec.storedFrom).toBe(0)
    expect(spec.columns).toBe(columnsOf(frames, FFT))
    const level0 = spec.levels[0]
    // A column well inside each tone (columns are 256 samples = 5.33 ms).
    const early = Math.floor((2 * RATE) / 256)
    const late = Math.floor((10 * RATE) / 256)
    expect(loudestRow(level0, rows, early)).toBe(32)
    expect(loudestRow(level0, rows, late)).toBe(96)
    // 20·log10(0.5) = −6.02 dB → 2·(120 − 6.02) = 227.96 → 228; 0.25 → −12.04 dB → 216.
    expect(level0[early * rows + 32]).toBe(228)
    expect(level0[late * rows + 96]).toBe(216)
    // Hann sidelobes: three bins away a pure tone is over 60 dB down.
    expect(level0[early * rows + 35]).toBeLessThan(228 - 120)
    // The other tone's row is silent in each half (16-bit rounding noise only).
    expect(level0[early * rows + 96]).toBeLessThan(60)
  })

  it('computes every on-demand tile byte for byte equal to the cached pyramid, seamlessly across tiles', async () => {
    const overview = await computeOverview(path, { peaks: false, fftSizes: [FFT] })
    const spec = overview.spectrograms[0]
    const rows = rowsOf(FFT)
    expect(spec.topLevel).toBe(topLevel(spec.columns))
    for (let level = 0; level <= spec.topLevel; level++) {
      const stored = spec.levels[level - spec.storedFrom]
      expect(stored.length).toBe(columnsAtLevel(spec.columns, level) * rows)
      const tiles = tilesAtLevel(spec.columns, level)
      const joined = new Uint8Array(stored.length)
      for (let t = 0; t < tiles; t++) {
        const tile = await computeTile({ path, fftSize: FFT, frames, columns: spec.columns, level, tile: t })
        const expectedColumns = Math.min(TILE_COLUMNS, columnsAtLevel(spec.columns, level) - t * TILE_COLUMNS)
        expect(tile.length).toBe(expectedColumns * rows)
        joined.set(tile, t * TILE_COLUMNS * rows)
      }
      expect(Buffer.from(joined).equals(Buffer.from(stored)), `level ${level}`).toBe(true)
    }
  })

  it('keeps a short call visible when zoomed out (columns pool by maximum)', async () => {
    // 10 s of silence with one 20 ms 6 kHz chirp-like burst at 7 s.
    const burst = writeWav(join(root.path, 'burst.wav'), {
      rate: RATE,
      frames: 10 * RATE,
      sample: (i) => (i >= 7 * RATE && i < 7 * RATE + 960 ? sine(RATE, 6000, 0.5)(i) : 0),
    })
    const overview = await computeOverview(burst, { peaks: false, fftSizes: [FFT] })
    const spec = overview.spectrograms[0]
    const rows = rowsOf(FFT)
    const top = spec.levels[spec.levels.length - 1]
    const column = Math.floor((7 * RATE) / 256 / 2 ** spec.topLevel)
    expect(loudestRow(top, rows, column)).toBe(64)
    expect(top[column * rows + 64]).toBe(228)
  })

  it('pools pairs of columns by maximum, carrying an odd last column', () => {
    const rows = 2
    const level = new Uint8Array([1, 9, 5, 2, 7, 7])
    expect([...poolLevel(level, rows)]).toEqual([5, 9, 7, 7])
  })

  it('stores only the levels that fit the budget: little for PCM, more for compressed files', () => {
    const hourColumns = columnsOf(3600 * RATE, FFT) // 675 000 columns of 256 rows
    const pcm = storedFromLevel(hourColumns, FFT, true)
    const compressed = storedFromLevel(hourColumns, FFT, false)
    expect(columnsAtLevel(hourColumns, pcm) * rowsOf(FFT)).toBeLessThanOrEqual(8 << 20)
    expect(columnsAtLevel(hourColumns, pcm - 1) * rowsOf(FFT)).toBeGreaterThan(8 << 20)
    expect([pcm, compressed]).toEqual([5, 2])
    expect(storedFromLevel(columnsOf(60 * RATE, FFT), FFT, true)).toBe(0)
  })
})
