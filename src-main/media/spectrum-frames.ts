// Cuts a stream of mono samples into the grid's frames and hands each frame's power spectrum on.
// The same code serves the full pass over a recording and a tile computed on demand, so both see
// bit-identical spectra.
import { PowerSpectrum } from '../features/power-spectrum'
import { frameStart, hannWindow, rowsOf } from './spectrogram-grid'

export type FrameSink = (frame: number, power: Float64Array) => void

export class SpectrumFrames {
  /** The first sample the stream must deliver for `firstFrame`. */
  static firstSample(firstFrame: number, fftSize: number): number {
    return Math.max(0, frameStart(firstFrame, fftSize))
  }

  /** One past the last sample frames [.., endFrame) read (clamp to the recording's length). */
  static endSample(endFrame: number, fftSize: number): number {
    return frameStart(endFrame - 1, fftSize) + fftSize
  }

  private readonly fftSize: number
  private readonly rows: number
  private readonly window: Float64Array
  private readonly spectrum: PowerSpectrum
  private readonly power: Float64Array
  private buffer = new Float32Array(0)
  /** Absolute index of buffer[0]. */
  private bufferStart: number
  private bufferLength = 0
  private next: number

  constructor(fftSize: number, firstFrame: number, private readonly sink: FrameSink) {
    this.fftSize = fftSize
    this.rows = rowsOf(fftSize)
    this.window = hannWindow(fftSize)
    this.spectrum = new PowerSpectrum(fftSize)
    this.power = new Float64Array(this.rows)
    this.next = firstFrame
    this.bufferStart = SpectrumFrames.firstSample(firstFrame, fftSize)
  }

  /** Samples in stream order, starting at `firstSample(firstFrame)`. */
  push(block: Float32Array): void {
    this.append(block)
    const available = this.bufferStart + this.bufferLength
    while (frameStart(this.next, this.fftSize) + this.fftSize <= available) this.emit(this.next++)
    this.discardBefore(frameStart(this.next, this.fftSize))
  }

  /** The stream ended after `totalSamples`: frames up to `endFrame` are emitted, zero-padded. */
  finish(endFrame: number): void {
    while (this.next < endFrame) this.emit(this.next++)
  }

  private append(block: Float32Array): void {
    const needed = this.bufferLength + block.length
    if (needed > this.buffer.length) {
      const grown = new Float32Array(Math.max(needed, this.buffer.length * 2, this.fftSize * 2))
      grown.set(this.buffer.subarray(0, this.bufferLength))
      this.buffer = grown
    }
    this.buffer.set(block, this.bufferLength)
    this.bufferLength = needed
  }

  private discardBefore(sample: number): void {
    const drop = Math.min(this.bufferLength, Math.max(0, sample - this.bufferStart))
    if (drop === 0) return
    this.buffer.copyWithin(0, drop, this.bufferLength)
    this.bufferLength -= drop
    this.bufferStart += drop
  }

  private emit(frame: number): void {
    const { fftSize, window, buffer } = this
    const input = this.spectrum.input
    const start = frameStart(frame, fftSize)
    const offset = start - this.bufferStart
    if (offset >= 0 && offset + fftSize <= this.bufferLength) {
      for (let i = 0; i < fftSize; i++) input[i] = buffer[offset + i] * window[i]
    } else {
      // Over the start or past the end of the audio: the missing samples are silence.
      for (let i = 0; i < fftSize; i++) {
        const at = offset + i
        input[i] = at >= 0 && at < this.bufferLength && start + i >= 0 ? buffer[at] * window[i] : 0
      }
    }
    this.spectrum.compute(this.power, this.rows)
    this.sink(frame, this.power)
  }
}

/**
 * Pools the frames of one level (2^level frames per column, by maximum power) and quantizes each
 * finished column. Frames must arrive in order; the column of frame j is ⌊j / 2^level⌋.
 */
export class ColumnPooler {
  private readonly group: number
  private readonly rows: number
  private readonly acc: Float64Array
  private column = -1

  constructor(
    level: number,
    rows: number,
    private readonly quantize: (power: number) => number,
    private readonly onColumn: (column: number, values: Uint8Array) => void,
  ) {
    this.group = 2 ** level
    this.rows = rows
    this.acc = new Float64Array(rows)
  }

  readonly sink: FrameSink = (frame, power) => {
    const column = Math.floor(frame / this.group)
    if (column !== this.column) {
      this.flush()
      this.column = column
      this.acc.set(power.subarray(0, this.rows))
      return
    }
    const acc = this.acc
    for (let r = 0; r < this.rows; r++) if (power[r] > acc[r]) acc[r] = power[r]
  }

  /** Emits the column in progress (call once the frames end). */
  flush(): void {
    if (this.column < 0) return
    const values = new Uint8Array(this.rows)
    for (let r = 0; r < this.rows; r++) values[r] = this.quantize(this.acc[r])
    this.onColumn(this.column, values)
    this.column = -1
  }
}

/** The next level up: columns pooled in pairs by maximum (column-major, `rows` bytes each). */
export function poolLevel(columns: Uint8Array, rows: number): Uint8Array {
  const count = columns.length / rows
  const pooledCount = Math.ceil(count / 2)
  const out = new Uint8Array(pooledCount * rows)
  for (let c = 0; c < pooledCount; c++) {
    const a = 2 * c * rows
    const b = a + rows
    const o = c * rows
    if (2 * c + 1 < count) {
      for (let r = 0; r < rows; r++) {
        const x = columns[a + r]
        const y = columns[b + r]
        out[o + r] = x > y ? x : y
      }
    } else {
      out.set(columns.subarray(a, a + rows), o)
    }
  }
  return out
}
