import { afterAll, describe, expect, it } from 'vitest'
import { ComputeContext } from '../../src-main/numeric/compute-context'
import { fillRowPtrs, packedLayout, packInto, planNN, planTN, unpackFrom } from '../../src-main/numeric/gemm'
import { Prng } from '../../src-main/numeric/prng'

const contexts: ComputeContext[] = []
afterAll(() => contexts.forEach((c) => c.dispose()))
function context(helpers: number): ComputeContext {
  const c = new ComputeContext({ helpers })
  contexts.push(c)
  return c
}

function randomMatrix(rng: Prng, n: number): Float32Array {
  const out = new Float32Array(n)
  for (let i = 0; i < n; i++) out[i] = rng.normal()
  return out
}

/** Reference C = A[index] · B in float64. */
function naiveNN(a: Float32Array, k: number, index: number[], b: Float32Array, n: number): Float64Array {
  const c = new Float64Array(index.length * n)
  index.forEach((row, i) => {
    for (let j = 0; j < n; j++) {
      let s = 0
      for (let t = 0; t < k; t++) s += a[row * k + t] * b[t * n + j]
      c[i * n + j] = s
    }
  })
  return c
}

/** Reference C = A[index]ᵀ · G in float64. */
function naiveTN(a: Float32Array, k: number, index: number[], g: Float32Array, n: number): Float64Array {
  const c = new Float64Array(k * n)
  index.forEach((row, m) => {
    for (let t = 0; t < k; t++) for (let j = 0; j < n; j++) c[t * n + j] += a[row * k + t] * g[m * n + j]
  })
  return c
}

function maxRelErr(got: ArrayLike<number>, want: Float64Array): number {
  let scale = 1e-30
  for (const v of want) scale = Math.max(scale, Math.abs(v))
  let err = 0
  for (let i = 0; i < want.length; i++) err = Math.max(err, Math.abs(got[i] - want[i]))
  return err / scale
}

interface Setup {
  ctx: ComputeContext
  rowPtrs: number
  index: number[]
  a: Float32Array
  b: Float32Array
  packed: { ptr: number; layout: ReturnType<typeof packedLayout> }
}

function setup(ctx: ComputeContext, rng: Prng, rowsA: number, k: number, n: number, index: number[]): Setup {
  const a = randomMatrix(rng, rowsA * k)
  const b = randomMatrix(rng, k * n)
  const aPtr = ctx.alloc(a.length * 4)
  ctx.f32(aPtr, a.length).set(a)
  const rowPtrs = ctx.alloc(index.length * 4)
  fillRowPtrs(ctx.i32(rowPtrs, index.length), aPtr, k, index)
  const layout = packedLayout(k, n)
  const bPtr = ctx.alloc(layout.bytes)
  packInto(ctx.f32(bPtr, layout.bytes / 4), layout, b)
  return { ctx, rowPtrs, index, a, b, packed: { ptr: bPtr, layout } }
}

describe('packed layout', () => {
  it('cuts 20 columns into panels of 12 and 8, and 16 into 8 and 8', () => {
    expect(packedLayout(5, 20).panels.map((p) => 4 * p.nv)).toEqual([12, 8])
    expect(packedLayout(5, 16).panels.map((p) => 4 * p.nv)).toEqual([8, 8])
    expect(packedLayout(5, 4).panels.map((p) => 4 * p.nv)).toEqual([4])
    expect(packedLayout(3, 28).bytes).toBe(3 * 28 * 4)
  })

  it('round-trips a matrix through pack and unpack', () => {
    const layout = packedLayout(7, 28)
    const src = Float32Array.from({ length: 7 * 28 }, (_, i) => i)
    const packed = new Float32Array(layout.bytes / 4)
    packInto(packed, layout, src)
    const back = new Float32Array(src.length)
    unpackFrom(packed, layout, back)
    expect(Array.from(back)).toEqual(Array.from(src))
  })
})

describe('f32 matrix products against a float64 reference', () => {
  const cases = [
    { rows: 13, k: 19, n: 20 },
    { rows: 64, k: 768, n: 24 },
    { rows: 9, k: 33, n: 4 },
    { rows: 37, k: 64, n: 128 },
    { rows: 5, k: 8, n: 28 },
  ]
  for (const helpers of [0, 1]) {
    for (const { rows, k, n } of cases) {
      it(`A·B with gathered rows: ${rows}×${k}·${k}×${n}, ${helpers + 1} thread(s)`, () => {
        const rng = new Prng(rows * 1000 + k + n)
        const index = Array.from({ length: rows }, () => rng.nextInt(rows + 3))
        const s = setup(context(helpers), rng, rows + 3, k, n, index)
        const cPtr = s.ctx.alloc(rows * n * 4)
        s.ctx.parallel(planNN({ rowPtrs: s.rowPtrs, rows }, s.packed, { ptr: cPtr, ld: n }, false, helpers + 1))
        const want = naiveNN(s.a, k, index, s.b, n)
        expect(maxRelErr(s.ctx.f32(cPtr, rows * n), want)).toBeLessThan(1e-5)
        // accumulate adds a second product on top
        s.ctx.parallel(planNN({ rowPtrs: s.rowPtrs, rows }, s.packed, { ptr: cPtr, ld: n }, true, helpers + 1))
        expect(maxRelErr(s.ctx.f32(cPtr, rows * n), want.map((v) => 2 * v))).toBeLessThan(1e-5)
      })
    }
    for (const { rows, k, n } of cases.filter((c) => c.k % 4 === 0)) {
      it(`Aᵀ·G into packed and dense outputs: ${k}×${rows}·${rows}×${n}, ${helpers + 1} thread(s)`, () => {
        const rng = new Prng(rows * 7 + k * 3 + n)
        const index = Array.from({ length: rows }, (_, i) => (i * 5) % (rows + 3))
        const s = setup(context(helpers), rng, rows + 3, k, n, index)
        const g = randomMatrix(rng, rows * n)
        const gPtr = s.ctx.alloc(g.length * 4)
        s.ctx.f32(gPtr, g.length).set(g)
        const want = naiveTN(s.a, k, index, g, n)

        s.ctx.parallel(planTN({ rowPtrs: s.rowPtrs, rows }, { ptr: gPtr, ld: n }, { packed: s.packed }, false, helpers + 1))
        const unpacked = new Float32Array(k * n)
        unpackFrom(s.ctx.f32(s.packed.ptr, k * n), s.packed.layout, unpacked)
        expect(maxRelErr(unpacked, want)).toBeLessThan(1e-5)

        const ld = n + 4
        const dPtr = s.ctx.alloc(k * ld * 4)
        s.ctx.parallel(planTN({ rowPtrs: s.rowPtrs, rows }, { ptr: gPtr, ld: n }, { dense: { ptr: dPtr, ld }, k, n }, false, helpers + 1))
        const dense = s.ctx.f32(dPtr, k * ld)
        const compact = new Float32Array(k * n)
        for (let t = 0; t < k; t++) for (let j = 0; j < n; j++) compact[t * n + j] = dense[t * ld + j]
        expect(maxRelErr(compact, want)).toBeLessThan(1e-5)
      })
    }
  }

  it('gives bit-identical products on one and on two threads', () => {
    const results: Float32Array[] = []
    for (const helpers of [0, 1]) {
      const rng = new Prng(42)
      const rows = 50
      const s = setup(context(helpers), rng, rows, 96, 20, Array.from({ length: rows }, (_, i) => i))
      const cPtr = s.ctx.alloc(rows * 20 * 4)
      s.ctx.parallel(planNN({ rowPtrs: s.rowPtrs, rows }, s.packed, { ptr: cPtr, ld: 20 }, false, helpers + 1))
      s.ctx.parallel(planTN({ rowPtrs: s.rowPtrs, rows }, { ptr: cPtr, ld: 20 }, { packed: s.packed }, false, helpers + 1))
      results.push(Float32Array.from(s.ctx.f32(s.packed.ptr, 96 * 20)))
    }
    expect(Buffer.from(results[0].buffer).equals(Buffer.from(results[1].buffer))).toBe(true)
  })
})
