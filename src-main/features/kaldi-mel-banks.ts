// Kaldi mel filterbank weights as torchaudio.compliance.kaldi.get_mel_banks builds them (spec §3.4
// step 8), evaluated in float32 like the reference so the weights round the same way.
const f32 = Math.fround

/** Kaldi's mel scale: 1127·ln(1 + f/700). */
export function kaldiMel(hz: number): number {
  return 1127 * Math.log(1 + hz / 700)
}

export interface MelBankOptions {
  numBins: number
  /** FFT length (the padded window); weights cover bins 0…paddedWindow/2. */
  paddedWindow: number
  sampleRate: number
  lowFreq: number
  /** ≤ 0 counts down from Nyquist, as in Kaldi. */
  highFreq: number
}

/**
 * Dense [numBins × (paddedWindow/2 + 1)] float32 weights; the last (Nyquist) column is zero, as
 * in the matrix torchaudio's fbank multiplies with.
 *
 * Matches the reference bit for bit except where the reference's vectorised float32 log (SLEEF,
 * CPU-dependent) rounds differently from a correctly rounded one: for 128/512/16 kHz that is FFT
 * bins 12, 55 and 236, a weight difference ≤ 1.2e-5 (see test/features/kaldi-mel-banks.test.ts).
 */
export function kaldiMelBanks(opts: MelBankOptions): Float32Array {
  const { numBins, paddedWindow, sampleRate, lowFreq } = opts
  const nyquist = 0.5 * sampleRate
  const highFreq = opts.highFreq <= 0 ? opts.highFreq + nyquist : opts.highFreq
  if (!(lowFreq >= 0 && lowFreq < highFreq && highFreq <= nyquist)) {
    throw new RangeError(`mel banks: need 0 ≤ lowFreq < highFreq ≤ Nyquist, got ${lowFreq}…${highFreq} Hz`)
  }
  const fftBins = paddedWindow / 2
  const binWidth = sampleRate / paddedWindow
  // Scalars are Python floats (double) in the reference; tensors are float32.
  const melLow = kaldiMel(lowFreq)
  const delta = (kaldiMel(highFreq) - melLow) / (numBins + 1)
  const melLow32 = f32(melLow)
  const delta32 = f32(delta)

  const melOfBin = new Float32Array(fftBins)
  for (let k = 0; k < fftBins; k++) {
    const hz = f32(binWidth * k)
    melOfBin[k] = f32(1127 * f32(Math.log(f32(1 + f32(hz / 700)))))
  }

  const cols = fftBins + 1
  const out = new Float32Array(numBins * cols)
  for (let i = 0; i < numBins; i++) {
    const left = f32(melLow32 + f32(i * delta32))
    const centre = f32(melLow32 + f32((i + 1) * delta32))
    const right = f32(melLow32 + f32((i + 2) * delta32))
    const upDen = f32(centre - left)
    const downDen = f32(right - centre)
    for (let k = 0; k < fftBins; k++) {
      const m = melOfBin[k]
      const up = f32(f32(m - left) / upDen)
      const down = f32(f32(right - m) / downDen)
      out[i * cols + k] = Math.max(0, Math.min(up, down))
    }
  }
  return out
}

/**
 * The filters as contiguous non-zero runs, flattened for a tight inner loop: filter i weights
 * FFT bins start[i]… with weights[offset[i] … offset[i+1]). Kaldi filters are contiguous
 * triangles; an empty filter has offset[i] = offset[i+1].
 */
export interface SparseMelBanks {
  numBins: number
  start: Int32Array
  offset: Int32Array
  weights: Float64Array
}

export function sparseMelBanks(dense: Float32Array, numBins: number): SparseMelBanks {
  const cols = dense.length / numBins
  const start = new Int32Array(numBins)
  const offset = new Int32Array(numBins + 1)
  const weights: number[] = []
  for (let i = 0; i < numBins; i++) {
    const row = dense.subarray(i * cols, (i + 1) * cols)
    let first = -1
    let last = -1
    for (let k = 0; k < cols; k++) {
      if (row[k] !== 0) {
        if (first < 0) first = k
        last = k
      }
    }
    offset[i] = weights.length
    if (first >= 0) {
      start[i] = first
      for (let k = first; k <= last; k++) weights.push(row[k])
    }
  }
  offset[numBins] = weights.length
  return { numBins, start, offset, weights: Float64Array.from(weights) }
}
