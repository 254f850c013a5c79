// The resampler's dot products as a WebAssembly SIMD kernel. Every output is
// Σ_j x[j]·c[j] over its phase's taps; samples and coefficients are float32 values, so each
// product is exact in float64 and only the sums round. The kernel sums even taps in lane 0 and odd
// taps in lane 1 of an f64x2, adds the lanes, then the last tap of an odd count, and rounds once to
// float32: `pairwiseDot` below is that order in plain JavaScript (the kernel equals it bit for bit).
//
// One instance per rate pair and thread (resampler.ts caches it with the sinc kernel; calls are
// synchronous, so the resamplers of a thread share it): coefficient tables at the start of its
// memory, then the input span of the current call and its outputs (about 64k outputs per call).

import { loopTo } from '../numeric/kernel-helpers'
import { wasm, type WasmInstance, type WasmMemory } from '../numeric/wasm-api'
import { F64, I32, ModuleBuilder, V128, type FunctionBuilder } from '../numeric/wasm-emitter'
import type { SincKernel } from './sinc-kernel'

const PAGE = 65536
const MAX_PAGES = 65536
/** About this many outputs per call (whole periods): bounds the kernel's memory. */
const OUTPUTS_PER_CALL = 65_536

/** The kernel's summation order in JavaScript (reference for tests and the order's definition). */
export function pairwiseDot(x: ArrayLike<number>, xi: number, c: ArrayLike<number>, ci: number, taps: number): number {
  let even = 0
  let odd = 0
  let j = 0
  for (; j + 2 <= taps; j += 2) {
    even += x[xi + j] * c[ci + j]
    odd += x[xi + j + 1] * c[ci + j + 1]
  }
  let s = even + odd
  if (j < taps) s += x[xi + j] * c[ci + j]
  return s
}

/**
 * resample(in, count, phases, inStepBytes, out, firstTab, tapsTab, coefTab): outputs 0…count−1 of
 * consecutive periods starting at phase 0, the period's window at `in`; firstTab holds each phase's
 * first-tap byte offset from the window, coefTab its coefficients' byte address, tapsTab its taps.
 */
function emitResample(f: FunctionBuilder): void {
  const [inPtr, count, phases, inStep, out, firstTab, tapsTab, coefTab] = [0, 1, 2, 3, 4, 5, 6, 7]
  const o = f.local(I32)
  const p = f.local(I32)
  const x = f.local(I32)
  const c = f.local(I32)
  const cEnd = f.local(I32)
  const cEnd2 = f.local(I32)
  const acc = f.local(V128)
  const s = f.local(F64)

  f.i32Const(0).set(o)
  f.i32Const(0).set(p)
  loopTo(f, o, count, 1, () => {
    // this phase's window, coefficients and taps
    const tabAt = (tab: number): void => {
      f.get(tab).get(p).i32Const(2).i32Shl().i32Add().i32Load(0)
    }
    tabAt(firstTab)
    f.get(inPtr).i32Add().set(x)
    tabAt(coefTab)
    f.set(c)
    tabAt(tapsTab)
    f.i32Const(3).i32Shl().get(c).i32Add().set(cEnd)
    f.get(cEnd).get(c).i32Sub().i32Const(~15).i32And().get(c).i32Add().set(cEnd2) // end of whole tap pairs
    f.v128Zero().set(acc)
    loopTo(f, c, cEnd2, 16, () => {
      f.get(acc).get(x).v128Load64Splat(0).f64x2PromoteLowF32x4().get(c).v128Load(0).f64x2Mul().f64x2Add().set(acc)
      f.get(x).i32Const(8).i32Add().set(x)
    })
    f.get(acc).f64x2ExtractLane(0).get(acc).f64x2ExtractLane(1).f64Add().set(s)
    f.get(c).get(cEnd).i32LtU().if()
    f.get(s).get(x).f32Load(0).f64PromoteF32().get(c).f64Load(0).f64Mul().f64Add().set(s)
    f.end()
    f.get(out).get(o).i32Const(2).i32Shl().i32Add().get(s).f32DemoteF64().f32Store(0)
    // next phase; a new period moves the window by inStep samples
    f.get(p).i32Const(1).i32Add().set(p)
    f.get(p).get(phases).i32GeU().if()
    f.i32Const(0).set(p)
    f.get(inPtr).get(inStep).i32Add().set(inPtr)
    f.end()
  })
}

let compiled: unknown

function resampleModule(): unknown {
  if (!compiled) {
    const mb = new ModuleBuilder({ initialPages: 1, maximumPages: MAX_PAGES, shared: true })
    mb.addFunction('resample', [I32, I32, I32, I32, I32, I32, I32, I32], [], emitResample)
    compiled = new wasm.Module(mb.toBytes())
  }
  return compiled
}

type ResampleFn = (inPtr: number, count: number, phases: number, inStep: number, out: number, firstTab: number, tapsTab: number, coefTab: number) => void

/** One resampler's kernel: its coefficients in WebAssembly memory and scratch for input and output. */
export class ResampleKernel {
  private readonly memory: WasmMemory
  private readonly fn: ResampleFn
  private readonly firstTab: number
  private readonly tapsTab: number
  private readonly coefTab: number
  private readonly scratch: number
  private readonly phases: number
  private readonly inStepBytes: number
  private readonly lowest: number
  /** Outputs and input samples one call may handle (sizes the memory). */
  readonly maxOutputs: number
  private readonly maxInputs: number

  constructor(kernel: SincKernel) {
    const coeffs = kernel.coeffs
    if (!coeffs) throw new RangeError('ResampleKernel needs stored coefficients')
    const n = kernel.phases
    const tabBytes = 3 * 4 * n
    const coefBytes = 8 * coeffs.length
    this.firstTab = 0
    this.tapsTab = 4 * n
    this.coefTab = 8 * n
    const coefStart = Math.ceil(tabBytes / 16) * 16
    this.scratch = Math.ceil((coefStart + coefBytes) / 16) * 16
    // the largest call: whole periods up to OUTPUTS_PER_CALL outputs (at least one period)
    this.maxOutputs = Math.max(1, Math.floor(OUTPUTS_PER_CALL / n)) * n
    this.maxInputs = (this.maxOutputs / n) * kernel.inStep + kernel.reach
    const pages = Math.ceil((this.scratch + Math.ceil((4 * this.maxInputs) / 16) * 16 + 4 * this.maxOutputs) / PAGE)
    if (pages > MAX_PAGES) throw new RangeError(`resampler kernel for ${kernel.inStep}:${n} needs ${pages} pages`)
    this.memory = new wasm.Memory({ initial: pages, maximum: pages, shared: true })
    const instance: WasmInstance = new wasm.Instance(resampleModule() as never, { env: { memory: this.memory } })
    this.fn = instance.exports.resample as ResampleFn
    const buf = this.memory.buffer
    const first = new Int32Array(buf, this.firstTab, n)
    const taps = new Int32Array(buf, this.tapsTab, n)
    const coef = new Int32Array(buf, this.coefTab, n)
    for (let p = 0; p < n; p++) {
      first[p] = 4 * (kernel.first[p] - kernel.lowest)
      taps[p] = kernel.taps[p]
      coef[p] = coefStart + 8 * kernel.offsets[p]
    }
    new Float64Array(buf, coefStart, coeffs.length).set(coeffs)
    this.phases = n
    this.inStepBytes = 4 * kernel.inStep
    this.lowest = kernel.lowest
  }

  /**
   * Outputs 0…count−1 of the periods whose first window starts at x[origin] (phase 0 first), into
   * out[at…]. x must hold every sample those outputs read.
   */
  run(x: Float32Array, origin: number, count: number, end: number, out: Float32Array, at: number): void {
    if (count <= 0) return
    const start = origin + this.lowest
    const inputs = end - start
    if (count > this.maxOutputs || inputs > this.maxInputs || inputs < 0) {
      throw new RangeError(`resampler kernel: ${count} outputs from ${inputs} inputs, at most ${this.maxOutputs} from ${this.maxInputs} per call`)
    }
    const inBytes = Math.ceil((4 * inputs) / 16) * 16
    const buf = this.memory.buffer
    new Float32Array(buf, this.scratch, inputs).set(x.subarray(start, end))
    const outPtr = this.scratch + inBytes
    this.fn(this.scratch, count, this.phases, this.inStepBytes, outPtr, this.firstTab, this.tapsTab, this.coefTab)
    out.set(new Float32Array(buf, outPtr, count), at)
  }
}
