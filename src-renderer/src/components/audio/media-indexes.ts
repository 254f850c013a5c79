// The arithmetic that picks peaks levels and spectrogram tiles for a view, from the media indexes
// the main process serves for a recording (parsed at this edge like any payload).
import type { PeaksIndex, SpectrogramIndex } from '../../../../src-shared/contracts'

// The schemas live with the contracts (main writes and serves the same JSON); parse with them.
export { PeaksIndex, SpectrogramIndex } from '../../../../src-shared/contracts'

/**
 * The peaks level for a waveform `totalPx` wide: the coarsest with at least one bucket per pixel
 * (the finest when none has that many).
 */
export function choosePeaksLevel(index: PeaksIndex, totalPx: number): number {
  const levels = [...index.levels].sort((a, b) => b.bucketLog2 - a.bucketLog2)
  for (const l of levels) if (l.buckets >= totalPx) return l.bucketLog2
  return levels[levels.length - 1].bucketLog2
}

/** int16 (min, max) pairs → the [max, min] channels wavesurfer draws above and below the line. */
export function decodePeaks(bytes: ArrayBuffer): [Float32Array, Float32Array] {
  const pairs = new Int16Array(bytes, 0, Math.floor(bytes.byteLength / 4) * 2)
  const n = pairs.length / 2
  const max = new Float32Array(n)
  const min = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    min[i] = pairs[2 * i] / 32767
    max[i] = pairs[2 * i + 1] / 32767
  }
  return [max, min]
}

/** File seconds one column of `level` spans. */
export function columnSeconds(index: SpectrogramIndex, level: number): number {
  return (index.hop * 2 ** level) / index.sampleRate
}

/** The coarsest level that still gives every pixel its own column (sharp, and fewest bytes). */
export function chooseSpectrogramLevel(index: SpectrogramIndex, pxPerSec: number): number {
  let level = 0
  while (level < index.topLevel && columnSeconds(index, level + 1) * pxPerSec <= 1) level += 1
  return level
}

export function columnsAtLevel(index: SpectrogramIndex, level: number): number {
  return Math.max(1, Math.ceil(index.columns / 2 ** level))
}

export interface TileSpan {
  tile: number
  /** File seconds covered by the tile's first column and one past its last. */
  startS: number
  endS: number
  columns: number
}

/** The tiles of `level` that cover [startS, endS). */
export function tilesInView(index: SpectrogramIndex, level: number, startS: number, endS: number): TileSpan[] {
  const colS = columnSeconds(index, level)
  const total = columnsAtLevel(index, level)
  const tileS = colS * index.tileColumns
  const first = Math.max(0, Math.floor(startS / tileS))
  const last = Math.min(Math.ceil(total / index.tileColumns) - 1, Math.floor(Math.max(startS, endS - 1e-9) / tileS))
  const out: TileSpan[] = []
  for (let t = first; t <= last; t++) {
    const columns = Math.min(index.tileColumns, total - t * index.tileColumns)
    out.push({ tile: t, startS: t * tileS, endS: t * tileS + columns * colS, columns })
  }
  return out
}

/** Rows [low, high) showing lowHz … highHz of a recording really sampled at `effectiveRate`. */
export function rowRange(index: SpectrogramIndex, effectiveRate: number, lowHz: number, highHz: number): { low: number; high: number } {
  const binHz = effectiveRate / index.fftSize
  const low = Math.min(index.rows - 1, Math.max(0, Math.floor(lowHz / binHz)))
  const high = Math.max(low + 1, Math.min(index.rows, Math.ceil(highHz / binHz)))
  return { low, high }
}
