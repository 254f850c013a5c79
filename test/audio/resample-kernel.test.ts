import { describe, expect, it } from 'vitest'
import { pairwiseDot, ResampleKernel } from '../../src-main/audio/resample-kernel'
import { resample, resampledLength } from '../../src-main/audio/resampler'
import { buildSincKernel } from '../../src-main/audio/sinc-kernel'

/** torchaudio's polyphase resampling written out output by output, with the kernel's summation order. */
function reference(x: Float32Array, from: number, to: number): Float32Array {
  const k = buildSincKernel(from, to)
  const coeffs = k.coeffs as Float64Array
  const padded = new Float32Array(k.width + x.length + k.width + k.inStep)
  padded.set(x, k.width)
  const out = new Float32Array(resampledLength(x.length, from, to))
  for (let m = 0; m < out.length; m++) {
    const period = Math.floor(m / k.phases)
    const p = m % k.phases
    out[m] = pairwiseDot(padded, period * k.inStep + k.first[p], coeffs, k.offsets[p], k.taps[p])
  }
  return out
}

function signal(n: number): Float32Array {
  const x = new Float32Array(n)
  let s = 12345
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    x[i] = Math.fround(0.4 * Math.sin(i * 0.013) + 0.2 * (s / 2 ** 32 - 0.5))
  }
  return x
}

describe('resampler WebAssembly kernel', () => {
  // 200k samples at 48 kHz and 40k at 8 kHz give over 64k outputs: more than one kernel call
  for (const [from, to, n] of [[48_000, 16_000, 200_003], [44_100, 16_000, 30_007], [384_000, 16_000, 96_013], [8_000, 16_000, 40_003], [22_050, 16_000, 11_111]] as const) {
    it(`equals the output-by-output reference bit for bit, ${from} → ${to} Hz`, () => {
      const x = signal(n)
      const expected = reference(x, from, to)
      const got = resample(x, from, to)
      expect(got.length).toBe(expected.length)
      expect(got).toEqual(expected)
    })
  }

  it('sums even and odd taps apart, then the odd tail (the order the kernel promises)', () => {
    const x = [1, 2, 3, 4, 5]
    const c = [1e16, 1, -1e16, 1, 1]
    // even lane 1e16 − 3e16 = −2e16, odd lane 2 + 4 = 6; −2e16 + 6 → −2e16 + 8 (ulp 4, ties to
    // even); + 5 → −2e16 + 12. In plain sequential order the same sum gives −2e16 + 8.
    expect(pairwiseDot(x, 0, c, 0, 5)).toBe(-19999999999999988)
    expect(pairwiseDot(x, 3, c, 3, 2)).toBe(4 + 5)
    expect(pairwiseDot(x, 0, c, 0, 0)).toBe(0)
  })

  it('sizes its memory for one call of whole periods and refuses a larger one', () => {
    const k = new ResampleKernel(buildSincKernel(44_100, 16_000)) // 160 phases per period of 441 samples
    expect(k.maxOutputs).toBe(409 * 160)
    const x = new Float32Array(500_000)
    const out = new Float32Array(k.maxOutputs + 160)
    expect(() => k.run(x, 0, k.maxOutputs + 160, 410 * 441 + 100, out, 0)).toThrow(RangeError)
    expect(() => k.run(x, 0, k.maxOutputs, 408 * 441 + 40, out, 0)).not.toThrow()
  })
})
