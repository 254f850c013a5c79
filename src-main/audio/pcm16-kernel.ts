// 16-bit PCM → float32 (v / 32768) in WebAssembly SIMD, eight samples per step: the plain loop ran
// at ~3–4 ns a sample here, which at 384 kHz is a millisecond of CPU per audio-second. Exact: every
// int16 times 2^-15 is a float32, so the result equals the JavaScript loop's bit for bit.

import { loopTo } from '../numeric/kernel-helpers'
import { wasm, type WasmMemory } from '../numeric/wasm-api'
import { I32, ModuleBuilder, V128, type FunctionBuilder } from '../numeric/wasm-emitter'

/** Samples per kernel call; the memory holds one piece of input and its output. */
const PIECE = 65_536
const SRC = 0
const DST = 2 * PIECE
const PAGES = Math.ceil((DST + 4 * PIECE) / 65536)

/** pcm16_to_f32(n): samples SRC … SRC + 2n (int16) → DST … (float32), in steps of 8 (n rounded up). */
function emitConvert(f: FunctionBuilder): void {
  const n = 0
  const src = f.local(I32)
  const dst = f.local(I32)
  const end = f.local(I32)
  const v = f.local(V128)
  f.i32Const(SRC).set(src)
  f.i32Const(DST).set(dst)
  f.get(n).i32Const(1).i32Shl().i32Const(SRC).i32Add().set(end)
  loopTo(f, src, end, 16, () => {
    f.get(src).v128Load(0).set(v)
    f.get(dst).get(v).i32x4ExtendLowI16x8S().f32x4ConvertI32x4S().f32x4Const(1 / 32768).f32x4Mul().v128Store(0)
    f.get(dst).get(v).i32x4ExtendHighI16x8S().f32x4ConvertI32x4S().f32x4Const(1 / 32768).f32x4Mul().v128Store(16)
    f.get(dst).i32Const(32).i32Add().set(dst)
  })
}

interface Pcm16Kernel {
  src: Uint8Array
  dst: Float32Array
  convert: (n: number) => void
}

let kernel: Pcm16Kernel | undefined

// One per thread: calls are synchronous.
function pcm16Kernel(): Pcm16Kernel {
  if (!kernel) {
    const mb = new ModuleBuilder({ initialPages: PAGES, maximumPages: PAGES, shared: true })
    mb.addFunction('pcm16_to_f32', [I32], [], emitConvert)
    const memory: WasmMemory = new wasm.Memory({ initial: PAGES, maximum: PAGES, shared: true })
    const instance = new wasm.Instance(new wasm.Module(mb.toBytes()), { env: { memory } })
    kernel = {
      src: new Uint8Array(memory.buffer, SRC, 2 * PIECE),
      dst: new Float32Array(memory.buffer, DST, PIECE),
      convert: instance.exports.pcm16_to_f32 as (n: number) => void,
    }
  }
  return kernel
}

/** Mono 16-bit little-endian PCM bytes (2·frames of them) → out[outOffset …] as v / 32768. */
export function decodePcm16Mono(bytes: Uint8Array, frames: number, out: Float32Array, outOffset: number): void {
  const k = pcm16Kernel()
  for (let at = 0; at < frames; at += PIECE) {
    const n = Math.min(PIECE, frames - at)
    k.src.set(bytes.subarray(2 * at, 2 * (at + n)))
    k.convert(n)
    out.set(n === PIECE ? k.dst : k.dst.subarray(0, n), outOffset + at)
  }
}
