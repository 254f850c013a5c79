// The polyphase windowed-sinc kernel of torchaudio.functional.resample (sinc_interp_hann,
// lowpass_filter_width 6, rolloff 0.99), built with the same formulas in the same order.
// torchaudio builds it in the waveform's dtype, float32 for audio, so every step here is rounded
// to float32 (Math.fround) like a float32 tensor op: against the fixture that is 12× closer than
// the same formulas in float64 (max |Δ| 1.2e-7 vs 1.5e-6).
// Each phase keeps only the taps with |t| < 6: torchaudio's other taps sit where the Hann window
// is cos(±π/2)² ≈ 2e-15 and sinc ≈ 1e-7, far below anything representable in the output.

export interface SincKernel {
  /** Input samples per period: fromRate / gcd. */
  inStep: number
  /** Output samples (phases) per period: toRate / gcd. */
  phases: number
  /** Zeros torchaudio pads on the left (and width + inStep on the right). */
  width: number
  /** Per phase: first tap's index in the padded input window of its period. */
  first: Int32Array
  taps: Int32Array
  /** Where each phase's coefficients start in `coeffs`. */
  offsets: Int32Array
  /** All phases back to back; null for reduced rates so large that phases are built on demand. */
  coeffs: Float64Array | null
  /** Coefficients of one phase (from `coeffs`, or computed into `scratch`). */
  phase(p: number, scratch: Float64Array): Float64Array
  /** Largest first + taps over phases (exclusive end of the window a period reads). */
  reach: number
  /** Smallest `first` over phases. */
  lowest: number
  maxTaps: number
}

const LOWPASS_FILTER_WIDTH = 6
const ROLLOFF = 0.99
/** Above this many coefficients (32 MB) phases are computed when used instead of stored. */
const MAX_STORED_COEFFS = 4 * 1024 * 1024

export function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b]
  return a
}

export function buildSincKernel(fromRate: number, toRate: number): SincKernel {
  const g = gcd(fromRate, toRate)
  const o = fromRate / g
  const n = toRate / g
  const lpw = LOWPASS_FILTER_WIDTH
  const base = Math.min(o, n) * ROLLOFF
  const width = Math.ceil((lpw * o) / base)
  const windowLen = 2 * width + o
  const scale = base / o
  const halfSpan = (lpw * o) / base

  // torchaudio: t = (arange(0, -n, -1) / n + arange(-width, width + o) / o) * base, clamped to ±lpw;
  // a python float meeting a float32 tensor is first rounded to float32.
  const f = Math.fround
  const baseF = f(base)
  const scaleF = f(scale)
  const piF = f(Math.PI)
  const tAt = (p: number, m: number): number => f(f(f(-p / n) + f((m - width) / o)) * baseF)
  const coefficient = (t: number): number => {
    const c = f(Math.cos(f(f(f(t * piF) / lpw) / 2)))
    const window = f(c * c)
    const tp = f(t * piF)
    const sinc = tp === 0 ? 1 : f(f(Math.sin(tp)) / tp)
    return f(sinc * f(window * scaleF))
  }

  const first = new Int32Array(n)
  const taps = new Int32Array(n)
  for (let p = 0; p < n; p++) {
    const centre = width + (p * o) / n
    let lo = Math.max(0, Math.floor(centre - halfSpan) - 2)
    let hi = Math.min(windowLen - 1, Math.ceil(centre + halfSpan) + 2)
    while (lo <= hi && !(Math.abs(tAt(p, lo)) < lpw)) lo++
    while (hi >= lo && !(Math.abs(tAt(p, hi)) < lpw)) hi--
    first[p] = lo
    taps[p] = Math.max(0, hi - lo + 1)
  }
  const offsets = new Int32Array(n)
  let total = 0
  let reach = 0
  let lowest = windowLen
  let maxTaps = 0
  for (let p = 0; p < n; p++) {
    offsets[p] = total
    total += taps[p]
    reach = Math.max(reach, first[p] + taps[p])
    lowest = Math.min(lowest, first[p])
    maxTaps = Math.max(maxTaps, taps[p])
  }
  const fill = (p: number, into: Float64Array, at: number): void => {
    for (let j = 0; j < taps[p]; j++) into[at + j] = coefficient(tAt(p, first[p] + j))
  }
  let coeffs: Float64Array | null = null
  if (total <= MAX_STORED_COEFFS) {
    coeffs = new Float64Array(total)
    for (let p = 0; p < n; p++) fill(p, coeffs, offsets[p])
  }
  const stored = coeffs
  return {
    inStep: o,
    phases: n,
    width,
    first,
    taps,
    offsets,
    coeffs,
    reach,
    lowest,
    maxTaps,
    phase(p, scratch) {
      if (stored) return stored.subarray(offsets[p], offsets[p] + taps[p])
      fill(p, scratch, 0)
      return scratch
    },
  }
}
