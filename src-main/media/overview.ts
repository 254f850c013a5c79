// One streaming pass over a recording that yields everything a first look needs: the peaks
// pyramid and, per FFT size, the stored levels of the spectrogram pyramid. Memory stays bounded by
// the stored levels (≤ the budget), whatever the recording's length.
import { probeAudio, streamAudio } from '../audio'
import { throwIfAborted } from '../errors'
import { finestBucketLog2, PeaksBuilder, type PeakLevel } from './peaks'
import { columnsAtLevel, columnsOf, createQuantizer, rowsOf, topLevel } from './spectrogram-grid'
import { ColumnPooler, poolLevel, SpectrumFrames } from './spectrum-frames'

/**
 * Bytes the finest stored spectrogram level may take. Below it, tiles are computed on demand from
 * a few seconds of audio — cheap where the file seeks (PCM), so little is stored; compressed files
 * decode from the start to seek, so far more is kept.
 */
export const STORED_LEVEL_BUDGET = { seekable: 8 << 20, compressed: 64 << 20 }

export interface StoredSpectrogram {
  fftSize: number
  /** Level-0 columns. */
  columns: number
  /** The finest stored level; tiles below it are computed on demand. */
  storedFrom: number
  topLevel: number
  /** Column-major uint8, level storedFrom … topLevel. */
  levels: Uint8Array[]
}

export interface Overview {
  /** Samples per channel actually decoded. */
  frames: number
  sampleRate: number
  channels: number
  seekable: boolean
  peaks: PeakLevel[] | null
  spectrograms: StoredSpectrogram[]
  warnings: string[]
}

export function storedFromLevel(columns: number, fftSize: number, seekable: boolean): number {
  const budget = seekable ? STORED_LEVEL_BUDGET.seekable : STORED_LEVEL_BUDGET.compressed
  const top = topLevel(columns)
  let level = 0
  while (level < top && columnsAtLevel(columns, level) * rowsOf(fftSize) > budget) level += 1
  return level
}

interface SpectrogramPass {
  fftSize: number
  frames: SpectrumFrames
  pooler: ColumnPooler
  chunks: Uint8Array[]
  storedFrom: number
}

export async function computeOverview(
  path: string,
  want: { peaks: boolean; fftSizes: readonly number[] },
  opts: { signal?: AbortSignal; onProgress?: (doneFrames: number, totalFrames: number) => void } = {},
): Promise<Overview> {
  const info = await probeAudio(path)
  const seekable = info.codec === 'pcm' || info.codec === 'float'
  const peaks = want.peaks ? new PeaksBuilder(finestBucketLog2(info.frames)) : null
  const passes: SpectrogramPass[] = want.fftSizes.map((fftSize) => {
    const storedFrom = storedFromLevel(columnsOf(info.frames, fftSize), fftSize, seekable)
    const chunks: Uint8Array[] = []
    const pooler = new ColumnPooler(storedFrom, rowsOf(fftSize), createQuantizer(fftSize), (_column, values) => chunks.push(values))
    return { fftSize, storedFrom, chunks, pooler, frames: new SpectrumFrames(fftSize, 0, pooler.sink) }
  })
  const stream = streamAudio(path, { blockFrames: 1 << 16, signal: opts.signal, onProgress: opts.onProgress })
  let step = await stream.next()
  let frames = 0
  while (!step.done) {
    const block = step.value
    frames += block.length
    peaks?.push(block)
    for (const pass of passes) pass.frames.push(block)
    throwIfAborted(opts.signal)
    step = await stream.next()
  }
  const spectrograms = passes.map((pass): StoredSpectrogram => {
    const columns = columnsOf(frames, pass.fftSize)
    pass.frames.finish(columns)
    pass.pooler.flush()
    const rows = rowsOf(pass.fftSize)
    // A lying header may have made the decision with the wrong length: the pyramid then tops
    // out at the stored level, which still fits one tile.
    const top = Math.max(topLevel(columns), pass.storedFrom)
    const levels = [concat(pass.chunks, rows)]
    for (let l = pass.storedFrom; l < top; l++) levels.push(poolLevel(levels[levels.length - 1], rows))
    return { fftSize: pass.fftSize, columns, storedFrom: pass.storedFrom, topLevel: top, levels }
  })
  return {
    frames,
    sampleRate: info.sampleRate,
    channels: info.channels,
    seekable,
    peaks: peaks ? peaks.finish() : null,
    spectrograms,
    warnings: step.value.warnings,
  }
}

function concat(chunks: Uint8Array[], rows: number): Uint8Array {
  const out = new Uint8Array(chunks.length * rows)
  chunks.forEach((c, i) => out.set(c, i * rows))
  return out
}
