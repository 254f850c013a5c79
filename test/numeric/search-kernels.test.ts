import { afterAll, describe, expect, it } from 'vitest'
import { ComputeContext } from '../../src-main/numeric/compute-context'
import { INT8_SCORES, QUANTIZE_ROWS } from '../../src-main/numeric/kernels'
import { Prng } from '../../src-main/numeric/prng'

const ctx = new ComputeContext()
afterAll(() => ctx.dispose())

describe('int8 search kernels', () => {
  const dim = 96 // a multiple of 32, as the index pads
  const rows = 11
  const rng = new Prng(2)
  const v = Float32Array.from({ length: rows * dim }, (_, i) => (Math.floor(i / dim) === 4 ? 0 : rng.normal() * (1 + (i % 7))))
  const src = ctx.alloc(4 * rows * dim)
  ctx.f32(src, rows * dim).set(v)
  const codes = ctx.alloc(rows * dim)
  const scales = ctx.alloc(4 * rows)
  const resid = ctx.alloc(4 * rows)
  ctx.call([{ kernel: QUANTIZE_ROWS, args: [src, rows, dim, codes, scales, resid] }])
  const c = ctx.i8(codes, rows * dim)
  const s = ctx.f32(scales, rows)
  const r = ctx.f32(resid, rows)

  it('quantises unit rows to round(x/s) with s = max|x|/127 and reports the residual norm', () => {
    for (let i = 0; i < rows; i++) {
      const row = Array.from(v.subarray(i * dim, (i + 1) * dim))
      const norm = Math.hypot(...row)
      if (norm === 0) {
        expect([s[i], r[i]]).toEqual([0, 0])
        expect(Array.from(c.subarray(i * dim, (i + 1) * dim)).every((x) => x === 0)).toBe(true)
        continue
      }
      const x = row.map((t) => t / norm)
      const maxAbs = Math.max(...x.map(Math.abs))
      expect(s[i]).toBeCloseTo(maxAbs / 127, 8)
      let r2 = 0
      let extremes = 0
      for (let d = 0; d < dim; d++) {
        const code = c[i * dim + d]
        expect(Math.abs(code - x[d] / s[i])).toBeLessThanOrEqual(0.5 + 1e-3)
        if (Math.abs(code) === 127) extremes++
        r2 += (x[d] - s[i] * code) ** 2
      }
      expect(extremes).toBeGreaterThanOrEqual(1)
      expect(Math.abs(r[i] - Math.sqrt(r2))).toBeLessThan(1e-6)
    }
  })

  it('scores rows as f32(Σ code·q)·scale·qScale, exactly, in groups of four and singly', () => {
    const q = Int16Array.from({ length: dim }, () => rng.nextInt(65535) - 32767)
    const qPtr = ctx.alloc(2 * dim)
    ctx.i16(qPtr, dim).set(q)
    const out = ctx.alloc(4 * rows)
    const jobs = ctx.alloc(32)
    // two jobs: rows 0..6 and 7..10
    ctx.i32(jobs, 8).set([codes, 7, scales, out, codes + 7 * dim, 4, scales + 28, out + 28])
    const qScale = 3.0517578125e-5
    ctx.call([{ kernel: INT8_SCORES, args: [jobs, 2, qPtr, dim, qScale] }])
    const got = ctx.f32(out, rows)
    for (let i = 0; i < rows; i++) {
      let dot = 0
      for (let d = 0; d < dim; d++) dot += c[i * dim + d] * q[d]
      expect(got[i]).toBe(Math.fround(Math.fround(Math.fround(dot) * s[i]) * Math.fround(qScale)))
    }
  })
})
