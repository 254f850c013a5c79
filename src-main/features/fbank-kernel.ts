// The fbank's per-frame arithmetic (DC removal, pre-emphasis, povey window, 512-point real FFT,
// power spectrum, mel sums) as one WebAssembly SIMD kernel that works on two frames at once: lane 0
// of every f64x2 holds frame 2p, lane 1 frame 2p + 1. Every lane performs exactly the float64
// operations, in exactly the order, of the scalar path (PowerSpectrum + the mel loop), so its
// energies are bit-identical to it (test/features/fbank-kernel.test.ts); only the log stays in JS.
//
// Why WebAssembly: the same JavaScript loop ran at ~650 or ~1,200 audio-s/s depending on how V8's
// optimiser happened to inline it in a given process; compiled WebAssembly has no such lottery, and
// two lanes per instruction roughly halve the work.

import { wasm, type WasmMemory } from '../numeric/wasm-api'
import { loopTo } from '../numeric/kernel-helpers'
import { I32, ModuleBuilder, V128, type FunctionBuilder } from '../numeric/wasm-emitter'
import { realFftTables, type RealFftTables } from './power-spectrum'
import type { SparseMelBanks } from './kaldi-mel-banks'

// The frame geometry of the Kaldi fbank (fbank.ts exports it under its FBANK_ names).
export const KERNEL_FRAME_LENGTH = 400
export const KERNEL_FRAME_SHIFT = 160
export const KERNEL_FFT_SIZE = 512
const FFT_SIZE = KERNEL_FFT_SIZE
const HALF = FFT_SIZE / 2
const PREEMPHASIS = 0.97
/** Frames per kernel call (even); bounds the kernel's memory to ~1.3 MB. */
export const KERNEL_BLOCK_FRAMES = 512
const BLOCK_PAIRS = KERNEL_BLOCK_FRAMES / 2
/** Samples one call reads: the last pair's second frame starts one hop after the block's last frame. */
const KERNEL_BLOCK_SAMPLES = KERNEL_FRAME_LENGTH + (KERNEL_BLOCK_FRAMES - 1) * KERNEL_FRAME_SHIFT + KERNEL_FRAME_SHIFT
const PAIR = 16 // bytes of one f64x2
const LANE1 = 8 * KERNEL_FRAME_SHIFT // byte distance from a frame's samples to the next frame's

interface Layout {
  win: number
  bitrev: number
  twiddles: number[]
  splitCos: number
  splitNegSin: number
  melStart: number
  melOffset: number
  melWeights: number
  x: number
  re: number
  im: number
  power: number
  samples: number
  sums: number
  energies: number
  bytes: number
}

function layoutFor(fft: RealFftTables, mel: SparseMelBanks): Layout {
  let end = 0
  const take = (bytes: number): number => {
    const at = end
    end = Math.ceil((end + bytes) / 16) * 16
    return at
  }
  return {
    win: take(8 * KERNEL_FRAME_LENGTH),
    bitrev: take(4 * HALF),
    twiddles: fft.stages.map((s) => take(8 * s.twiddles.length)),
    splitCos: take(8 * HALF),
    splitNegSin: take(8 * HALF),
    melStart: take(4 * mel.numBins),
    melOffset: take(4 * (mel.numBins + 1)),
    melWeights: take(8 * mel.weights.length),
    x: take(PAIR * FFT_SIZE),
    re: take(PAIR * HALF),
    im: take(PAIR * HALF),
    power: take(PAIR * HALF),
    samples: take(8 * KERNEL_BLOCK_SAMPLES),
    sums: take(PAIR * BLOCK_PAIRS),
    energies: take(PAIR * BLOCK_PAIRS * mel.numBins),
    get bytes() {
      return end
    },
  }
}

/** Emits fbank_pairs(pairs): frames 0 … 2·pairs − 1 of the block at `samples` into `energies`. */
function emitFbankPairs(f: FunctionBuilder, L: Layout, fft: RealFftTables, numBins: number): void {
  const pairs = 0
  const p = f.local(I32)
  const sp = f.local(I32)
  const ep = f.local(I32)
  const q = f.local(I32)
  const r = f.local(I32)
  const end = f.local(I32)
  const n = [f.local(I32), f.local(I32), f.local(I32), f.local(I32)]
  const v = Array.from({ length: 16 }, () => f.local(V128))
  const acc = f.local(V128)
  const dc = f.local(V128)
  const prev = f.local(V128)
  const imOff = L.im - L.re

  /** loopTo up to a constant address. */
  const whileBelow = (ptr: number, limit: number, step: number, body: () => void): void => {
    f.i32Const(limit).set(end)
    loopTo(f, ptr, end, step, body)
  }
  const load = (ptr: number, offset: number, into: number): void => { f.get(ptr).v128Load(offset).set(into) }
  const store = (ptr: number, offset: number, value: () => void): void => {
    f.get(ptr)
    value()
    f.v128Store(offset)
  }
  // a·b − c·d and a·b + c·d, in the scalar code's order
  const mulSub = (a: number, b: number, c: number, d: number): void => { f.get(a).get(b).f64x2Mul().get(c).get(d).f64x2Mul().f64x2Sub() }
  const mulAdd = (a: number, b: number, c: number, d: number): void => { f.get(a).get(b).f64x2Mul().get(c).get(d).f64x2Mul().f64x2Add() }
  const bin = (a: number, b: number, op: 'add' | 'sub'): void => {
    f.get(a).get(b)
    if (op === 'add') f.f64x2Add()
    else f.f64x2Sub()
  }
  /**
   * One radix-4 butterfly from its inputs of residues 0, 2, 1, 3 (y0, y2, y1, y3, twiddled where
   * needed): X[j + k·q] = Σ_r Y_r·(−i)^{rk} for k = 0…3, written at ptr + k·stride (re) and + imOff
   * (im). `t` holds eight scratch locals.
   */
  const radix4 = (ptr: number, stride: number, y: readonly number[], t: readonly number[]): void => {
    const [y0r, y0i, y2r, y2i, y1r, y1i, y3r, y3i] = y
    const [t0r, t0i, t1r, t1i, t2r, t2i, t3r, t3i] = t
    bin(y0r, y2r, 'add'); f.set(t0r)
    bin(y0i, y2i, 'add'); f.set(t0i)
    bin(y0r, y2r, 'sub'); f.set(t1r)
    bin(y0i, y2i, 'sub'); f.set(t1i)
    bin(y1r, y3r, 'add'); f.set(t2r)
    bin(y1i, y3i, 'add'); f.set(t2i)
    bin(y1r, y3r, 'sub'); f.set(t3r)
    bin(y1i, y3i, 'sub'); f.set(t3i)
    const outs: [number, number, 'add' | 'sub', number, number, 'add' | 'sub'][] = [
      [t0r, t2r, 'add', t0i, t2i, 'add'],
      [t1r, t3i, 'add', t1i, t3r, 'sub'],
      [t0r, t2r, 'sub', t0i, t2i, 'sub'],
      [t1r, t3i, 'sub', t1i, t3r, 'add'],
    ]
    outs.forEach(([ar, br, opr, ai, bi, opi], k) => {
      store(ptr, k * stride, () => bin(ar, br, opr))
      store(ptr, imOff + k * stride, () => bin(ai, bi, opi))
    })
  }

  f.i32Const(0).set(p)
  f.i32Const(L.samples).set(sp)
  f.i32Const(L.energies).set(ep)
  loopTo(f, p, pairs, 1, () => {
    // 1. The two frames' samples side by side into x, and their sums.
    f.v128Zero().set(acc)
    f.i32Const(L.x).set(q)
    f.get(sp).set(r)
    whileBelow(q, L.x + PAIR * KERNEL_FRAME_LENGTH, PAIR, () => {
      f.get(r).v128Load64Splat(0).get(r).f64Load(LANE1).f64x2ReplaceLane(1).set(v[0])
      store(q, 0, () => f.get(v[0]))
      f.get(acc).get(v[0]).f64x2Add().set(acc)
      f.get(r).i32Const(8).i32Add().set(r)
    })
    f.get(p).i32Const(4).i32Shl().get(acc).v128Store(L.sums) // sums[p], checked for NaN/∞ by the caller
    // 2. dc = 0.03·mean; x ← (x − 0.97·x₋₁ − dc)·window, the first sample its own predecessor.
    f.f64x2Const(1 - PREEMPHASIS).get(acc).f64x2Const(KERNEL_FRAME_LENGTH).f64x2Div().f64x2Mul().set(dc)
    f.i32Const(L.x).tee(q).v128Load(0).set(prev)
    f.i32Const(L.win).set(r)
    whileBelow(q, L.x + PAIR * KERNEL_FRAME_LENGTH, PAIR, () => {
      load(q, 0, v[0])
      store(q, 0, () => {
        f.get(v[0]).f64x2Const(PREEMPHASIS).get(prev).f64x2Mul().f64x2Sub().get(dc).f64x2Sub()
        f.get(r).v128Load64Splat(0).f64x2Mul()
      })
      f.get(v[0]).set(prev)
      f.get(r).i32Const(8).i32Add().set(r)
    })
    // 3. First radix-4 stage of the packed FFT, z[n] = x[2n] + i·x[2n+1] read in bit-reversed order.
    f.i32Const(L.bitrev).set(r)
    f.i32Const(L.re).set(q)
    whileBelow(q, L.re + PAIR * HALF, 4 * PAIR, () => {
      // residues 0, 2, 1, 3 of the group; the table holds byte offsets of x[2·bitrev]
      for (let i = 0; i < 4; i++) f.get(r).i32Load(4 * i).set(n[i])
      const [x0r, x0i, x2r, x2i, x1r, x1i, x3r, x3i] = v.slice(0, 8)
      const srcs = [[n[0], x0r, x0i], [n[1], x2r, x2i], [n[2], x1r, x1i], [n[3], x3r, x3i]] as const
      for (const [ni, re, im] of srcs) {
        f.get(ni).v128Load(L.x).set(re)
        f.get(ni).v128Load(L.x + PAIR).set(im)
      }
      radix4(q, PAIR, [x0r, x0i, x2r, x2i, x1r, x1i, x3r, x3i], v.slice(8, 16))
      f.get(r).i32Const(16).i32Add().set(r)
    })
    // 4. The remaining radix-4 stages.
    fft.stages.forEach((stage, s) => {
      const qq = stage.len / 4
      const tw = L.twiddles[s]
      f.i32Const(L.re).set(q) // block start
      whileBelow(q, L.re + PAIR * HALF, PAIR * stage.len, () => {
        f.get(q).set(n[0]) // a0
        f.i32Const(tw).set(r)
        f.get(q).i32Const(PAIR * qq).i32Add().set(n[1])
        loopTo(f, n[0], n[1], PAIR, () => {
          const [y0r, y0i, u2r, u2i, u1r, u1i, u3r, u3i, c, s1] = v.slice(0, 10)
          const [y1r, y1i, y2r, y2i, y3r, y3i] = v.slice(10, 16)
          load(n[0], 0, y0r)
          load(n[0], imOff, y0i)
          load(n[0], PAIR * qq, u2r)
          load(n[0], imOff + PAIR * qq, u2i)
          load(n[0], 2 * PAIR * qq, u1r)
          load(n[0], imOff + 2 * PAIR * qq, u1i)
          load(n[0], 3 * PAIR * qq, u3r)
          load(n[0], imOff + 3 * PAIR * qq, u3i)
          const twiddle = (k: number, ur: number, ui: number, outR: number, outI: number): void => {
            f.get(r).v128Load64Splat(16 * k).set(c)
            f.get(r).v128Load64Splat(16 * k + 8).set(s1)
            mulSub(c, ur, s1, ui); f.set(outR)
            mulAdd(c, ui, s1, ur); f.set(outI)
          }
          twiddle(0, u1r, u1i, y1r, y1i)
          twiddle(1, u2r, u2i, y2r, y2i)
          twiddle(2, u3r, u3i, y3r, y3i)
          // the u and twiddle registers are free again: the butterfly's scratch
          radix4(n[0], PAIR * qq, [y0r, y0i, y2r, y2i, y1r, y1i, y3r, y3i], [u2r, u2i, u1r, u1i, u3r, u3i, c, s1])
          f.get(r).i32Const(48).i32Add().set(r)
        })
      })
    })
    // 5. Power spectrum of the real input from the packed transform (bins 0…255).
    f.i32Const(L.re + PAIR).set(q) // k = 1
    f.i32Const(L.re + PAIR * (HALF - 1)).set(r) // j = m − 1
    f.i32Const(L.splitCos + 8).set(n[0])
    f.i32Const(L.re + PAIR * (HALF / 2)).set(end)
    const split = (both: boolean): void => {
      const [zr, zi, cr, ci, er, ei, or, oi, wr, wi, tr, ti, a, b] = v.slice(0, 14)
      load(q, 0, zr)
      load(q, imOff, zi)
      load(r, 0, cr)
      f.get(r).v128Load(imOff).f64x2Neg().set(ci)
      bin(zr, cr, 'add'); f.set(er)
      bin(zi, ci, 'add'); f.set(ei)
      bin(zi, ci, 'sub'); f.set(or)
      bin(cr, zr, 'sub'); f.set(oi)
      f.get(n[0]).v128Load64Splat(0).set(wr)
      f.get(n[0]).v128Load64Splat(L.splitNegSin - L.splitCos).set(wi)
      mulSub(wr, or, wi, oi); f.set(tr)
      mulAdd(wr, oi, wi, or); f.set(ti)
      const power = (ptr: number, op: 'add' | 'sub'): void => {
        bin(er, tr, op); f.set(a)
        bin(ei, ti, op); f.set(b)
        store(ptr, L.power - L.re, () => f.f64x2Const(0.25).get(a).get(a).f64x2Mul().get(b).get(b).f64x2Mul().f64x2Add().f64x2Mul())
      }
      power(q, 'add')
      if (both) power(r, 'sub')
    }
    loopTo(f, q, end, PAIR, () => {
      split(true)
      f.get(r).i32Const(-PAIR).i32Add().set(r)
      f.get(n[0]).i32Const(8).i32Add().set(n[0])
    })
    split(false) // k = j = m/2
    f.i32Const(L.re).v128Load(0).i32Const(L.im).v128Load(0).f64x2Add().set(v[0])
    f.i32Const(L.power).get(v[0]).get(v[0]).f64x2Mul().v128Store(0)
    // 6. Mel sums: energies[p][i] = Σ weight · power over filter i's run of bins.
    f.i32Const(0).set(q)
    f.i32Const(4 * numBins).set(end)
    loopTo(f, q, end, 4, () => {
      f.get(q).i32Load(L.melStart).set(n[0]) // byte address of the first power bin
      f.get(q).i32Load(L.melOffset).set(n[1]) // byte address of the first weight
      f.get(q).i32Load(L.melOffset + 4).set(n[2])
      f.v128Zero().set(acc)
      loopTo(f, n[1], n[2], 8, () => {
        f.get(acc).get(n[1]).v128Load64Splat(0).get(n[0]).v128Load(0).f64x2Mul().f64x2Add().set(acc)
        f.get(n[0]).i32Const(PAIR).i32Add().set(n[0])
      })
      f.get(ep).get(q).i32Const(2).i32Shl().i32Add().get(acc).v128Store(0)
    })
    f.get(ep).i32Const(PAIR * numBins).i32Add().set(ep)
    f.get(sp).i32Const(2 * LANE1).i32Add().set(sp)
  })
}

export interface FbankKernel {
  /** Float64 view of the sample block: write frame 0's first sample at index 0. */
  samples: Float64Array
  /** Per-frame sample sums of the last run (index = frame in the block). */
  sums: Float64Array
  /** Energies of the last run: frame t, bin i at (t >> 1)·2·bins + 2i + (t & 1). */
  energies: Float64Array
  /** Runs frames 0 … 2·pairs − 1 of the block (pairs ≤ KERNEL_BLOCK_FRAMES / 2). */
  run(pairs: number): void
}

/** A fresh kernel instance with its own memory (one per thread is enough: calls are synchronous). */
export function createFbankKernel(window: Float64Array, mel: SparseMelBanks): FbankKernel {
  if (window.length !== KERNEL_FRAME_LENGTH) throw new RangeError(`fbank kernel: window of ${window.length} samples, expected ${KERNEL_FRAME_LENGTH}`)
  const fft = realFftTables(FFT_SIZE)
  if (fft.radix2First) throw new Error('fbank kernel: expected radix-4 stages only for a 512-point FFT')
  const L = layoutFor(fft, mel)
  const mb = new ModuleBuilder({ initialPages: Math.ceil(L.bytes / 65536), maximumPages: Math.ceil(L.bytes / 65536), shared: true })
  mb.addFunction('fbank_pairs', [I32], [], (f) => emitFbankPairs(f, L, fft, mel.numBins))
  const memory: WasmMemory = new wasm.Memory({ initial: Math.ceil(L.bytes / 65536), maximum: Math.ceil(L.bytes / 65536), shared: true })
  const instance = new wasm.Instance(new wasm.Module(mb.toBytes()), { env: { memory } })
  const buf = memory.buffer
  new Float64Array(buf, L.win, KERNEL_FRAME_LENGTH).set(window)
  const bitrev = new Int32Array(buf, L.bitrev, HALF)
  for (let i = 0; i < HALF; i++) bitrev[i] = 2 * PAIR * fft.bitrev[i]
  fft.stages.forEach((s, i) => new Float64Array(buf, L.twiddles[i], s.twiddles.length).set(s.twiddles))
  new Float64Array(buf, L.splitCos, HALF).set(fft.splitCos)
  const negSin = new Float64Array(buf, L.splitNegSin, HALF)
  for (let k = 0; k < HALF; k++) negSin[k] = -fft.splitSin[k]
  const melStart = new Int32Array(buf, L.melStart, mel.numBins)
  const melOffset = new Int32Array(buf, L.melOffset, mel.numBins + 1)
  for (let i = 0; i < mel.numBins; i++) melStart[i] = L.power + PAIR * mel.start[i]
  for (let i = 0; i <= mel.numBins; i++) melOffset[i] = L.melWeights + 8 * mel.offset[i]
  new Float64Array(buf, L.melWeights, mel.weights.length).set(mel.weights)
  new Float64Array(buf, L.x, 2 * FFT_SIZE).fill(0) // the padding 400…511 stays zero
  const fn = instance.exports.fbank_pairs as (pairs: number) => void
  return {
    samples: new Float64Array(buf, L.samples, KERNEL_BLOCK_SAMPLES),
    sums: new Float64Array(buf, L.sums, 2 * BLOCK_PAIRS),
    energies: new Float64Array(buf, L.energies, 2 * BLOCK_PAIRS * mel.numBins),
    run(pairs: number): void {
      if (!(Number.isInteger(pairs) && pairs >= 0 && pairs <= BLOCK_PAIRS)) throw new RangeError(`fbank kernel: ${pairs} pairs, at most ${BLOCK_PAIRS}`)
      fn(pairs)
    },
  }
}
