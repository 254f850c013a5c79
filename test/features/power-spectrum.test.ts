import { describe, expect, it } from 'vitest'
import { PowerSpectrum } from '../../src-main/features/power-spectrum'

function naivePower(x: Float64Array, k: number): number {
  let re = 0
  let im = 0
  for (let n = 0; n < x.length; n++) {
    const a = (-2 * Math.PI * k * n) / x.length
    re += x[n] * Math.cos(a)
    im += x[n] * Math.sin(a)
  }
  return re * re + im * im
}

describe('PowerSpectrum', () => {
  // 512 is the fbank's size (radix-4 only); 256 and 8 need the leading radix-2 stage; 4 is the smallest.
  for (const [size, filled] of [[512, 400], [256, 256], [1024, 1000], [8, 8], [4, 3]]) {
    it(`matches a naive DFT for size ${size} within 1e-12 relative to the total energy`, () => {
      const ps = new PowerSpectrum(size)
      let seed = 12345 + size
      const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1
      for (let n = 0; n < filled; n++) ps.input[n] = rand() * 1000
      const bins = size / 2 + 1
      const out = new Float64Array(bins)
      ps.compute(out)
      let maxRel = 0
      let total = 0
      for (let k = 0; k < bins; k++) total += naivePower(ps.input, k)
      for (let k = 0; k < bins; k++) maxRel = Math.max(maxRel, Math.abs(out[k] - naivePower(ps.input, k)) / total)
      expect(maxRel).toBeLessThan(1e-12)
    })
  }

  it('rejects sizes that are not powers of two', () => {
    expect(() => new PowerSpectrum(400)).toThrow(RangeError)
    expect(() => new PowerSpectrum(2)).toThrow(RangeError)
  })

  it('puts a pure bin-aligned cosine into exactly one bin', () => {
    const ps = new PowerSpectrum(64)
    for (let n = 0; n < 64; n++) ps.input[n] = Math.cos((2 * Math.PI * 5 * n) / 64)
    const out = new Float64Array(33)
    ps.compute(out)
    expect(out[5]).toBeCloseTo(32 * 32, 6)
    for (let k = 0; k < 33; k++) if (k !== 5) expect(out[k]).toBeLessThan(1e-18 * 1024 + 1e-12)
  })

  it('gives DC and Nyquist bins their full real sums', () => {
    const ps = new PowerSpectrum(8)
    ps.input.set([1, -1, 1, -1, 1, -1, 1, -1])
    const out = new Float64Array(5)
    ps.compute(out)
    expect(out[0]).toBeCloseTo(0, 12)
    expect(out[4]).toBeCloseTo(64, 12)
  })
})
