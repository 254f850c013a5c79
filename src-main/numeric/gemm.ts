// Plans f32 matrix products as kernel calls split across threads.
//
// Layouts (all inside a ComputeContext's memory, sizes in floats unless named Bytes):
// - "rows": an int32 array of row byte addresses; row i of A starts at rowPtrs[i]. A mini-batch
//   gathered by index and a dense matrix are both described this way.
// - "dense": row-major with a leading dimension `ld`.
// - "packed": a K × N matrix cut into column panels of 4·nv columns (nv ∈ 1..3), each panel stored
//   K × 4nv contiguously. The NN kernel reads B in this form, the TN kernel can write its output in
//   it, so weights live packed and their gradients come out packed too.
// Products are deterministic and independent of the thread count: every output element is summed
// by one thread in a fixed order.

import type { KernelCall } from './compute-context'
import { nnKernelName, tnKernelName } from './kernels'

export interface Panel {
  /** First column of the panel. */
  col: number
  /** Vectors of 4 columns. */
  nv: number
  /** Byte offset of the panel from the matrix's start. */
  offset: number
}

export interface PackedLayout {
  k: number
  n: number
  panels: Panel[]
  bytes: number
}

export interface DenseMatrix {
  ptr: number
  ld: number
}

export interface PackedMatrix {
  ptr: number
  layout: PackedLayout
}

/** Panels of 3 vectors while they fit, then one of 2 or 1: N = 20 → [12, 8] columns. */
export function packedLayout(k: number, n: number): PackedLayout {
  if (n % 4 !== 0 || n <= 0) throw new RangeError(`packed matrices need a positive multiple of 4 columns, got ${n}`)
  const panels: Panel[] = []
  let vecs = n / 4
  let col = 0
  let offset = 0
  while (vecs > 0) {
    const nv = vecs >= 3 ? (vecs === 4 ? 2 : 3) : vecs
    panels.push({ col, nv, offset })
    col += 4 * nv
    offset += k * 16 * nv
    vecs -= nv
  }
  return { k, n, panels, bytes: offset }
}

/** Copies a row-major K × N matrix (leading dimension ld) into packed form. */
export function packInto(dst: Float32Array, layout: PackedLayout, src: ArrayLike<number>, ld = layout.n): void {
  for (const p of layout.panels) {
    const w = 4 * p.nv
    let o = p.offset / 4
    for (let k = 0; k < layout.k; k++) {
      const s = k * ld + p.col
      for (let j = 0; j < w; j++) dst[o++] = src[s + j]
    }
  }
}

/** Copies a packed matrix back to row-major K × N (leading dimension ld). */
export function unpackFrom(src: Float32Array, layout: PackedLayout, dst: Float32Array, ld = layout.n): void {
  for (const p of layout.panels) {
    const w = 4 * p.nv
    let o = p.offset / 4
    for (let k = 0; k < layout.k; k++) {
      const d = k * ld + p.col
      for (let j = 0; j < w; j++) dst[d + j] = src[o++]
    }
  }
}

const ROW_BLOCK = 64
const TILE_BLOCK = 16

function splitEven(total: number, parts: number, quantum: number): [number, number][] {
  const out: [number, number][] = []
  const per = Math.ceil(total / parts / quantum) * quantum
  for (let s = 0; s < total; s += per) out.push([s, Math.min(total, s + per)])
  return out
}

/**
 * C[rows × N] (+)= A[rows × K] · B[K × N]. A: rows (rowPtrs address), B packed, C dense.
 * Returns one call list per thread.
 */
export function planNN(a: { rowPtrs: number; rows: number }, b: PackedMatrix, c: DenseMatrix, accumulate: boolean, threads: number): KernelCall[][] {
  const acc = accumulate ? 1 : 0
  const k = b.layout.k
  return splitEven(a.rows, Math.max(1, threads), 4).map(([t0, t1]) => {
    const calls: KernelCall[] = []
    // row blocks small enough to stay in cache while every panel of B passes over them
    for (let r0 = t0; r0 < t1; r0 += ROW_BLOCK) {
      const r1 = Math.min(t1, r0 + ROW_BLOCK)
      const full = (r1 - r0) & ~3
      for (const p of b.layout.panels) {
        const bPtr = b.ptr + p.offset
        if (full > 0) {
          calls.push({ kernel: nnKernelName(4, p.nv), args: [a.rowPtrs + 4 * r0, full, bPtr, c.ptr + 4 * (r0 * c.ld + p.col), 4 * c.ld, k, acc] })
        }
        if (r1 - r0 > full) {
          const rs = r0 + full
          calls.push({ kernel: nnKernelName(1, p.nv), args: [a.rowPtrs + 4 * rs, r1 - rs, bPtr, c.ptr + 4 * (rs * c.ld + p.col), 4 * c.ld, k, acc] })
        }
      }
    }
    return calls
  })
}

/**
 * C[K × N] (+)= A[M × K]ᵀ · G[M × N]. A: rows (M of them), G dense, C packed or dense.
 * K must be a multiple of 4. Threads split K.
 */
export function planTN(
  a: { rowPtrs: number; rows: number },
  g: DenseMatrix,
  c: { packed: PackedMatrix } | { dense: DenseMatrix; k: number; n: number },
  accumulate: boolean,
  threads: number,
): KernelCall[][] {
  const acc = accumulate ? 1 : 0
  const k = 'packed' in c ? c.packed.layout.k : c.k
  if (k % 4 !== 0) throw new RangeError(`TN product needs K a multiple of 4, got ${k}`)
  const panels = 'packed' in c ? c.packed.layout.panels : packedLayout(k, c.n).panels
  return splitEven(k / 4, Math.max(1, threads), 1).map(([s0, s1]) => {
    const calls: KernelCall[] = []
    // blocks of k so that the slice of A they read stays in cache for every panel
    for (let t0 = s0; t0 < s1; t0 += TILE_BLOCK) {
      const t1 = Math.min(s1, t0 + TILE_BLOCK)
      for (const p of panels) {
        const gPtr = g.ptr + 4 * p.col
        let cPtr: number
        let ldc: number
        if ('packed' in c) {
          ldc = 16 * p.nv
          cPtr = c.packed.ptr + p.offset + 4 * t0 * ldc
        } else {
          ldc = 4 * c.dense.ld
          cPtr = c.dense.ptr + 4 * (4 * t0 * c.dense.ld + p.col)
        }
        calls.push({ kernel: tnKernelName(4, p.nv), args: [a.rowPtrs, a.rows, 16 * t0, t1 - t0, gPtr, 4 * g.ld, cPtr, ldc, acc] })
      }
    }
    return calls
  })
}

/** Writes row addresses of a dense matrix (rows × ld floats at ptr) into `out`, optionally gathered. */
export function fillRowPtrs(out: Int32Array, ptr: number, ld: number, index?: ArrayLike<number>): void {
  const stride = 4 * ld
  if (index) for (let i = 0; i < out.length; i++) out[i] = ptr + stride * index[i]
  else for (let i = 0; i < out.length; i++) out[i] = ptr + stride * i
}
