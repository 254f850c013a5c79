// Row-wise kernels of classifier outputs: losses with their gradients (training) and
// probabilities (scoring), using the vectorised exp/log of simd-math.

import { emitHsum, emitLaneMask, loopTo, type VectorKernel } from './kernel-helpers'
import { emitExp, emitLog1p, mathScratch } from './simd-math'
import { F32, I32, V128 } from './wasm-emitter'

/**
 * bce_grad(z, y, rows, cp, wpos, wneg, grad, scale, lossOut): multi-label loss and gradient over
 * rows × cp (z, y, grad share the stride cp; padded classes carry zero weights).
 * loss = Σ (wp + wn)·softplus(z) − wp·z with wp = wpos·y, wn = wneg·(1 − y), added as float64 to
 * *lossOut; grad = scale·(σ(z)·(wp + wn) − wp).
 */
const bceGrad: VectorKernel = {
  name: 'bce_grad',
  params: [I32, I32, I32, I32, I32, I32, I32, F32, I32],
  emit(f) {
    const [zp, yp, rows, cp, wpos, wneg, gp, scale, lossOut] = [0, 1, 2, 3, 4, 5, 6, 7, 8]
    const s = mathScratch(f)
    const off = f.local(I32)
    const end = f.local(I32)
    const rowEnd = f.local(I32)
    const j = f.local(I32)
    const z = f.local(V128)
    const e = f.local(V128)
    const sp = f.local(V128)
    const wp = f.local(V128)
    const wsum = f.local(V128)
    const lossAcc = f.local(V128)
    const sc = f.local(V128)
    f.get(scale).f32x4Splat().set(sc)
    f.i32Const(0).set(off)
    f.get(rows).get(cp).i32Mul().i32Const(2).i32Shl().set(end)
    f.block().loop()
    f.get(off).get(end).i32GeU().brIf(1)
    f.get(off).get(cp).i32Const(2).i32Shl().i32Add().set(rowEnd)
    f.i32Const(0).set(j)
    f.v128Zero().set(lossAcc)
    loopTo(f, off, rowEnd, 16, () => {
      f.get(zp).get(off).i32Add().v128Load().set(z)
      f.get(z).f32x4Abs().f32x4Neg().set(e)
      emitExp(f, e, e, s) // e = exp(−|z|)
      emitLog1p(f, e, sp, s)
      f.get(sp).get(z).v128Zero().f32x4Max().f32x4Add().set(sp) // softplus(z)
      f.get(wpos).get(j).i32Add().v128Load().get(yp).get(off).i32Add().v128Load().f32x4Mul().set(wp)
      f.get(wneg).get(j).i32Add().v128Load().f32x4Const(1).get(yp).get(off).i32Add().v128Load().f32x4Sub().f32x4Mul().get(wp).f32x4Add().set(wsum)
      f.get(lossAcc).get(wsum).get(sp).f32x4Mul().get(wp).get(z).f32x4Mul().f32x4Sub().f32x4Add().set(lossAcc)
      // σ(z) = (z ≥ 0 ? 1 : e) / (1 + e)
      f.get(gp).get(off).i32Add()
      f.f32x4Const(1).get(e).get(z).v128Zero().f32x4Ge().v128Bitselect().f32x4Const(1).get(e).f32x4Add().f32x4Div()
      f.get(wsum).f32x4Mul().get(wp).f32x4Sub().get(sc).f32x4Mul().v128Store()
      f.get(j).i32Const(16).i32Add().set(j)
    })
    f.get(lossOut).get(lossOut).f64Load().get(lossAcc).f64x2PromoteLowF32x4().f64x2ExtractLane(0)
    f.get(lossAcc).f64x2PromoteLowF32x4().f64x2ExtractLane(1).f64Add()
    f.get(lossAcc).f32x4ExtractLane(2).f64PromoteF32().f64Add().get(lossAcc).f32x4ExtractLane(3).f64PromoteF32().f64Add()
    f.f64Add().f64Store()
    f.br(0).end().end()
  },
}

/**
 * softmax_grad(z, y, rows, cp, classes, w, grad, scale, lossOut): multi-class loss and gradient.
 * Per row: p = softmax over the first `classes` logits; loss = Σ_c w_c·y_c·(logΣe^z − z_c), added
 * as float64 to *lossOut; grad_c = scale·((Σ_k w_k·y_k)·p_c − w_c·y_c), 0 on padded columns.
 */
const softmaxGrad: VectorKernel = {
  name: 'softmax_grad',
  params: [I32, I32, I32, I32, I32, I32, I32, F32, I32],
  emit(f) {
    const [zp, yp, rows, cp, classes, wp, gp, scale, lossOut] = [0, 1, 2, 3, 4, 5, 6, 7, 8]
    const s = mathScratch(f)
    const row = f.local(I32)
    const base = f.local(I32)
    const j = f.local(I32)
    const jb = f.local(I32)
    const mask = f.local(V128)
    const mx = f.local(V128)
    const sum = f.local(V128)
    const wy = f.local(V128)
    const v = f.local(V128)
    const logSum = f.local(V128)
    const loss = f.local(V128)
    const rowLoop = (body: () => void): void => {
      f.i32Const(0).set(j)
      f.block().loop()
      f.get(j).get(cp).i32GeS().brIf(1)
      f.get(j).i32Const(2).i32Shl().set(jb)
      emitLaneMask(f, j, classes)
      f.set(mask)
      body()
      f.get(j).i32Const(4).i32Add().set(j)
      f.br(0).end().end()
    }
    f.i32Const(0).set(row)
    f.block().loop()
    f.get(row).get(rows).i32GeS().brIf(1)
    f.get(row).get(cp).i32Mul().i32Const(2).i32Shl().set(base)
    // max over valid lanes
    f.f32x4Const(-Infinity).set(mx)
    rowLoop(() => {
      f.get(mx).get(zp).get(base).i32Add().get(jb).i32Add().v128Load().f32x4Const(-Infinity).get(mask).v128Bitselect().f32x4Max().set(mx)
    })
    f.get(mx).f32x4ExtractLane(0).get(mx).f32x4ExtractLane(1).f32Max().get(mx).f32x4ExtractLane(2).f32Max().get(mx).f32x4ExtractLane(3).f32Max()
    f.f32x4Splat().set(mx)
    // e = exp(z − max) on valid lanes, kept in grad; Σe and Σ w·y
    f.v128Zero().set(sum)
    f.v128Zero().set(wy)
    rowLoop(() => {
      f.get(zp).get(base).i32Add().get(jb).i32Add().v128Load().get(mx).f32x4Sub().set(v)
      emitExp(f, v, v, s)
      f.get(v).get(mask).v128And().set(v)
      f.get(gp).get(base).i32Add().get(jb).i32Add().get(v).v128Store()
      f.get(sum).get(v).f32x4Add().set(sum)
      f.get(wy).get(wp).get(jb).i32Add().v128Load().get(yp).get(base).i32Add().get(jb).i32Add().v128Load().f32x4Mul().f32x4Add().set(wy)
    })
    emitHsum(f, sum)
    f.f32x4Splat().set(sum)
    emitHsum(f, wy)
    f.f32x4Splat().set(wy)
    // logΣe^z = max + ln Σe (ln via log1p(Σe − 1), Σe ≥ 1)
    f.get(sum).f32x4Const(1).f32x4Sub().set(v)
    emitLog1p(f, v, logSum, s)
    f.get(logSum).get(mx).f32x4Add().set(logSum)
    f.v128Zero().set(loss)
    rowLoop(() => {
      // v = w·y
      f.get(wp).get(jb).i32Add().v128Load().get(yp).get(base).i32Add().get(jb).i32Add().v128Load().f32x4Mul().set(v)
      f.get(loss).get(v).get(logSum).get(zp).get(base).i32Add().get(jb).i32Add().v128Load().f32x4Sub().f32x4Mul().f32x4Add().set(loss)
      f.get(gp).get(base).i32Add().get(jb).i32Add()
      f.get(gp).get(base).i32Add().get(jb).i32Add().v128Load().get(sum).f32x4Div().get(wy).f32x4Mul().get(v).f32x4Sub()
      f.get(scale).f32x4Splat().f32x4Mul().get(mask).v128And().v128Store()
    })
    f.get(lossOut).get(lossOut).f64Load()
    emitHsum(f, loss)
    f.f64PromoteF32().f64Add().f64Store()
    f.get(row).i32Const(1).i32Add().set(row)
    f.br(0).end().end()
  },
}

/**
 * sigmoid_rows(z, ldz, rows, cols, out, ldo): out[i, c] = σ(z[i, c]) for c < cols; ldz a
 * multiple of 4, ldo any (lanes past cols are not written).
 */
const sigmoidRows: VectorKernel = {
  name: 'sigmoid_rows',
  params: [I32, I32, I32, I32, I32, I32],
  emit(f) {
    const [zp, ldz, rows, cols, op, ldo] = [0, 1, 2, 3, 4, 5]
    const s = mathScratch(f)
    const row = f.local(I32)
    const zr = f.local(I32)
    const orow = f.local(I32)
    const j = f.local(I32)
    const z = f.local(V128)
    const e = f.local(V128)
    const fullEnd = f.local(I32)
    f.get(cols).i32Const(~3).i32And().set(fullEnd)
    f.i32Const(0).set(row)
    f.block().loop()
    f.get(row).get(rows).i32GeS().brIf(1)
    f.get(zp).get(row).get(ldz).i32Mul().i32Const(2).i32Shl().i32Add().set(zr)
    f.get(op).get(row).get(ldo).i32Mul().i32Const(2).i32Shl().i32Add().set(orow)
    f.i32Const(0).set(j)
    const sigmoidAt = (): void => {
      f.get(zr).get(j).i32Const(2).i32Shl().i32Add().v128Load().set(z)
      f.get(z).f32x4Abs().f32x4Neg().set(e)
      emitExp(f, e, e, s)
      f.f32x4Const(1).get(e).get(z).v128Zero().f32x4Ge().v128Bitselect().f32x4Const(1).get(e).f32x4Add().f32x4Div().set(z)
    }
    f.block().loop()
    f.get(j).get(fullEnd).i32GeS().brIf(1)
    sigmoidAt()
    f.get(orow).get(j).i32Const(2).i32Shl().i32Add().get(z).v128Store()
    f.get(j).i32Const(4).i32Add().set(j)
    f.br(0).end().end()
    f.get(j).get(cols).i32LtS().if()
    sigmoidAt()
    for (let lane = 0; lane < 3; lane++) {
      f.get(j).i32Const(lane).i32Add().get(cols).i32LtS().if()
      f.get(orow).get(j).i32Const(2).i32Shl().i32Add().get(z).f32x4ExtractLane(lane).f32Store(4 * lane)
      f.end()
    }
    f.end()
    f.get(row).i32Const(1).i32Add().set(row)
    f.br(0).end().end()
  },
}

/** softmax_rows(z, ldz, rows, cols, out, ldo): out[i, :cols] = softmax(z[i, :cols]). */
const softmaxRows: VectorKernel = {
  name: 'softmax_rows',
  params: [I32, I32, I32, I32, I32, I32],
  emit(f) {
    const [zp, ldz, rows, cols, op, ldo] = [0, 1, 2, 3, 4, 5]
    const s = mathScratch(f)
    const row = f.local(I32)
    const zr = f.local(I32)
    const orow = f.local(I32)
    const j = f.local(I32)
    const mask = f.local(V128)
    const mx = f.local(V128)
    const sum = f.local(V128)
    const v = f.local(V128)
    const rowLoop = (body: () => void): void => {
      f.i32Const(0).set(j)
      f.block().loop()
      f.get(j).get(cols).i32GeS().brIf(1)
      emitLaneMask(f, j, cols)
      f.set(mask)
      body()
      f.get(j).i32Const(4).i32Add().set(j)
      f.br(0).end().end()
    }
    const zAt = (): void => {
      f.get(zr).get(j).i32Const(2).i32Shl().i32Add().v128Load()
    }
    f.i32Const(0).set(row)
    f.block().loop()
    f.get(row).get(rows).i32GeS().brIf(1)
    f.get(zp).get(row).get(ldz).i32Mul().i32Const(2).i32Shl().i32Add().set(zr)
    f.get(op).get(row).get(ldo).i32Mul().i32Const(2).i32Shl().i32Add().set(orow)
    f.f32x4Const(-Infinity).set(mx)
    rowLoop(() => {
      f.get(mx)
      zAt()
      f.f32x4Const(-Infinity).get(mask).v128Bitselect().f32x4Max().set(mx)
    })
    f.get(mx).f32x4ExtractLane(0).get(mx).f32x4ExtractLane(1).f32Max().get(mx).f32x4ExtractLane(2).f32Max().get(mx).f32x4ExtractLane(3).f32Max()
    f.f32x4Splat().set(mx)
    f.v128Zero().set(sum)
    rowLoop(() => {
      zAt()
      f.get(mx).f32x4Sub().set(v)
      emitExp(f, v, v, s)
      f.get(sum).get(v).get(mask).v128And().f32x4Add().set(sum)
    })
    emitHsum(f, sum)
    f.f32x4Splat().set(sum)
    rowLoop(() => {
      zAt()
      f.get(mx).f32x4Sub().set(v)
      emitExp(f, v, v, s)
      f.get(v).get(sum).f32x4Div().set(v)
      for (let lane = 0; lane < 4; lane++) {
        f.get(j).i32Const(lane).i32Add().get(cols).i32LtS().if()
        f.get(orow).get(j).i32Const(2).i32Shl().i32Add().get(v).f32x4ExtractLane(lane).f32Store(4 * lane)
        f.end()
      }
    })
    f.get(row).i32Const(1).i32Add().set(row)
    f.br(0).end().end()
  },
}

export const LOSS_KERNELS: readonly VectorKernel[] = [bceGrad, softmaxGrad, sigmoidRows, softmaxRows]
