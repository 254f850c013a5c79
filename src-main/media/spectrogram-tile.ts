// A tile below the stored levels, computed from just the audio it covers.
import { streamAudio } from '../audio'
import { throwIfAborted } from '../errors'
import { columnsAtLevel, createQuantizer, rowsOf, TILE_COLUMNS } from './spectrogram-grid'
import { ColumnPooler, SpectrumFrames } from './spectrum-frames'

export interface TileRequest {
  path: string
  fftSize: number
  /** Samples in the recording (from the cached index, so tiles match the pyramid). */
  frames: number
  /** Level-0 columns of the recording. */
  columns: number
  level: number
  tile: number
  signal?: AbortSignal
}

/** Column-major uint8, `rowsOf(fftSize)` bytes per column; the last tile of a level is shorter. */
export async function computeTile(req: TileRequest): Promise<Uint8Array> {
  const { fftSize, level } = req
  const rows = rowsOf(fftSize)
  const group = 2 ** level
  const firstColumn = req.tile * TILE_COLUMNS
  const lastColumn = Math.min(columnsAtLevel(req.columns, level), firstColumn + TILE_COLUMNS)
  const out = new Uint8Array(Math.max(0, lastColumn - firstColumn) * rows)
  if (out.length === 0) return out
  const firstFrame = firstColumn * group
  const endFrame = Math.min(req.columns, lastColumn * group)
  const pooler = new ColumnPooler(level, rows, createQuantizer(fftSize), (column, values) => out.set(values, (column - firstColumn) * rows))
  const frames = new SpectrumFrames(fftSize, firstFrame, pooler.sink)
  const startSample = SpectrumFrames.firstSample(firstFrame, fftSize)
  const endSample = Math.min(req.frames, SpectrumFrames.endSample(endFrame, fftSize))
  if (endSample > startSample) {
    for await (const block of streamAudio(req.path, { startFrame: startSample, endFrame: endSample, blockFrames: 1 << 15, signal: req.signal })) {
      frames.push(block)
      throwIfAborted(req.signal)
    }
  }
  frames.finish(endFrame)
  pooler.flush()
  return out
}
