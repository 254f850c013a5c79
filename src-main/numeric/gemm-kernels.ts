// f32 matrix-product kernels (see gemm.ts for the layouts and how calls are planned).
// Register tiles of mr rows × nv four-float vectors, accumulating with separate mul and add
// (WebAssembly SIMD has no fused multiply-add), so results do not depend on the CPU.

import { I32, V128, type FunctionBuilder } from './wasm-emitter'

const K_UNROLL = 4

/**
 * C[i, 0:4nv] (+)= Σ_k A[i, k] · Bp[k, 0:4nv] for rows i in [0, rows), rows a multiple of mr.
 * Params: rowPtrs (i32 array of row addresses of A), rows, bPanel (K × 4nv floats, contiguous),
 * c, ldcBytes, kLen, accumulate (0: store, else add into C).
 */
export function emitNN(f: FunctionBuilder, mr: number, nv: number): void {
  const [rowPtrs, rows, bPanel, c, ldc, kLen, accumulate] = [0, 1, 2, 3, 4, 5, 6]
  const p = f.local(I32)
  const pEnd = f.local(I32)
  const cRow = f.local(I32)
  const bp = f.local(I32)
  const bEnd = f.local(I32)
  const bEndU = f.local(I32)
  const r = Array.from({ length: mr }, () => f.local(I32))
  const acc = Array.from({ length: mr * nv }, () => f.local(V128))
  const bv = Array.from({ length: nv }, () => f.local(V128))
  const a = f.local(V128)
  const panelStride = 16 * nv

  f.get(bPanel).get(kLen).i32Const(panelStride).i32Mul().i32Add().set(bEnd)
  f.get(bPanel).get(kLen).i32Const(~(K_UNROLL - 1)).i32And().i32Const(panelStride).i32Mul().i32Add().set(bEndU)
  f.get(rowPtrs).get(rows).i32Const(2).i32Shl().i32Add().set(pEnd)
  f.get(rowPtrs).set(p)
  f.get(c).set(cRow)

  // B's vectors are held in locals across the mr rows: measured faster than reloading them
  const body = (u: number): void => {
    for (let v = 0; v < nv; v++) f.get(bp).v128Load(panelStride * u + 16 * v).set(bv[v])
    for (let i = 0; i < mr; i++) {
      f.get(r[i]).v128Load32Splat(4 * u).set(a)
      for (let v = 0; v < nv; v++) f.get(acc[i * nv + v]).get(a).get(bv[v]).f32x4Mul().f32x4Add().set(acc[i * nv + v])
    }
  }

  f.block().loop()
  f.get(p).get(pEnd).i32GeU().brIf(1)
  for (let i = 0; i < mr; i++) f.get(p).i32Load(4 * i).set(r[i])
  for (const x of acc) f.v128Zero().set(x)
  f.get(bPanel).set(bp)
  // k loop, unrolled
  f.block().loop()
  f.get(bp).get(bEndU).i32GeU().brIf(1)
  for (let u = 0; u < K_UNROLL; u++) body(u)
  for (const x of r) f.get(x).i32Const(4 * K_UNROLL).i32Add().set(x)
  f.get(bp).i32Const(panelStride * K_UNROLL).i32Add().set(bp)
  f.br(0).end().end()
  // k remainder
  f.block().loop()
  f.get(bp).get(bEnd).i32GeU().brIf(1)
  body(0)
  for (const x of r) f.get(x).i32Const(4).i32Add().set(x)
  f.get(bp).i32Const(panelStride).i32Add().set(bp)
  f.br(0).end().end()
  // write the tile
  f.get(accumulate).if()
  for (let i = 0; i < mr; i++) {
    for (let v = 0; v < nv; v++) f.get(cRow).get(cRow).v128Load(16 * v).get(acc[i * nv + v]).f32x4Add().v128Store(16 * v)
    f.get(cRow).get(ldc).i32Add().set(cRow)
  }
  f.else()
  for (let i = 0; i < mr; i++) {
    for (let v = 0; v < nv; v++) f.get(cRow).get(acc[i * nv + v]).v128Store(16 * v)
    f.get(cRow).get(ldc).i32Add().set(cRow)
  }
  f.end()
  f.get(p).i32Const(4 * mr).i32Add().set(p)
  f.br(0).end().end()
}

/**
 * C[k, 0:4nv] (+)= Σ_m A[m, k] · G[m, 0:4nv] for k in tiles of mr rows starting at kOffBytes/4.
 * Params: rowPtrs (row addresses of A, one per m), mCount, kOffBytes, kTiles, g (G at the panel's
 * first column), ldgBytes, c (C at row kOffBytes/4, the panel's first column), ldcBytes, accumulate.
 */
export function emitTN(f: FunctionBuilder, mr: number, nv: number): void {
  const [rowPtrs, mCount, kOff, kTiles, g, ldg, c, ldc, accumulate] = [0, 1, 2, 3, 4, 5, 6, 7, 8]
  const t = f.local(I32)
  const p = f.local(I32)
  const pEnd = f.local(I32)
  const gp = f.local(I32)
  const rp = f.local(I32)
  const cRow = f.local(I32)
  const koff = f.local(I32)
  const acc = Array.from({ length: mr * nv }, () => f.local(V128))
  const gv = Array.from({ length: nv }, () => f.local(V128))
  const a = f.local(V128)

  f.get(rowPtrs).get(mCount).i32Const(2).i32Shl().i32Add().set(pEnd)
  f.get(c).set(cRow)
  f.get(kOff).set(koff)
  f.i32Const(0).set(t)
  f.block().loop()
  f.get(t).get(kTiles).i32GeS().brIf(1)
  for (const x of acc) f.v128Zero().set(x)
  f.get(rowPtrs).set(p)
  f.get(g).set(gp)
  f.block().loop()
  f.get(p).get(pEnd).i32GeU().brIf(1)
  f.get(p).i32Load().get(koff).i32Add().set(rp)
  for (let v = 0; v < nv; v++) f.get(gp).v128Load(16 * v).set(gv[v])
  for (let i = 0; i < mr; i++) {
    f.get(rp).v128Load32Splat(4 * i).set(a)
    for (let v = 0; v < nv; v++) f.get(acc[i * nv + v]).get(a).get(gv[v]).f32x4Mul().f32x4Add().set(acc[i * nv + v])
  }
  f.get(p).i32Const(4).i32Add().set(p)
  f.get(gp).get(ldg).i32Add().set(gp)
  f.br(0).end().end()
  f.get(accumulate).if()
  for (let i = 0; i < mr; i++) {
    for (let v = 0; v < nv; v++) f.get(cRow).get(cRow).v128Load(16 * v).get(acc[i * nv + v]).f32x4Add().v128Store(16 * v)
    f.get(cRow).get(ldc).i32Add().set(cRow)
  }
  f.else()
  for (let i = 0; i < mr; i++) {
    for (let v = 0; v < nv; v++) f.get(cRow).get(acc[i * nv + v]).v128Store(16 * v)
    f.get(cRow).get(ldc).i32Add().set(cRow)
  }
  f.end()
  f.get(koff).i32Const(4 * mr).i32Add().set(koff)
  f.get(t).i32Const(1).i32Add().set(t)
  f.br(0).end().end()
}
