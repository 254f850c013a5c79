// Vectorised exp and log for f32x4, emitted inline into kernels (WebAssembly has neither).
// Range reduction and minimax polynomials after Cephes expf/logf (S. Moshier): about 1–2 ulp
// over the ranges used here, checked against Math.exp/Math.log in the tests.

import { V128, type FunctionBuilder } from './wasm-emitter'

/** Scratch v128 locals shared by the math emitters of one function. */
export interface MathScratch {
  t: [number, number, number, number, number, number]
}

export function mathScratch(f: FunctionBuilder): MathScratch {
  return { t: [f.local(V128), f.local(V128), f.local(V128), f.local(V128), f.local(V128), f.local(V128)] }
}

function horner(f: FunctionBuilder, x: number, coeffs: readonly number[]): void {
  f.f32x4Const(coeffs[0])
  for (let i = 1; i < coeffs.length; i++) f.get(x).f32x4Mul().f32x4Const(coeffs[i]).f32x4Add()
}

const EXP_POLY = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1]
const LOG_POLY = [
  7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1, -1.6668057665e-1, 2.0000714765e-1,
  -2.4999993993e-1, 3.3333331174e-1,
]
const LN2_HI = 0.693359375
const LN2_LO = -2.12194440e-4

/** out ← e^x, x clamped to [−87, 88] (so results stay normal and finite). Uses t[0..2]. */
export function emitExp(f: FunctionBuilder, x: number, out: number, s: MathScratch): void {
  const [r, n, p] = s.t
  f.get(x).f32x4Const(-87).f32x4Max().f32x4Const(88).f32x4Min().set(r)
  f.get(r).f32x4Const(Math.LOG2E).f32x4Mul().f32x4Nearest().set(n)
  f.get(r).get(n).f32x4Const(LN2_HI).f32x4Mul().f32x4Sub().get(n).f32x4Const(LN2_LO).f32x4Mul().f32x4Sub().set(r)
  horner(f, r, EXP_POLY)
  f.get(r).get(r).f32x4Mul().f32x4Mul().get(r).f32x4Add().f32x4Const(1).f32x4Add().set(p)
  // 2^n assembled in the exponent field
  f.get(p).get(n).i32x4TruncSatF32x4S().i32x4Const(127).i32x4Add().i32Const(23).i32x4Shl().f32x4Mul().set(out)
}

/** out ← ln x for positive normal x. Uses t[0..3]. */
export function emitLog(f: FunctionBuilder, x: number, out: number, s: MathScratch): void {
  const [e, m, mask, z] = s.t
  f.get(x).i32Const(23).i32x4ShrS().i32x4Const(126).i32x4Sub().set(e)
  f.get(x).i32x4Const(0x807fffff | 0).v128And().i32x4Const(0x3f000000).v128Or().set(m)
  f.get(m).f32x4Const(Math.SQRT1_2).f32x4Lt().set(mask)
  f.get(e).get(mask).i32x4Add().f32x4ConvertI32x4S().set(e)
  f.get(m).f32x4Const(1).f32x4Sub().get(m).get(mask).v128And().f32x4Add().set(m)
  f.get(m).get(m).f32x4Mul().set(z)
  horner(f, m, LOG_POLY)
  f.get(m).f32x4Mul().get(z).f32x4Mul()
  f.get(e).f32x4Const(LN2_LO).f32x4Mul().f32x4Add()
  f.get(z).f32x4Const(0.5).f32x4Mul().f32x4Sub()
  f.get(m).f32x4Add()
  f.get(e).f32x4Const(LN2_HI).f32x4Mul().f32x4Add()
  f.set(out)
}

/** out ← ln(1 + x) for x ≥ 0, accurate for tiny x (x·ln(u)/(u − 1) with u = 1 + x). Uses t[0..5]. */
export function emitLog1p(f: FunctionBuilder, x: number, out: number, s: MathScratch): void {
  const u = s.t[4]
  const l = s.t[5]
  f.get(x).f32x4Const(1).f32x4Add().set(u)
  emitLog(f, u, l, s)
  f.get(x)
  f.get(l).get(x).f32x4Mul().get(u).f32x4Const(1).f32x4Sub().f32x4Div()
  f.get(u).f32x4Const(1).f32x4Eq()
  f.v128Bitselect().set(out)
}
