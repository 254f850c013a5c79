import { describe, expect, it } from 'vitest'
import { ComputeContext } from '../../src-main/numeric/compute-context'
import { Prng } from '../../src-main/numeric/prng'

describe('ComputeContext', () => {
  it('runs kernel lists on helper threads, blocking and async, and reports traps as AppErrors', async () => {
    const ctx = new ComputeContext({ helpers: 2 })
    try {
      const n = 64
      const a = ctx.alloc(4 * n)
      const b = ctx.alloc(4 * n)
      ctx.f32(a, n).fill(1)
      ctx.f32(b, n).fill(0)
      // three lists: caller + two helpers, each adding a different multiple of a into its quarter of b
      ctx.parallel([0, 1, 2].map((t) => [{ kernel: 'axpy', args: [b + 64 * t, a, 16, t + 1] }]))
      expect(Array.from(ctx.f32(b, 48))).toEqual([...new Array(16).fill(1), ...new Array(16).fill(2), ...new Array(16).fill(3)])
      await ctx.parallelAsync([[{ kernel: 'axpy', args: [b + 192, a, 16, 5] }], []])
      expect(ctx.f32(b + 192, 16)[0]).toBe(5)
      // an out-of-bounds address traps inside the helper
      expect(() => ctx.parallel([[], [{ kernel: 'axpy', args: [0x7ffffff0, a, 16, 1] }]])).toThrow(expect.objectContaining({ code: 'INTERNAL' }))
      await expect(ctx.parallelAsync([[{ kernel: 'axpy', args: [0x7ffffff0, a, 16, 1] }]])).rejects.toMatchObject({ code: 'INTERNAL' })
      // and the helpers keep working afterwards
      ctx.parallel([[], [{ kernel: 'axpy', args: [b, a, 4, 10] }]])
      expect(ctx.f32(b, 1)[0]).toBe(11)
      expect(() => ctx.parallel([[], [], [], []])).toThrow(/4 lists for 3 threads/)
      // lists longer than a command slot run in rounds, in order
      ctx.f32(b, 8).fill(0)
      const many = Array.from({ length: 3000 }, () => ({ kernel: 'axpy', args: [b, a, 4, 1] }))
      ctx.parallel([[], many])
      expect(ctx.f32(b, 1)[0]).toBe(3000)
      await ctx.parallelAsync([many, many.map((c) => ({ ...c, args: [b + 16, a, 4, 2] }))])
      expect(Array.from(ctx.f32(b, 8))).toEqual([6000, 6000, 6000, 6000, 6000, 6000, 6000, 6000])
      // one asynchronous run at a time
      const pending = ctx.parallelAsync([many])
      expect(ctx.isBusy).toBe(true)
      expect(() => ctx.parallel([[], many])).toThrow(/busy/)
      await pending
      expect(ctx.isBusy).toBe(false)
    } finally {
      ctx.dispose()
    }
    expect(() => ctx.alloc(4)).toThrow(/after dispose/)
  })

  it('grows its memory on demand and keeps earlier views valid', () => {
    const ctx = new ComputeContext()
    try {
      const first = ctx.alloc(16)
      const view = ctx.f32(first, 4)
      view.set([1, 2, 3, 4])
      const big = ctx.alloc(64 << 20)
      expect(ctx.memory.buffer.byteLength).toBeGreaterThanOrEqual(big + (64 << 20))
      expect(Array.from(view)).toEqual([1, 2, 3, 4])
      expect(() => ctx.alloc(2 ** 33)).toThrow(/at most 4 GiB/)
    } finally {
      ctx.dispose()
    }
  })
})

describe('Prng', () => {
  it('is deterministic for a seed and differs between seeds', () => {
    const a = new Prng(42)
    const b = new Prng(42)
    const c = new Prng(43)
    const sa = Array.from({ length: 5 }, () => a.nextU32())
    expect(Array.from({ length: 5 }, () => b.nextU32())).toEqual(sa)
    expect(Array.from({ length: 5 }, () => c.nextU32())).not.toEqual(sa)
  })

  it('draws uniforms, normals and betas with the right moments (n = 200 000, 5σ tolerances)', () => {
    const rng = new Prng(7)
    const n = 200_000
    let su = 0
    let sn = 0
    let sn2 = 0
    let sb = 0
    let maxU = 0
    for (let i = 0; i < n; i++) {
      const u = rng.nextFloat()
      maxU = Math.max(maxU, u)
      su += u
      const z = rng.normal()
      sn += z
      sn2 += z * z
      sb += rng.beta(0.4, 0.4)
    }
    expect(maxU).toBeLessThan(1)
    expect(Math.abs(su / n - 0.5)).toBeLessThan(5 * Math.sqrt(1 / 12 / n))
    expect(Math.abs(sn / n)).toBeLessThan(5 / Math.sqrt(n))
    expect(Math.abs(sn2 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n))
    // Beta(0.4, 0.4): mean 0.5, variance 1/(4·1.8) ≈ 0.139
    expect(Math.abs(sb / n - 0.5)).toBeLessThan(5 * Math.sqrt(0.139 / n))
    const counts = new Array(7).fill(0)
    for (let i = 0; i < 70_000; i++) counts[rng.nextInt(7)]++
    for (const k of counts) expect(Math.abs(k - 10_000)).toBeLessThan(5 * Math.sqrt(10_000))
  })
})
