// Resampling comparable to torchaudio.functional.resample's defaults, one-shot or streaming.
// The one-shot call is the streaming resampler fed one block, so both give identical samples:
// every output is the same dot product over the same inputs in the same order (resample-kernel.ts),
// accumulated in float64 and rounded once to float32.
import { AppError } from '../errors'
import { pairwiseDot, ResampleKernel } from './resample-kernel'
import { buildSincKernel, gcd, type SincKernel } from './sinc-kernel'

interface CachedKernel {
  sinc: SincKernel
  /** Its WebAssembly instance, where the coefficients are stored (used synchronously, so one per thread serves every resampler). */
  simd: ResampleKernel | null
}

const kernelCache = new Map<string, CachedKernel>()
const KERNEL_CACHE_SIZE = 8

function kernelFor(fromRate: number, toRate: number): CachedKernel {
  const key = `${fromRate}/${toRate}`
  let kernel = kernelCache.get(key)
  if (kernel) {
    kernelCache.delete(key)
  } else {
    const sinc = buildSincKernel(fromRate, toRate)
    kernel = { sinc, simd: sinc.coeffs ? new ResampleKernel(sinc) : null }
    if (kernelCache.size >= KERNEL_CACHE_SIZE) kernelCache.delete(kernelCache.keys().next().value as string)
  }
  kernelCache.set(key, kernel)
  return kernel
}

function checkRate(name: string, rate: number): void {
  if (!Number.isSafeInteger(rate) || rate <= 0) {
    throw new AppError('INVALID_REQUEST', `resample: ${name} must be a positive integer number of Hz, got ${rate}`)
  }
}

/** torchaudio's output length, ceil(toRate·frames / fromRate), computed exactly on the reduced rates. */
export function resampledLength(frames: number, fromRate: number, toRate: number): number {
  if (fromRate === toRate) return frames
  const g = gcd(fromRate, toRate)
  const o = fromRate / g
  const n = toRate / g
  const whole = Math.floor(frames / o)
  const rest = frames - whole * o
  return whole * n + Math.ceil((rest * n) / o)
}

/**
 * Feed blocks of any size with push(); call flush() once at the end. The concatenated outputs are
 * exactly resample(all input).
 */
export class StreamingResampler {
  private readonly kernel: SincKernel | null
  private readonly scratch: Float64Array
  /** The WebAssembly kernel where the coefficients are stored; null: phases built on demand, in JS. */
  private readonly simd: ResampleKernel | null
  /** Zero-padded input (torchaudio pads `width` zeros in front); buf[0] is padded index `bufStart`. */
  private buf = new Float32Array(0)
  private bufStart = 0
  private bufLen = 0
  /** Next period whose outputs are not yet computed. */
  private period = 0
  private inputFrames = 0
  private outputFrames = 0
  private flushed = false

  constructor(
    readonly fromRate: number,
    readonly toRate: number,
  ) {
    checkRate('fromRate', fromRate)
    checkRate('toRate', toRate)
    const cached = fromRate === toRate ? null : kernelFor(fromRate, toRate)
    this.kernel = cached?.sinc ?? null
    this.simd = cached?.simd ?? null
    this.scratch = new Float64Array(this.kernel?.maxTaps ?? 0)
    if (this.kernel) this.append(new Float32Array(this.kernel.width))
  }

  push(block: Float32Array): Float32Array {
    if (this.flushed) throw new AppError('INTERNAL', 'StreamingResampler.push after flush')
    this.inputFrames += block.length
    if (!this.kernel) return block.slice()
    this.append(block)
    return this.emit(Number.MAX_SAFE_INTEGER)
  }

  /** The remaining outputs, up to torchaudio's length for all input pushed. */
  flush(): Float32Array {
    if (this.flushed) return new Float32Array(0)
    this.flushed = true
    if (!this.kernel) return new Float32Array(0)
    this.append(new Float32Array(this.kernel.width + this.kernel.inStep))
    const target = resampledLength(this.inputFrames, this.fromRate, this.toRate)
    return this.emit(target - this.outputFrames)
  }

  private append(block: Float32Array): void {
    const kernel = this.kernel as SincKernel
    if (this.bufLen + block.length > this.buf.length) {
      // Drop what no future period reads, then make room.
      const keepFrom = this.period * kernel.inStep + kernel.lowest
      const drop = Math.min(this.bufLen, Math.max(0, keepFrom - this.bufStart))
      const live = this.bufLen - drop
      if (live + block.length > this.buf.length) {
        const grown = new Float32Array(live + block.length + 65_536)
        grown.set(this.buf.subarray(drop, this.bufLen))
        this.buf = grown
      } else {
        this.buf.copyWithin(0, drop, this.bufLen)
      }
      this.bufStart += drop
      this.bufLen = live
    }
    this.buf.set(block, this.bufLen)
    this.bufLen += block.length
  }

  /** Computes every output whose inputs are all present, at most `limit` of them. */
  private emit(limit: number): Float32Array {
    const k = this.kernel as SincKernel
    const available = this.bufStart + this.bufLen
    const periods = Math.max(0, Math.floor((available - k.reach) / k.inStep) + 1 - this.period)
    const count = Math.max(0, Math.min(periods * k.phases, limit))
    const out = new Float32Array(count)
    const { buf, scratch } = this
    const { taps, phases, inStep } = k
    const origin = this.period * inStep - this.bufStart
    if (this.simd) {
      const step = this.simd.maxOutputs // whole periods per call
      for (let at = 0; at < count; at += step) {
        const n = Math.min(step, count - at)
        const o = origin + (at / phases) * inStep
        const lastPeriod = Math.floor((n - 1) / phases)
        this.simd.run(buf, o, n, Math.min(buf.length, o + lastPeriod * inStep + k.reach), out, at)
      }
      this.period += Math.floor(count / phases)
    } else {
      let written = 0
      while (written < count) {
        const o = this.period * inStep - this.bufStart
        const n = Math.min(phases, count - written)
        for (let p = 0; p < n; p++) out[written++] = pairwiseDot(buf, o + k.first[p], k.phase(p, scratch), 0, taps[p])
        if (n === phases) this.period++
      }
    }
    this.outputFrames += count
    return out
  }
}

/** One-shot resample of a whole signal (torchaudio length and values). */
export function resample(samples: Float32Array, fromRate: number, toRate: number): Float32Array {
  const resampler = new StreamingResampler(fromRate, toRate)
  const head = resampler.push(samples)
  const tail = resampler.flush()
  if (tail.length === 0) return head
  const out = new Float32Array(head.length + tail.length)
  out.set(head)
  out.set(tail, head.length)
  return out
}
