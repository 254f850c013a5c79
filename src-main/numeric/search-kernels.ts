// Kernels of the search index: per-row int8 quantisation of unit-normalised embeddings, and
// approximate scores of int8 rows against an int16 query with i32x4.dot_i16x8_s.

import { F32, I32, V128, type FunctionBuilder } from './wasm-emitter'

/**
 * Approximate cosine scores of int8 rows against an int16 query:
 * out[i] = f32(Σ_e codes[i, e] · q[e]) · scales[i] · qScale.
 * Params: jobList (i32 quadruples: codes, rows, scales, out), jobCount, q (int16, dimPad values),
 * dimPad (a multiple of 32: bytes per code row), qScale (f32).
 */
export function emitInt8Scores(f: FunctionBuilder): void {
  const [jobList, jobCount, q, dimPad, qScale] = [0, 1, 2, 3, 4]
  const job = f.local(I32)
  const jobEnd = f.local(I32)
  const codes = f.local(I32)
  const rowsEnd4 = f.local(I32)
  const rowsEnd = f.local(I32)
  const i = f.local(I32)
  const scales = f.local(I32)
  const out = f.local(I32)
  const qp = f.local(I32)
  const qEnd = f.local(I32)
  const cp = Array.from({ length: 4 }, () => f.local(I32))
  const acc = Array.from({ length: 8 }, () => f.local(V128))
  const qv = Array.from({ length: 4 }, () => f.local(V128))
  const sum = f.local(V128)

  const hsumToScore = (accA: number, accB: number, rowOffset: number): void => {
    // out[i + rowOffset] = f32(hsum(accA + accB)) * scales[i + rowOffset] * qScale
    f.get(accA).get(accB).i32x4Add().set(sum)
    f.get(out).get(i).i32Const(2).i32Shl().i32Add()
    f.get(sum).i32x4ExtractLane(0).get(sum).i32x4ExtractLane(1).i32Add()
    f.get(sum).i32x4ExtractLane(2).i32Add().get(sum).i32x4ExtractLane(3).i32Add()
    f.f32ConvertI32S()
    f.get(scales).get(i).i32Const(2).i32Shl().i32Add().f32Load(4 * rowOffset).f32Mul()
    f.get(qScale).f32Mul()
    f.f32Store(4 * rowOffset)
  }

  const rowGroup = (nrows: number): void => {
    for (let r = 0; r < nrows; r++) {
      f.get(codes).get(i).get(dimPad).i32Mul().i32Add()
      if (r > 0) f.get(dimPad).i32Const(r).i32Mul().i32Add()
      f.set(cp[r])
    }
    for (let r = 0; r < 2 * nrows; r++) f.v128Zero().set(acc[r])
    f.get(q).set(qp)
    f.block().loop()
    f.get(qp).get(qEnd).i32GeU().brIf(1)
    for (let v = 0; v < 4; v++) f.get(qp).v128Load(16 * v).set(qv[v])
    for (let r = 0; r < nrows; r++) {
      for (let v = 0; v < 4; v++) {
        const a = acc[2 * r + (v & 1)]
        f.get(a).get(cp[r]).v128Load8x8S(8 * v).get(qv[v]).i32x4DotI16x8S().i32x4Add().set(a)
      }
      f.get(cp[r]).i32Const(32).i32Add().set(cp[r])
    }
    f.get(qp).i32Const(64).i32Add().set(qp)
    f.br(0).end().end()
    for (let r = 0; r < nrows; r++) hsumToScore(acc[2 * r], acc[2 * r + 1], r)
  }

  f.get(q).get(dimPad).i32Const(1).i32Shl().i32Add().set(qEnd)
  f.get(jobList).set(job)
  f.get(jobList).get(jobCount).i32Const(4).i32Shl().i32Add().set(jobEnd)
  f.block().loop()
  f.get(job).get(jobEnd).i32GeU().brIf(1)
  f.get(job).i32Load(0).set(codes)
  f.get(job).i32Load(4).set(rowsEnd)
  f.get(job).i32Load(8).set(scales)
  f.get(job).i32Load(12).set(out)
  f.get(rowsEnd).i32Const(~3).i32And().set(rowsEnd4)
  f.i32Const(0).set(i)
  f.block().loop()
  f.get(i).get(rowsEnd4).i32GeS().brIf(1)
  rowGroup(4)
  f.get(i).i32Const(4).i32Add().set(i)
  f.br(0).end().end()
  f.block().loop()
  f.get(i).get(rowsEnd).i32GeS().brIf(1)
  rowGroup(1)
  f.get(i).i32Const(1).i32Add().set(i)
  f.br(0).end().end()
  f.get(job).i32Const(16).i32Add().set(job)
  f.br(0).end().end()
}


/**
 * quantize_rows(src, rows, dimPad, codes, scales, resid): for each float32 row v (dimPad values,
 * a multiple of 16, zero-padded), with x = v/|v| and s = max|x|/127:
 * codes = round(x/s) ∈ [−127, 127] as int8, scales = s, resid = |x − s·codes| (float32 sums).
 * A zero row gets zero codes, scale 0 and residual 0.
 */
export function emitQuantizeRows(f: FunctionBuilder): void {
  const [src, rows, dimPad, codes, scales, resid] = [0, 1, 2, 3, 4, 5]
  const i = f.local(I32)
  const p = f.local(I32)
  const end = f.local(I32)
  const c = f.local(I32)
  const ss = f.local(V128)
  const mx = f.local(V128)
  const v = f.local(V128)
  const r2 = f.local(V128)
  const inv = f.local(V128)
  const sc = f.local(V128)
  const qinv = f.local(V128)
  const y = Array.from({ length: 4 }, () => f.local(V128))
  const norm = f.local(F32)
  const maxAbs = f.local(F32)
  const scale = f.local(F32)

  f.i32Const(0).set(i)
  f.block().loop()
  f.get(i).get(rows).i32GeS().brIf(1)
  f.get(src).get(i).get(dimPad).i32Mul().i32Const(2).i32Shl().i32Add().set(p)
  f.get(p).get(dimPad).i32Const(2).i32Shl().i32Add().set(end)
  f.v128Zero().set(ss)
  f.v128Zero().set(mx)
  f.block().loop()
  f.get(p).get(end).i32GeU().brIf(1)
  f.get(p).v128Load().set(v)
  f.get(ss).get(v).get(v).f32x4Mul().f32x4Add().set(ss)
  f.get(mx).get(v).f32x4Abs().f32x4Max().set(mx)
  f.get(p).i32Const(16).i32Add().set(p)
  f.br(0).end().end()
  f.get(ss).f32x4ExtractLane(0).get(ss).f32x4ExtractLane(1).f32Add().get(ss).f32x4ExtractLane(2).f32Add().get(ss).f32x4ExtractLane(3).f32Add().f32Sqrt().set(norm)
  f.get(mx).f32x4ExtractLane(0).get(mx).f32x4ExtractLane(1).f32Max().get(mx).f32x4ExtractLane(2).f32Max().get(mx).f32x4ExtractLane(3).f32Max().set(maxAbs)
  f.get(src).get(i).get(dimPad).i32Mul().i32Const(2).i32Shl().i32Add().set(p)
  f.get(codes).get(i).get(dimPad).i32Mul().i32Add().set(c)
  f.get(maxAbs).f32Const(0).f32Eq().if()
  // zero row
  f.get(scales).get(i).i32Const(2).i32Shl().i32Add().f32Const(0).f32Store()
  f.get(resid).get(i).i32Const(2).i32Shl().i32Add().f32Const(0).f32Store()
  f.block().loop()
  f.get(p).get(end).i32GeU().brIf(1)
  f.get(c).v128Zero().v128Store()
  f.get(c).i32Const(16).i32Add().set(c)
  f.get(p).i32Const(64).i32Add().set(p)
  f.br(0).end().end()
  f.else()
  f.f32Const(1).get(norm).f32Div().f32x4Splat().set(inv)
  f.get(maxAbs).get(norm).f32Div().f32Const(127).f32Div().set(scale)
  f.get(scale).f32x4Splat().set(sc)
  f.f32Const(127).get(maxAbs).f32Div().f32x4Splat().set(qinv)
  f.v128Zero().set(r2)
  f.block().loop()
  f.get(p).get(end).i32GeU().brIf(1)
  for (let k = 0; k < 4; k++) {
    f.get(p).v128Load(16 * k).set(v)
    f.get(v).get(qinv).f32x4Mul().f32x4Const(-127).f32x4Max().f32x4Const(127).f32x4Min().f32x4Nearest().set(y[k])
    // residual of the unit vector: v/|v| − s·code
    f.get(r2).get(v).get(inv).f32x4Mul().get(y[k]).get(sc).f32x4Mul().f32x4Sub().set(v)
    f.get(v).get(v).f32x4Mul().f32x4Add().set(r2)
  }
  f.get(c)
  f.get(y[0]).i32x4TruncSatF32x4S().get(y[1]).i32x4TruncSatF32x4S().i16x8NarrowI32x4S()
  f.get(y[2]).i32x4TruncSatF32x4S().get(y[3]).i32x4TruncSatF32x4S().i16x8NarrowI32x4S()
  f.i8x16NarrowI16x8S().v128Store()
  f.get(c).i32Const(16).i32Add().set(c)
  f.get(p).i32Const(64).i32Add().set(p)
  f.br(0).end().end()
  f.get(scales).get(i).i32Const(2).i32Shl().i32Add().get(scale).f32Store()
  f.get(resid).get(i).i32Const(2).i32Shl().i32Add()
  f.get(r2).f32x4ExtractLane(0).get(r2).f32x4ExtractLane(1).f32Add().get(r2).f32x4ExtractLane(2).f32Add().get(r2).f32x4ExtractLane(3).f32Add().f32Sqrt()
  f.f32Store()
  f.end()
  f.get(i).i32Const(1).i32Add().set(i)
  f.br(0).end().end()
}
