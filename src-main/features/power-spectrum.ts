/**
 * Power spectrum |X[k]|², k = 0…size/2, of a real frame zero-padded to `size` (a power of two ≥ 4).
 *
 * Our own real FFT rather than fft.js (a complex transform of the full length, ~8 µs per 512-point
 * frame here): it packs even/odd samples as one complex sequence of size/2, transforms it with
 * radix-4 butterflies over bit-reversed input (one radix-2 stage first when log2(size/2) is odd),
 * then splits the result into the spectrum of the real input: ~3 µs. Buffers are preallocated;
 * nothing is allocated per frame. The spectrogram tiles use it directly; the fbank runs the same
 * arithmetic two frames at a time in WebAssembly (fbank-kernel.ts, built from these tables).
 */

export interface Radix4Stage {
  len: number
  /** Per butterfly j: cos/sin of −2π·r·j/len for r = 1, 2, 3 (six numbers). */
  twiddles: Float64Array
}

/** The constant tables of the packed real FFT of `size` points (shared with the fbank kernel). */
export interface RealFftTables {
  size: number
  /** Bit reversal over log2(size/2) bits. */
  bitrev: Uint32Array
  /** log2(size/2) is odd: one radix-2 stage comes first. */
  radix2First: boolean
  stages: Radix4Stage[]
  /** cos/sin of 2πk/size for the final split, k < size/2. */
  splitCos: Float64Array
  splitSin: Float64Array
}

export function realFftTables(size: number): RealFftTables {
  if (!Number.isInteger(size) || size < 4 || (size & (size - 1)) !== 0) {
    throw new RangeError(`PowerSpectrum: size must be a power of two ≥ 4, got ${size}`)
  }
  const m = size / 2
  const bits = Math.log2(m)
  const bitrev = new Uint32Array(m)
  for (let i = 0; i < m; i++) {
    let r = 0
    for (let b = 0; b < bits; b++) r |= ((i >>> b) & 1) << (bits - 1 - b)
    bitrev[i] = r
  }
  const radix2First = bits % 2 === 1
  const stages: Radix4Stage[] = []
  for (let len = radix2First ? 8 : 16; len <= m; len *= 4) {
    const q = len / 4
    const twiddles = new Float64Array(6 * q)
    for (let j = 0; j < q; j++) {
      for (let r = 1; r <= 3; r++) {
        const a = (-2 * Math.PI * r * j) / len
        twiddles[6 * j + 2 * (r - 1)] = Math.cos(a)
        twiddles[6 * j + 2 * (r - 1) + 1] = Math.sin(a)
      }
    }
    stages.push({ len, twiddles })
  }
  const splitCos = new Float64Array(m)
  const splitSin = new Float64Array(m)
  for (let k = 0; k < m; k++) {
    splitCos[k] = Math.cos((2 * Math.PI * k) / size)
    splitSin[k] = Math.sin((2 * Math.PI * k) / size)
  }
  return { size, bitrev, radix2First, stages, splitCos, splitSin }
}

export class PowerSpectrum {
  readonly size: number
  /** Real input; callers write the frame here and leave the tail (the zero padding) alone. */
  readonly input: Float64Array
  private readonly half: number
  private readonly re: Float64Array
  private readonly im: Float64Array
  private readonly bitrev: Uint32Array
  private readonly radix2First: boolean
  private readonly stages: Radix4Stage[]
  private readonly splitCos: Float64Array
  private readonly splitSin: Float64Array

  constructor(size: number) {
    const t = realFftTables(size)
    this.size = size
    const m = size / 2
    this.half = m
    this.input = new Float64Array(size)
    this.re = new Float64Array(m)
    this.im = new Float64Array(m)
    this.bitrev = t.bitrev
    this.radix2First = t.radix2First
    this.stages = t.stages
    this.splitCos = t.splitCos
    this.splitSin = t.splitSin
  }

  /** Writes |X[k]|² for k = 0…bins-1 (bins ≤ size/2 + 1) into `out`. */
  compute(out: Float64Array, bins: number = this.size / 2 + 1): void {
    this.transformPacked()
    const { re, im, splitCos, splitSin } = this
    const m = this.half
    // With Z the transform of z[n] = x[2n] + i·x[2n+1]: E[k] = (Z[k] + conj Z[m−k])/2 and
    // O[k] = (Z[k] − conj Z[m−k])/(2i) are the spectra of the even and odd samples, and
    // X[k] = E[k] + W^k·O[k] with W = e^{−2πi/size}. Since X[m−k] = conj(E[k] − W^k·O[k]), one
    // pass over k ≤ m/2 gives both bins. Bins 0 and m (Nyquist) are real: Z[0].re ± Z[0].im.
    for (let k = 1, j = m - 1; k <= j; k++, j--) {
      const zr = re[k]
      const zi = im[k]
      const cr = re[j]
      const ci = -im[j]
      const er = zr + cr // 2·E
      const ei = zi + ci
      const or = zi - ci // 2·O
      const oi = cr - zr
      const wr = splitCos[k]
      const wi = -splitSin[k]
      const tr = wr * or - wi * oi // 2·W^k·O
      const ti = wr * oi + wi * or
      if (k < bins) out[k] = 0.25 * ((er + tr) * (er + tr) + (ei + ti) * (ei + ti))
      if (j < bins && j !== k) out[j] = 0.25 * ((er - tr) * (er - tr) + (ei - ti) * (ei - ti))
    }
    if (bins > 0) out[0] = (re[0] + im[0]) * (re[0] + im[0])
    if (bins > m) out[m] = (re[0] - im[0]) * (re[0] - im[0])
  }

  /** In-place complex FFT of z[n] = input[2n] + i·input[2n+1] into re/im (natural order). */
  private transformPacked(): void {
    const { input: x, re, im, bitrev } = this
    const m = this.half
    // First stage straight from the input in bit-reversed order; its twiddles are all 1.
    if (this.radix2First) {
      for (let a = 0; a < m; a += 2) {
        const n0 = bitrev[a] << 1
        const n1 = bitrev[a + 1] << 1
        re[a] = x[n0] + x[n1]
        im[a] = x[n0 + 1] + x[n1 + 1]
        re[a + 1] = x[n0] - x[n1]
        im[a + 1] = x[n0 + 1] - x[n1 + 1]
      }
    } else {
      for (let a = 0; a < m; a += 4) {
        // Bit-reversed order puts the residues mod 4 of a group in the order 0, 2, 1, 3.
        const n0 = bitrev[a] << 1
        const n2 = bitrev[a + 1] << 1
        const n1 = bitrev[a + 2] << 1
        const n3 = bitrev[a + 3] << 1
        const t0r = x[n0] + x[n2]
        const t0i = x[n0 + 1] + x[n2 + 1]
        const t1r = x[n0] - x[n2]
        const t1i = x[n0 + 1] - x[n2 + 1]
        const t2r = x[n1] + x[n3]
        const t2i = x[n1 + 1] + x[n3 + 1]
        const t3r = x[n1] - x[n3]
        const t3i = x[n1 + 1] - x[n3 + 1]
        re[a] = t0r + t2r
        im[a] = t0i + t2i
        re[a + 1] = t1r + t3i
        im[a + 1] = t1i - t3r
        re[a + 2] = t0r - t2r
        im[a + 2] = t0i - t2i
        re[a + 3] = t1r - t3i
        im[a + 3] = t1i + t3r
      }
    }
    for (const { len, twiddles: tw } of this.stages) {
      const q = len >>> 2
      for (let start = 0; start < m; start += len) {
        for (let j = 0; j < q; j++) {
          const a0 = start + j
          const a1 = a0 + q // holds the residue-2 sub-transform
          const a2 = a1 + q // residue 1
          const a3 = a2 + q // residue 3
          const t = 6 * j
          const c1 = tw[t]
          const s1 = tw[t + 1]
          const c2 = tw[t + 2]
          const s2 = tw[t + 3]
          const c3 = tw[t + 4]
          const s3 = tw[t + 5]
          const y0r = re[a0]
          const y0i = im[a0]
          const u2r = re[a1]
          const u2i = im[a1]
          const u1r = re[a2]
          const u1i = im[a2]
          const u3r = re[a3]
          const u3i = im[a3]
          const y1r = c1 * u1r - s1 * u1i
          const y1i = c1 * u1i + s1 * u1r
          const y2r = c2 * u2r - s2 * u2i
          const y2i = c2 * u2i + s2 * u2r
          const y3r = c3 * u3r - s3 * u3i
          const y3i = c3 * u3i + s3 * u3r
          const t0r = y0r + y2r
          const t0i = y0i + y2i
          const t1r = y0r - y2r
          const t1i = y0i - y2i
          const t2r = y1r + y3r
          const t2i = y1i + y3i
          const t3r = y1r - y3r
          const t3i = y1i - y3i
          // X[j + p·q] = Σ_r W_len^{rj}·Y_r·(−i)^{rp}
          re[a0] = t0r + t2r
          im[a0] = t0i + t2i
          re[a1] = t1r + t3i
          im[a1] = t1i - t3r
          re[a2] = t0r - t2r
          im[a2] = t0i - t2i
          re[a3] = t1r - t3i
          im[a3] = t1i + t3r
        }
      }
    }
  }
}
