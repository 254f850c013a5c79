import { afterAll, describe, expect, it } from 'vitest'
import { ComputeContext } from '../../src-main/numeric/compute-context'
import { Prng } from '../../src-main/numeric/prng'

const ctx = new ComputeContext()
afterAll(() => ctx.dispose())

function put(values: ArrayLike<number>): number {
  const ptr = ctx.alloc(4 * values.length + 16)
  ctx.f32(ptr, values.length).set(values)
  return ptr
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

const sigmoid = (z: number): number => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)))
const softplus = (t: number): number => (t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t)))

describe('vectorised exp and log (through sigmoid and the losses)', () => {
  it('sigmoid_rows matches Math.exp within 2e-7 over ±90 and saturates at ±1e4', () => {
    const z = Float32Array.from({ length: 4096 }, (_, i) => -90 + (180 * i) / 4095)
    z[0] = -1e4
    z[1] = 1e4
    const zPtr = put(z)
    const oPtr = ctx.alloc(4 * z.length)
    ctx.call([{ kernel: 'sigmoid_rows', args: [zPtr, z.length, 1, z.length, oPtr, z.length] }])
    const got = ctx.f32(oPtr, z.length)
    const want = Array.from(z, sigmoid)
    expect(maxAbs(got, want)).toBeLessThan(2e-7)
    for (let i = 0; i < z.length; i++) {
      if (want[i] > 1e-30) expect(Math.abs(got[i] - want[i]) / want[i]).toBeLessThan(1e-6)
    }
    expect(got[0]).toBeGreaterThanOrEqual(0)
    expect(got[0]).toBeLessThan(1e-37)
    expect(got[1]).toBe(1)
  })

  it('sigmoid_rows writes only the first `cols` columns of each row', () => {
    const z = Float32Array.from({ length: 16 }, (_, i) => i - 8)
    const zPtr = put(z)
    const oPtr = put(new Float32Array(12).fill(-1))
    ctx.call([{ kernel: 'sigmoid_rows', args: [zPtr, 8, 2, 5, oPtr, 6] }])
    const got = Array.from(ctx.f32(oPtr, 12))
    const want = [0, 1, 2, 3, 4].map((c) => sigmoid(z[c]))
    const want2 = [0, 1, 2, 3, 4].map((c) => sigmoid(z[8 + c]))
    expect(maxAbs(got.slice(0, 5), want)).toBeLessThan(1e-7)
    expect(got[5]).toBe(-1)
    expect(maxAbs(got.slice(6, 11), want2)).toBeLessThan(1e-7)
    expect(got[11]).toBe(-1)
  })

  it('softmax_rows matches a float64 softmax and ignores padded columns', () => {
    const rows = 3
    const cols = 7
    const ld = 8
    const z = new Float32Array(rows * ld)
    const rng = new Prng(3)
    for (let i = 0; i < z.length; i++) z[i] = rng.normal() * 5
    z[7] = 1e4 // padding must not count
    z[ld] = 1e4 // extreme but valid
    z[ld + 1] = -1e4
    const zPtr = put(z)
    const oPtr = ctx.alloc(4 * rows * cols)
    ctx.call([{ kernel: 'softmax_rows', args: [zPtr, ld, rows, cols, oPtr, cols] }])
    const got = ctx.f32(oPtr, rows * cols)
    for (let r = 0; r < rows; r++) {
      const row = Array.from(z.subarray(r * ld, r * ld + cols))
      const mx = Math.max(...row)
      const e = row.map((v) => Math.exp(v - mx))
      const s = e.reduce((a, b) => a + b, 0)
      expect(maxAbs(got.subarray(r * cols, (r + 1) * cols), e.map((v) => v / s))).toBeLessThan(3e-7)
    }
    expect(got[cols]).toBe(1)
    expect(got[cols + 1]).toBeLessThan(1e-37) // e^(−2e4) underflows to the clamp floor e^−87·…, not 0
  })
})

describe('loss kernels', () => {
  it('bce_grad gives the weighted BCE and its gradient, finite at ±1e4', () => {
    const rows = 5
    const cp = 8
    const classes = 6
    const rng = new Prng(5)
    const z = Float32Array.from({ length: rows * cp }, () => rng.normal() * 4)
    const y = Float32Array.from({ length: rows * cp }, (_, i) => (i % cp < classes ? (rng.nextFloat() < 0.4 ? 1 : rng.nextFloat() < 0.5 ? 0 : 0.3) : 0))
    z[0] = 1e4
    y[0] = 0
    z[1] = -1e4
    y[1] = 1
    z[2] = 1e-6
    const wpos = Float32Array.from({ length: cp }, (_, c) => (c < classes ? 1 + c * 0.5 : 0))
    const wneg = Float32Array.from({ length: cp }, (_, c) => (c < classes ? 2 - c * 0.2 : 0))
    const zPtr = put(z)
    const yPtr = put(y)
    const gPtr = ctx.alloc(4 * rows * cp)
    const lossPtr = ctx.alloc(8, 8)
    new Float64Array(ctx.memory.buffer, lossPtr, 1)[0] = 0.5
    ctx.call([{ kernel: 'bce_grad', args: [zPtr, yPtr, rows, cp, put(wpos), put(wneg), gPtr, 0.25, lossPtr] }])
    let loss = 0.5
    const grad: number[] = []
    for (let i = 0; i < rows * cp; i++) {
      const c = i % cp
      const wp = wpos[c] * y[i]
      const wn = wneg[c] * (1 - y[i])
      loss += wp * softplus(-z[i]) + wn * softplus(z[i])
      grad.push(0.25 * (sigmoid(z[i]) * (wp + wn) - wp))
    }
    const gotLoss = new Float64Array(ctx.memory.buffer, lossPtr, 1)[0]
    expect(Number.isFinite(gotLoss)).toBe(true)
    expect(Math.abs(gotLoss - loss) / loss).toBeLessThan(1e-6)
    expect(maxAbs(ctx.f32(gPtr, rows * cp), grad)).toBeLessThan(1e-6)
  })

  it('softmax_grad gives the weighted cross-entropy and its gradient', () => {
    const rows = 4
    const cp = 8
    const classes = 5
    const rng = new Prng(9)
    const z = Float32Array.from({ length: rows * cp }, (_, i) => (i % cp < classes ? rng.normal() * 3 : 0))
    z[0] = 1e4
    z[cp + 1] = -1e4
    const y = new Float32Array(rows * cp)
    for (let r = 0; r < rows; r++) y[r * cp + ((r * 3) % classes)] = 1
    y[3 * cp + 2] = 0.4 // a mixed target row
    y[3 * cp + 4] = 0.6
    y[3 * cp + ((3 * 3) % classes)] = 0
    const w = Float32Array.from({ length: cp }, (_, c) => (c < classes ? 0.5 + c : 0))
    const gPtr = ctx.alloc(4 * rows * cp)
    const lossPtr = ctx.alloc(8, 8)
    new Float64Array(ctx.memory.buffer, lossPtr, 1)[0] = 0
    ctx.call([{ kernel: 'softmax_grad', args: [put(z), put(y), rows, cp, classes, put(w), gPtr, 0.5, lossPtr] }])
    let loss = 0
    const grad = new Array<number>(rows * cp).fill(0)
    for (let r = 0; r < rows; r++) {
      const row = Array.from(z.subarray(r * cp, r * cp + classes))
      const mx = Math.max(...row)
      const lse = mx + Math.log(row.reduce((s, v) => s + Math.exp(v - mx), 0))
      let wy = 0
      for (let c = 0; c < classes; c++) wy += w[c] * y[r * cp + c]
      for (let c = 0; c < classes; c++) {
        loss += w[c] * y[r * cp + c] * (lse - row[c])
        grad[r * cp + c] = 0.5 * (wy * Math.exp(row[c] - lse) - w[c] * y[r * cp + c])
      }
    }
    const gotLoss = new Float64Array(ctx.memory.buffer, lossPtr, 1)[0]
    expect(Math.abs(gotLoss - loss) / loss).toBeLessThan(1e-6)
    expect(maxAbs(ctx.f32(gPtr, rows * cp), grad)).toBeLessThan(1e-6)
  })
})

describe('element-wise kernels', () => {
  it('relu, gelu and their gradients match float64 formulas', () => {
    const x = Float32Array.from({ length: 64 }, (_, i) => (i - 32) / 4)
    x[0] = -1e4
    x[63] = 1e4
    const c = Math.sqrt(2 / Math.PI)
    const geluRef = (v: number): number => 0.5 * v * (1 + Math.tanh(c * (v + 0.044715 * v ** 3)))
    const geluGradRef = (v: number): number => {
      const t = Math.tanh(c * (v + 0.044715 * v ** 3))
      return 0.5 * (1 + t) + 0.5 * v * (1 - t * t) * c * (1 + 3 * 0.044715 * v * v)
    }
    const xPtr = put(x)
    const out = ctx.alloc(4 * 64)
    ctx.call([{ kernel: 'relu', args: [xPtr, out, 64] }])
    expect(Array.from(ctx.f32(out, 64))).toEqual(Array.from(x, (v) => Math.max(v, 0)))
    ctx.call([{ kernel: 'gelu', args: [xPtr, out, 64] }])
    const g = ctx.f32(out, 64)
    for (let i = 0; i < 64; i++) expect(Math.abs(g[i] - geluRef(x[i]))).toBeLessThan(2e-6 * Math.max(1, Math.abs(x[i])))
    const gradPtr = put(new Float32Array(64).fill(2))
    ctx.call([{ kernel: 'gelu_grad', args: [xPtr, gradPtr, 64] }])
    const gg = ctx.f32(gradPtr, 64)
    for (let i = 0; i < 64; i++) expect(Math.abs(gg[i] - 2 * geluGradRef(x[i]))).toBeLessThan(4e-6)
    const rg = put(new Float32Array(64).fill(3))
    ctx.call([{ kernel: 'relu_grad', args: [xPtr, rg, 64] }])
    expect(Array.from(ctx.f32(rg, 64))).toEqual(Array.from(x, (v) => (v > 0 ? 3 : 0)))
  })

  it('moments, standardize, add_bias and col_sums agree with plain loops', () => {
    const rows = 7
    const ld = 12
    const rng = new Prng(11)
    const x = Float32Array.from({ length: rows * ld }, () => 100 + rng.normal())
    const xPtr = put(x)
    const shift = put(x.subarray(0, ld))
    const s1 = ctx.alloc(8 * ld, 16)
    const s2 = ctx.alloc(8 * ld, 16)
    new Float64Array(ctx.memory.buffer, s1, ld).fill(0)
    new Float64Array(ctx.memory.buffer, s2, ld).fill(0)
    ctx.call([
      { kernel: 'moments', args: [xPtr, rows, ld, 0, 6, shift, s1, s2] },
      { kernel: 'moments', args: [xPtr, rows, ld, 6, 12, shift, s1, s2] },
    ])
    const g1 = new Float64Array(ctx.memory.buffer, s1, ld)
    const g2 = new Float64Array(ctx.memory.buffer, s2, ld)
    for (let d = 0; d < ld; d++) {
      let a = 0
      let b = 0
      for (let i = 0; i < rows; i++) {
        const v = x[i * ld + d] - x[d]
        a += v
        b += v * v
      }
      expect(g1[d]).toBeCloseTo(a, 12)
      expect(g2[d]).toBeCloseTo(b, 12)
    }
    const mean = Float32Array.from({ length: ld }, (_, d) => 100 + d / 10)
    const inv = Float32Array.from({ length: ld }, (_, d) => 1 / (1 + d))
    const flag = ctx.alloc(16)
    ctx.call([{ kernel: 'standardize', args: [xPtr, rows, ld, put(mean), put(inv), flag] }])
    const st = ctx.f32(xPtr, rows * ld)
    for (let i = 0; i < rows * ld; i++) expect(st[i]).toBe(Math.fround(Math.fround(x[i] - mean[i % ld]) * inv[i % ld]))
    expect(Array.from(ctx.f32(flag, 4))).toEqual([0, 0, 0, 0])
    const withInf = put([1, 2, Infinity, 4])
    ctx.call([{ kernel: 'standardize', args: [withInf, 1, 4, put([0, 0, 0, 0]), put([1, 1, 1, 1]), flag] }])
    expect(Array.from(ctx.f32(flag, 4)).some(Number.isNaN)).toBe(true)
    const before = Float32Array.from(st)
    ctx.call([{ kernel: 'add_bias', args: [xPtr, rows, ld, put(mean)] }])
    for (let i = 0; i < rows * ld; i++) expect(st[i]).toBe(Math.fround(before[i] + mean[i % ld]))
    const sums = ctx.alloc(4 * ld)
    ctx.call([{ kernel: 'col_sums', args: [xPtr, rows, ld, sums] }])
    const gs = ctx.f32(sums, ld)
    for (let d = 0; d < ld; d++) {
      let s = 0
      for (let i = 0; i < rows; i++) s = Math.fround(s + st[i * ld + d])
      expect(gs[d]).toBe(s)
    }
  })

  it('adam and axpy follow their update formulas', () => {
    const n = 8
    const p = Float32Array.from({ length: n }, (_, i) => i - 4)
    const g = Float32Array.from({ length: n }, (_, i) => 0.5 - i / 8)
    const m = Float32Array.from({ length: n }, (_, i) => i / 100)
    const v = Float32Array.from({ length: n }, (_, i) => i / 1000)
    const [pp, gp, mp, vp] = [put(p), put(g), put(m), put(v)]
    ctx.call([{ kernel: 'axpy', args: [gp, pp, n, 0.1] }])
    const g2 = Array.from(g, (x, i) => Math.fround(x + Math.fround(0.1 * p[i])))
    expect(Array.from(ctx.f32(gp, n))).toEqual(g2)
    ctx.call([{ kernel: 'adam', args: [pp, gp, mp, vp, n, 0.01, 0.9, 0.999, 1e-8, 2] }])
    for (let i = 0; i < n; i++) {
      const mi = 0.9 * m[i] + 0.1 * g2[i]
      const vi = 0.999 * v[i] + 0.001 * g2[i] * g2[i]
      expect(ctx.f32(mp, n)[i]).toBeCloseTo(mi, 6)
      expect(ctx.f32(vp, n)[i]).toBeCloseTo(vi, 6)
      expect(ctx.f32(pp, n)[i]).toBeCloseTo(p[i] - (0.01 * mi) / (Math.sqrt(vi * 2) + 1e-8), 5)
    }
  })
})
