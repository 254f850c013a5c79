// Small emitters shared by the kernel files.

import { emitExp, type MathScratch } from './simd-math'
import type { FunctionBuilder, ValType } from './wasm-emitter'

/** A kernel: export name, parameter types and its body emitter. */
export interface VectorKernel {
  name: string
  params: readonly ValType[]
  emit: (f: FunctionBuilder) => void
}

/** while (p < end) { body(); p += step } with p, end locals (unsigned compare). */
export function loopTo(f: FunctionBuilder, p: number, end: number, step: number, body: () => void): void {
  f.block().loop()
  f.get(p).get(end).i32GeU().brIf(1)
  body()
  f.get(p).i32Const(step).i32Add().set(p)
  f.br(0).end().end()
}

/** end ← base + count·scale (bytes). */
export function setEnd(f: FunctionBuilder, end: number, base: number, count: number, scale: number): void {
  f.get(base).get(count).i32Const(scale).i32Mul().i32Add().set(end)
}

/** Lane mask (all ones) of lanes j..j+3 that are < limit; j, limit are i32 locals. */
export function emitLaneMask(f: FunctionBuilder, j: number, limit: number): void {
  f.i32x4Lanes([0, 1, 2, 3]).get(j).i32x4Splat().i32x4Add().get(limit).i32x4Splat().i32x4LtS()
}

/** Sum of the 4 lanes of a v128 local as f32. */
export function emitHsum(f: FunctionBuilder, v: number): void {
  f.get(v).f32x4ExtractLane(0).get(v).f32x4ExtractLane(1).f32Add().get(v).f32x4ExtractLane(2).f32Add().get(v).f32x4ExtractLane(3).f32Add()
}

/** tanh(u) = 1 − 2/(e^{2u} + 1), which saturates cleanly at ±1. */
export function emitTanh(f: FunctionBuilder, u: number, out: number, s: MathScratch): void {
  f.get(u).f32x4Const(2).f32x4Mul().set(out)
  emitExp(f, out, out, s)
  f.f32x4Const(1).f32x4Const(2).get(out).f32x4Const(1).f32x4Add().f32x4Div().f32x4Sub().set(out)
}

