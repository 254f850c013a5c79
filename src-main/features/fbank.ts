// Kaldi-compatible log-mel filterbank exactly as the BEATs front end computes it (spec §3.3–3.5):
// torchaudio.compliance.kaldi.fbank(x·32768, 128 bins, 25 ms / 10 ms, povey window, pre-emphasis
// 0.97, DC removal, snip_edges) followed by (x − mean)/(2·std). Everything is computed in float64;
// the float32 reference differs from float64 by up to ~4e-3 in low-energy bins (spec §10).
import { AppError } from '../errors'
import type { FbankNormalization } from '../model/types'
import { kaldiMelBanks, sparseMelBanks, type SparseMelBanks } from './kaldi-mel-banks'
import { createFbankKernel, KERNEL_BLOCK_FRAMES, KERNEL_FFT_SIZE, KERNEL_FRAME_LENGTH, KERNEL_FRAME_SHIFT, type FbankKernel } from './fbank-kernel'

export const FBANK_SAMPLE_RATE = 16000
export const FBANK_FRAME_LENGTH = KERNEL_FRAME_LENGTH
export const FBANK_FRAME_SHIFT = KERNEL_FRAME_SHIFT
export const FBANK_NUM_BINS = 128
const PADDED_WINDOW = KERNEL_FFT_SIZE
const INPUT_SCALE = 32768
/** float32 machine epsilon: the reference's floor, also for float64 input. */
const LOG_FLOOR = 1.1920928955078125e-7

/** Frames of a clip of `numSamples` samples (snip_edges: only whole 400-sample frames). */
export function fbankFrameCount(numSamples: number): number {
  if (numSamples < FBANK_FRAME_LENGTH) return 0
  return 1 + Math.floor((numSamples - FBANK_FRAME_LENGTH) / FBANK_FRAME_SHIFT)
}

/** Samples that yield exactly `frames` frames with nothing left over (0 for 0 frames). */
export function fbankSamplesForFrames(frames: number): number {
  return frames <= 0 ? 0 : FBANK_FRAME_LENGTH + (frames - 1) * FBANK_FRAME_SHIFT
}

export interface FbankResult {
  /** [frames × 128], row-major, mel bin 0 lowest. */
  data: Float32Array
  frames: number
}

interface FbankTables {
  /** Povey window times the ×32768 input scale (a power of two, so folding it in is exact). */
  scaledWindow: Float64Array
  mel: SparseMelBanks
}

let tables: FbankTables | undefined

// Immutable tables shared by every extractor; built on first use.
export function fbankTables(): FbankTables {
  if (!tables) {
    const scaledWindow = new Float64Array(FBANK_FRAME_LENGTH)
    const a = (2 * Math.PI) / (FBANK_FRAME_LENGTH - 1)
    for (let n = 0; n < FBANK_FRAME_LENGTH; n++) scaledWindow[n] = INPUT_SCALE * Math.pow(0.5 - 0.5 * Math.cos(a * n), 0.85)
    const dense = kaldiMelBanks({ numBins: FBANK_NUM_BINS, paddedWindow: PADDED_WINDOW, sampleRate: FBANK_SAMPLE_RATE, lowFreq: 20, highFreq: 0 })
    tables = { scaledWindow, mel: sparseMelBanks(dense, FBANK_NUM_BINS) }
  }
  return tables
}

let kernel: FbankKernel | undefined

// One kernel per thread: its calls are synchronous, so every extractor of the thread can share it.
function sharedKernel(): FbankKernel {
  if (!kernel) {
    const t = fbankTables()
    kernel = createFbankKernel(t.scaledWindow, t.mel)
  }
  return kernel
}

/**
 * Fbank computer for chunk after chunk (e.g. 2560·k + 240 samples → 16·k frames): with
 * `computeInto` it allocates nothing per chunk. The per-frame arithmetic runs in a WebAssembly
 * kernel (fbank-kernel.ts) in blocks of 512 frames; the log and normalisation run here.
 */
export class FbankExtractor {
  private readonly norm: FbankNormalization | undefined
  private readonly kernel = sharedKernel()

  /** With `norm`, outputs (x − mean)/(2·std); without, the raw log-mel values. */
  constructor(norm?: FbankNormalization) {
    if (norm && !(Number.isFinite(norm.mean) && Number.isFinite(norm.std) && norm.std > 0)) {
      throw new AppError('INVALID_REQUEST', `fbank normalisation needs a finite mean and a positive std, got ${norm.mean} / ${norm.std}`)
    }
    this.norm = norm
  }

  compute(samples16k: Float32Array): FbankResult {
    const frames = fbankFrameCount(samples16k.length)
    const data = new Float32Array(frames * FBANK_NUM_BINS)
    this.computeInto(samples16k, data)
    return { data, frames }
  }

  /**
   * Writes the frames of `samples16k` into `out` starting at row `outRow`; returns the frame count.
   * `out` must hold (outRow + frames) × 128 values.
   */
  computeInto(samples16k: Float32Array, out: Float32Array, outRow = 0): number {
    const frames = fbankFrameCount(samples16k.length)
    if (out.length < (outRow + frames) * FBANK_NUM_BINS) {
      throw new RangeError(`fbank output holds ${out.length} values, needs ${(outRow + frames) * FBANK_NUM_BINS}`)
    }
    const { samples, sums, energies } = this.kernel
    const scale = this.norm ? 1 / (2 * this.norm.std) : 1
    const shift = this.norm ? this.norm.mean : 0
    for (let f0 = 0; f0 < frames; f0 += KERNEL_BLOCK_FRAMES) {
      const count = Math.min(KERNEL_BLOCK_FRAMES, frames - f0)
      const pairs = (count + 1) >> 1
      const s0 = f0 * FBANK_FRAME_SHIFT
      // an odd count's last pair also computes a frame one hop further: give it zeros where the input ends
      const needed = FBANK_FRAME_LENGTH + (2 * pairs - 1) * FBANK_FRAME_SHIFT
      const available = Math.min(needed, samples16k.length - s0)
      samples.set(samples16k.subarray(s0, s0 + available))
      if (available < needed) samples.fill(0, available, needed)
      this.kernel.run(pairs)
      for (let t = 0; t < count; t++) {
        if (!Number.isFinite(sums[t])) {
          const first = s0 + t * FBANK_FRAME_SHIFT
          throw new AppError('AUDIO_INVALID_SAMPLES', `fbank: samples ${first}…${first + FBANK_FRAME_LENGTH - 1} contain NaN or Infinity`)
        }
      }
      for (let t = 0; t < count; t++) {
        const row = (outRow + f0 + t) * FBANK_NUM_BINS
        const e0 = (t >> 1) * 2 * FBANK_NUM_BINS + (t & 1)
        for (let i = 0; i < FBANK_NUM_BINS; i++) {
          const e = energies[e0 + 2 * i]
          out[row + i] = (Math.log(e > LOG_FLOOR ? e : LOG_FLOOR) - shift) * scale
        }
      }
    }
    return frames
  }
}

/** [frames × 128] log-mel fbank of 16 kHz mono samples in [-1, 1); normalised when `norm` is given. */
export function computeFbank(samples16k: Float32Array, norm?: FbankNormalization): FbankResult {
  return new FbankExtractor(norm).compute(samples16k)
}
