// Element-wise SIMD kernels around the matrix products: input moments and standardisation, bias
// and activations, the Adam update, and batch gathering and mixing. Sizes are in floats unless
// named Bytes; every row stride ("ld") and every `count` is a multiple of 4.

import { emitTanh, loopTo, setEnd, type VectorKernel } from './kernel-helpers'
import { mathScratch, type MathScratch } from './simd-math'
import { F32, I32, V128, type FunctionBuilder, type ValType } from './wasm-emitter'

const GELU_C = Math.sqrt(2 / Math.PI)
const GELU_A = 0.044715

/**
 * standardize(x, rows, ld, mean, inv, flag): x[i, j] ← (x[i, j] − mean[j]) · inv[j], in place; the
 * four floats at flag receive Σ (x − x) over the raw values, NaN exactly when some value is not finite.
 */
const standardize: VectorKernel = {
  name: 'standardize',
  params: [I32, I32, I32, I32, I32, I32],
  emit(f) {
    const [x, rows, ld, mean, inv, flag] = [0, 1, 2, 3, 4, 5]
    const p = f.local(I32)
    const end = f.local(I32)
    const rowEnd = f.local(I32)
    const j = f.local(I32)
    const v = f.local(V128)
    const bad = f.local(V128)
    f.v128Zero().set(bad)
    f.get(rows).get(ld).i32Mul().i32Const(2).i32Shl().get(x).i32Add().set(end)
    f.get(x).set(p)
    f.block().loop()
    f.get(p).get(end).i32GeU().brIf(1)
    f.get(p).get(ld).i32Const(2).i32Shl().i32Add().set(rowEnd)
    f.i32Const(0).set(j)
    loopTo(f, p, rowEnd, 16, () => {
      f.get(p).v128Load().set(v)
      f.get(bad).get(v).get(v).f32x4Sub().f32x4Add().set(bad)
      f.get(p).get(v).get(mean).get(j).i32Add().v128Load().f32x4Sub().get(inv).get(j).i32Add().v128Load().f32x4Mul().v128Store()
      f.get(j).i32Const(16).i32Add().set(j)
    })
    f.br(0).end().end()
    f.get(flag).get(bad).v128Store()
  },
}

/**
 * moments(x, rows, ld, d0, d1, shift, s1, s2): for columns [d0, d1) (even), in float64,
 * s1[d] += Σ_i (x[i, d] − shift[d]) and s2[d] += Σ_i (x[i, d] − shift[d])².
 */
const moments: VectorKernel = {
  name: 'moments',
  params: [I32, I32, I32, I32, I32, I32, I32, I32],
  emit(f) {
    const [x, rows, ld, d0, d1, shift, s1, s2] = [0, 1, 2, 3, 4, 5, 6, 7]
    const row = f.local(I32)
    const rowEnd = f.local(I32)
    const d = f.local(I32)
    const v = f.local(V128)
    const a = f.local(I32)
    f.i32Const(0).set(row)
    f.block().loop()
    f.get(row).get(rows).i32GeS().brIf(1)
    f.get(x).get(row).get(ld).i32Mul().i32Const(2).i32Shl().i32Add().set(rowEnd) // row start
    f.get(d0).set(d)
    f.block().loop()
    f.get(d).get(d1).i32GeS().brIf(1)
    f.get(rowEnd).get(d).i32Const(2).i32Shl().i32Add().v128Load64Splat().f64x2PromoteLowF32x4()
    f.get(shift).get(d).i32Const(2).i32Shl().i32Add().v128Load64Splat().f64x2PromoteLowF32x4()
    f.f64x2Sub().set(v)
    f.get(s1).get(d).i32Const(3).i32Shl().i32Add().set(a)
    f.get(a).get(a).v128Load().get(v).f64x2Add().v128Store()
    f.get(s2).get(d).i32Const(3).i32Shl().i32Add().set(a)
    f.get(a).get(a).v128Load().get(v).get(v).f64x2Mul().f64x2Add().v128Store()
    f.get(d).i32Const(2).i32Add().set(d)
    f.br(0).end().end()
    f.get(row).i32Const(1).i32Add().set(row)
    f.br(0).end().end()
  },
}

/** add_bias(m, rows, ld, bias): m[i, :] += bias. */
const addBias: VectorKernel = {
  name: 'add_bias',
  params: [I32, I32, I32, I32],
  emit(f) {
    const [m, rows, ld, bias] = [0, 1, 2, 3]
    const p = f.local(I32)
    const end = f.local(I32)
    const rowEnd = f.local(I32)
    const j = f.local(I32)
    f.get(rows).get(ld).i32Mul().i32Const(2).i32Shl().get(m).i32Add().set(end)
    f.get(m).set(p)
    f.block().loop()
    f.get(p).get(end).i32GeU().brIf(1)
    f.get(p).get(ld).i32Const(2).i32Shl().i32Add().set(rowEnd)
    f.get(bias).set(j)
    loopTo(f, p, rowEnd, 16, () => {
      f.get(p).get(p).v128Load().get(j).v128Load().f32x4Add().v128Store()
      f.get(j).i32Const(16).i32Add().set(j)
    })
    f.br(0).end().end()
  },
}

/** col_sums(m, rows, ld, out): out[j] = Σ_i m[i, j], rows in order (deterministic). */
const colSums: VectorKernel = {
  name: 'col_sums',
  params: [I32, I32, I32, I32],
  emit(f) {
    const [m, rows, ld, out] = [0, 1, 2, 3]
    const p = f.local(I32)
    const end = f.local(I32)
    const rowEnd = f.local(I32)
    const j = f.local(I32)
    const outEnd = f.local(I32)
    f.get(out).get(ld).i32Const(2).i32Shl().i32Add().set(outEnd)
    f.get(out).set(j)
    loopTo(f, j, outEnd, 16, () => {
      f.get(j).v128Zero().v128Store()
    })
    f.get(rows).get(ld).i32Mul().i32Const(2).i32Shl().get(m).i32Add().set(end)
    f.get(m).set(p)
    f.block().loop()
    f.get(p).get(end).i32GeU().brIf(1)
    f.get(p).get(ld).i32Const(2).i32Shl().i32Add().set(rowEnd)
    f.get(out).set(j)
    loopTo(f, p, rowEnd, 16, () => {
      f.get(j).get(j).v128Load().get(p).v128Load().f32x4Add().v128Store()
      f.get(j).i32Const(16).i32Add().set(j)
    })
    f.br(0).end().end()
  },
}

function elementwise(name: string, params: readonly ValType[], body: (f: FunctionBuilder, p: number, q: number, s: MathScratch) => void): VectorKernel {
  // (src, dst, count, ...): p walks src, q walks dst
  return {
    name,
    params,
    emit(f) {
      const s = mathScratch(f)
      const p = f.local(I32)
      const q = f.local(I32)
      const end = f.local(I32)
      f.get(0).set(p)
      f.get(1).set(q)
      setEnd(f, end, 0, 2, 4)
      loopTo(f, p, end, 16, () => {
        body(f, p, q, s)
        f.get(q).i32Const(16).i32Add().set(q)
      })
    },
  }
}

/** relu(pre, out, count). */
const relu = elementwise('relu', [I32, I32, I32], (f, p, q) => {
  f.get(q).get(p).v128Load().v128Zero().f32x4Max().v128Store()
})

/** relu_grad(pre, grad, count): grad ← grad where pre > 0, else 0. */
const reluGrad = elementwise('relu_grad', [I32, I32, I32], (f, p, q) => {
  f.get(q).get(q).v128Load().get(p).v128Load().v128Zero().f32x4Gt().v128And().v128Store()
})

function emitGeluInner(f: FunctionBuilder, x: number, u: number): void {
  // u ← c·(x + a·x³)
  f.get(x).get(x).get(x).f32x4Mul().get(x).f32x4Mul().f32x4Const(GELU_A).f32x4Mul().f32x4Add().f32x4Const(GELU_C).f32x4Mul().set(u)
}

/** gelu(pre, out, count), tanh approximation: 0.5·x·(1 + tanh(c·(x + 0.044715·x³))). */
const gelu: VectorKernel = {
  name: 'gelu',
  params: [I32, I32, I32],
  emit(f) {
    const x = f.local(V128)
    const u = f.local(V128)
    const t = f.local(V128)
    elementwise('gelu', [], (g, p, q, s) => {
      g.get(p).v128Load().set(x)
      emitGeluInner(g, x, u)
      emitTanh(g, u, t, s)
      g.get(q).get(x).f32x4Const(0.5).f32x4Mul().get(t).f32x4Const(1).f32x4Add().f32x4Mul().v128Store()
    }).emit(f)
  },
}

/** gelu_grad(pre, grad, count): grad ← grad · gelu′(pre). */
const geluGrad: VectorKernel = {
  name: 'gelu_grad',
  params: [I32, I32, I32],
  emit(f) {
    const x = f.local(V128)
    const u = f.local(V128)
    const t = f.local(V128)
    elementwise('gelu_grad', [], (g, p, q, s) => {
      g.get(p).v128Load().set(x)
      emitGeluInner(g, x, u)
      emitTanh(g, u, t, s)
      // 0.5(1 + t) + 0.5·x·(1 − t²)·c·(1 + 3a·x²)
      g.get(q).get(q).v128Load()
      g.f32x4Const(0.5).get(t).f32x4Const(1).f32x4Add().f32x4Mul()
      g.f32x4Const(0.5).get(x).f32x4Mul().f32x4Const(1).get(t).get(t).f32x4Mul().f32x4Sub().f32x4Mul()
      g.f32x4Const(GELU_C).f32x4Const(3 * GELU_A * GELU_C).get(x).get(x).f32x4Mul().f32x4Mul().f32x4Add().f32x4Mul()
      g.f32x4Add().f32x4Mul().v128Store()
    }).emit(f)
  },
}

/** axpy(y, x, count, a): y ← y + a·x. */
const axpy: VectorKernel = {
  name: 'axpy',
  params: [I32, I32, I32, F32],
  emit(f) {
    const [y, x, count, a] = [0, 1, 2, 3]
    const p = f.local(I32)
    const q = f.local(I32)
    const end = f.local(I32)
    const av = f.local(V128)
    f.get(a).f32x4Splat().set(av)
    f.get(y).set(p)
    f.get(x).set(q)
    setEnd(f, end, y, count, 4)
    loopTo(f, p, end, 16, () => {
      f.get(p).get(p).v128Load().get(q).v128Load().get(av).f32x4Mul().f32x4Add().v128Store()
      f.get(q).i32Const(16).i32Add().set(q)
    })
  },
}

/**
 * adam(p, g, m, v, count, stepSize, beta1, beta2, eps, invC2):
 * m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²; p ← p − stepSize·m / (√(v·invC2) + eps).
 */
const adam: VectorKernel = {
  name: 'adam',
  params: [I32, I32, I32, I32, I32, F32, F32, F32, F32, F32],
  emit(f) {
    const [pp, gp, mp, vp, count, stepSize, b1, b2, eps, invC2] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    const off = f.local(I32)
    const end = f.local(I32)
    const g = f.local(V128)
    const m = f.local(V128)
    const v = f.local(V128)
    const [sS, sB1, sB1c, sB2, sB2c, sEps, sC2] = Array.from({ length: 7 }, () => f.local(V128))
    f.get(stepSize).f32x4Splat().set(sS)
    f.get(b1).f32x4Splat().set(sB1)
    f.f32x4Const(1).get(sB1).f32x4Sub().set(sB1c)
    f.get(b2).f32x4Splat().set(sB2)
    f.f32x4Const(1).get(sB2).f32x4Sub().set(sB2c)
    f.get(eps).f32x4Splat().set(sEps)
    f.get(invC2).f32x4Splat().set(sC2)
    f.i32Const(0).set(off)
    f.get(count).i32Const(2).i32Shl().set(end)
    loopTo(f, off, end, 16, () => {
      f.get(gp).get(off).i32Add().v128Load().set(g)
      f.get(sB1).get(mp).get(off).i32Add().v128Load().f32x4Mul().get(sB1c).get(g).f32x4Mul().f32x4Add().set(m)
      f.get(sB2).get(vp).get(off).i32Add().v128Load().f32x4Mul().get(sB2c).get(g).get(g).f32x4Mul().f32x4Mul().f32x4Add().set(v)
      f.get(mp).get(off).i32Add().get(m).v128Store()
      f.get(vp).get(off).i32Add().get(v).v128Store()
      f.get(pp).get(off).i32Add()
      f.get(pp).get(off).i32Add().v128Load()
      f.get(sS).get(m).f32x4Mul().get(v).get(sC2).f32x4Mul().f32x4Sqrt().get(sEps).f32x4Add().f32x4Div()
      f.f32x4Sub().v128Store()
    })
  },
}

/** mix_rows(dst, rowsA, rowsB, lambdas, rows, ld): dst[i] = λ_i·A[i] + (1 − λ_i)·B[i]; A, B as row-address arrays. */
const mixRows: VectorKernel = {
  name: 'mix_rows',
  params: [I32, I32, I32, I32, I32, I32],
  emit(f) {
    const [dst, ra, rb, lambdas, rows, ld] = [0, 1, 2, 3, 4, 5]
    const i = f.local(I32)
    const q = f.local(I32)
    const a = f.local(I32)
    const b = f.local(I32)
    const end = f.local(I32)
    const lam = f.local(V128)
    const lamC = f.local(V128)
    f.get(dst).set(q)
    f.i32Const(0).set(i)
    f.block().loop()
    f.get(i).get(rows).i32GeS().brIf(1)
    f.get(ra).get(i).i32Const(2).i32Shl().i32Add().i32Load().set(a)
    f.get(rb).get(i).i32Const(2).i32Shl().i32Add().i32Load().set(b)
    f.get(lambdas).get(i).i32Const(2).i32Shl().i32Add().v128Load32Splat().set(lam)
    f.f32x4Const(1).get(lam).f32x4Sub().set(lamC)
    f.get(q).get(ld).i32Const(2).i32Shl().i32Add().set(end)
    loopTo(f, q, end, 16, () => {
      f.get(q).get(a).v128Load().get(lam).f32x4Mul().get(b).v128Load().get(lamC).f32x4Mul().f32x4Add().v128Store()
      f.get(a).i32Const(16).i32Add().set(a)
      f.get(b).i32Const(16).i32Add().set(b)
    })
    f.get(i).i32Const(1).i32Add().set(i)
    f.br(0).end().end()
  },
}

/** gather_rows(dst, rowPtrs, rows, ld): dst row i ← the ld floats at rowPtrs[i] (a contiguous copy of a gathered batch). */
const gatherRows: VectorKernel = {
  name: 'gather_rows',
  params: [I32, I32, I32, I32],
  emit(f) {
    const [dst, rowPtrs, rows, ld] = [0, 1, 2, 3]
    const q = f.local(I32)
    const p = f.local(I32)
    const pEnd = f.local(I32)
    const a = f.local(I32)
    const end = f.local(I32)
    f.get(dst).set(q)
    f.get(rowPtrs).set(p)
    f.get(rowPtrs).get(rows).i32Const(2).i32Shl().i32Add().set(pEnd)
    f.block().loop()
    f.get(p).get(pEnd).i32GeU().brIf(1)
    f.get(p).i32Load().set(a)
    f.get(q).get(ld).i32Const(2).i32Shl().i32Add().set(end)
    loopTo(f, q, end, 16, () => {
      f.get(q).get(a).v128Load().v128Store()
      f.get(a).i32Const(16).i32Add().set(a)
    })
    f.get(p).i32Const(4).i32Add().set(p)
    f.br(0).end().end()
  },
}

export const VECTOR_KERNELS: readonly VectorKernel[] = [
  standardize,
  moments,
  addBias,
  colSums,
  relu,
  reluGrad,
  gelu,
  geluGrad,
  axpy,
  adam,
  mixRows,
  gatherRows,
]
