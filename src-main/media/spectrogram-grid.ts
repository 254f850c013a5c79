// The geometry every spectrogram tile shares, so a tile computed on demand from a few seconds of
// audio and one cut from the cached pyramid hold the same bytes.
//
// Frames: hop = fftSize / 2 (Hann windows at 50 % overlap cover every sample with equal weight);
// frame j is centred on sample (j + ½)·hop, so column j of level 0 spans [j·hop, (j+1)·hop) and
// its pixels sit over the audio they describe. Level L pools 2^L consecutive frames by maximum
// (a short call stays visible when zoomed out). A tile is TILE_COLUMNS columns of one level.
//
// Values: uint8 in half-decibel steps, dB = value / 2 + DB_FLOOR, where 0 dB is a full-scale sine
// (an amplitude-A sine centred on a bin reads 20·log10(A)). The colour map is applied by the
// renderer, so changing it never goes back to the main process.

export const SPECTROGRAM_FFT_SIZES = [256, 512, 1024, 2048, 4096] as const
export type SpectrogramFftSize = (typeof SPECTROGRAM_FFT_SIZES)[number]
export const DEFAULT_FFT_SIZE: SpectrogramFftSize = 512

export const TILE_COLUMNS = 256
export const DB_FLOOR = -120
export const DB_STEP = 0.5
export const DB_CEIL = DB_FLOOR + 255 * DB_STEP

export function isFftSize(n: number): n is SpectrogramFftSize {
  return (SPECTROGRAM_FFT_SIZES as readonly number[]).includes(n)
}

export function hopOf(fftSize: number): number {
  return fftSize / 2
}

/** Rows of a tile: bins 0 … fftSize/2 − 1 (the Nyquist bin is dropped to keep a power of two). */
export function rowsOf(fftSize: number): number {
  return fftSize / 2
}

/** Level-0 columns of a recording of `frames` samples. */
export function columnsOf(frames: number, fftSize: number): number {
  return Math.max(1, Math.ceil(frames / hopOf(fftSize)))
}

export function columnsAtLevel(level0Columns: number, level: number): number {
  return Math.max(1, Math.ceil(level0Columns / 2 ** level))
}

/** The first level that fits in one tile: the top of the pyramid. */
export function topLevel(level0Columns: number): number {
  let level = 0
  while (columnsAtLevel(level0Columns, level) > TILE_COLUMNS) level += 1
  return level
}

export function tilesAtLevel(level0Columns: number, level: number): number {
  return Math.ceil(columnsAtLevel(level0Columns, level) / TILE_COLUMNS)
}

/** First sample of frame j (may be negative: the first frame hangs over the start, zero-padded). */
export function frameStart(j: number, fftSize: number): number {
  return j * hopOf(fftSize) - fftSize / 4
}

/** Periodic Hann window (sums to exactly fftSize / 2). */
export function hannWindow(fftSize: number): Float64Array {
  const w = new Float64Array(fftSize)
  for (let i = 0; i < fftSize; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / fftSize)
  return w
}

/**
 * Power |X[k]|² of a Hann-windowed frame → the uint8 scale. A sine of amplitude A on bin k has
 * |X[k]| = A·fftSize/4, hence the reference power (fftSize/4)².
 */
export function createQuantizer(fftSize: number): (power: number) => number {
  const reference = (fftSize / 4) ** 2
  const scale = 10 / DB_STEP
  return (power) => {
    if (!(power > 0)) return 0
    const steps = Math.round(scale * Math.log10(power / reference) - DB_FLOOR / DB_STEP)
    return steps <= 0 ? 0 : steps >= 255 ? 255 : steps
  }
}
