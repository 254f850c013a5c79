// A minimal WebAssembly binary writer: just enough to emit our SIMD kernels from TypeScript at run
// time (no toolchain, no binary blobs in the repo, and the kernels can be unrolled by code).
// Reference: WebAssembly Core Specification 2.0, §5 (binary format) and the fixed-width SIMD opcodes.

export const I32 = 0x7f
export const F32 = 0x7d
export const F64 = 0x7c
export const V128 = 0x7b
export type ValType = typeof I32 | typeof F32 | typeof F64 | typeof V128

const BLOCK_VOID = 0x40

function pushU32(out: number[], value: number): void {
  let v = value >>> 0
  do {
    let byte = v & 0x7f
    v >>>= 7
    if (v !== 0) byte |= 0x80
    out.push(byte)
  } while (v !== 0)
}

function pushI32(out: number[], value: number): void {
  let v = value | 0
  for (;;) {
    const byte = v & 0x7f
    v >>= 7
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)
    out.push(done ? byte : byte | 0x80)
    if (done) return
  }
}

function pushName(out: number[], name: string): void {
  const bytes = new TextEncoder().encode(name)
  pushU32(out, bytes.length)
  for (const b of bytes) out.push(b)
}

function pushSection(out: number[], id: number, body: number[]): void {
  out.push(id)
  pushU32(out, body.length)
  for (const b of body) out.push(b)
}

/** One function body. Methods append instructions (stack machine order) and return `this`. */
export class FunctionBuilder {
  readonly code: number[] = []
  private readonly locals: ValType[] = []

  constructor(
    readonly params: readonly ValType[],
    readonly results: readonly ValType[],
  ) {}

  /** Index of parameter i (parameters come first in the local index space). */
  param(i: number): number {
    if (i < 0 || i >= this.params.length) throw new RangeError(`no parameter ${i}`)
    return i
  }

  /** Declares a new local and returns its index. */
  local(type: ValType): number {
    this.locals.push(type)
    return this.params.length + this.locals.length - 1
  }

  encodeBody(): number[] {
    const body: number[] = []
    // One run-length group per local keeps the encoder simple.
    pushU32(body, this.locals.length)
    for (const t of this.locals) {
      pushU32(body, 1)
      body.push(t)
    }
    for (const b of this.code) body.push(b)
    body.push(0x0b)
    const out: number[] = []
    pushU32(out, body.length)
    for (const b of body) out.push(b)
    return out
  }

  private op(...bytes: number[]): this {
    for (const b of bytes) this.code.push(b)
    return this
  }

  private memOp(opcode: number, offset: number): this {
    this.code.push(opcode, 0)
    pushU32(this.code, offset)
    return this
  }

  private simd(opcode: number): this {
    this.code.push(0xfd)
    pushU32(this.code, opcode)
    return this
  }

  private simdMem(opcode: number, offset: number): this {
    this.simd(opcode)
    this.code.push(0)
    pushU32(this.code, offset)
    return this
  }

  // control
  block(): this { return this.op(0x02, BLOCK_VOID) }
  loop(): this { return this.op(0x03, BLOCK_VOID) }
  if(): this { return this.op(0x04, BLOCK_VOID) }
  else(): this { return this.op(0x05) }
  end(): this { return this.op(0x0b) }
  br(depth: number): this { return this.op(0x0c, depth) }
  brIf(depth: number): this { return this.op(0x0d, depth) }
  return(): this { return this.op(0x0f) }
  drop(): this { return this.op(0x1a) }

  // locals
  get(i: number): this { this.code.push(0x20); pushU32(this.code, i); return this }
  set(i: number): this { this.code.push(0x21); pushU32(this.code, i); return this }
  tee(i: number): this { this.code.push(0x22); pushU32(this.code, i); return this }

  // scalar memory
  i32Load(offset = 0): this { return this.memOp(0x28, offset) }
  f32Load(offset = 0): this { return this.memOp(0x2a, offset) }
  f64Load(offset = 0): this { return this.memOp(0x2b, offset) }
  i32Store(offset = 0): this { return this.memOp(0x36, offset) }
  f32Store(offset = 0): this { return this.memOp(0x38, offset) }
  f64Store(offset = 0): this { return this.memOp(0x39, offset) }

  // scalar arithmetic
  i32Const(v: number): this { this.code.push(0x41); pushI32(this.code, v); return this }
  f32Const(v: number): this {
    const b = new Uint8Array(new Float32Array([v]).buffer)
    return this.op(0x43, b[0], b[1], b[2], b[3])
  }
  i32Eqz(): this { return this.op(0x45) }
  i32LtS(): this { return this.op(0x48) }
  i32LtU(): this { return this.op(0x49) }
  i32GeS(): this { return this.op(0x4e) }
  i32GeU(): this { return this.op(0x4f) }
  i32Add(): this { return this.op(0x6a) }
  i32Sub(): this { return this.op(0x6b) }
  i32Mul(): this { return this.op(0x6c) }
  i32And(): this { return this.op(0x71) }
  i32Shl(): this { return this.op(0x74) }
  i32Ne(): this { return this.op(0x47) }
  f32Add(): this { return this.op(0x92) }
  f32Mul(): this { return this.op(0x94) }
  f32Max(): this { return this.op(0x97) }
  f32Sqrt(): this { return this.op(0x91) }
  f32Div(): this { return this.op(0x95) }
  f32Eq(): this { return this.op(0x5b) }
  f64Add(): this { return this.op(0xa0) }
  f64Mul(): this { return this.op(0xa2) }
  f32DemoteF64(): this { return this.op(0xb6) }
  f32ConvertI32S(): this { return this.op(0xb2) }
  f64PromoteF32(): this { return this.op(0xbb) }

  // SIMD
  v128Load(offset = 0): this { return this.simdMem(0x00, offset) }
  v128Load8x8S(offset = 0): this { return this.simdMem(0x01, offset) }
  v128Load32Splat(offset = 0): this { return this.simdMem(0x09, offset) }
  v128Load64Splat(offset = 0): this { return this.simdMem(0x0a, offset) }
  v128Store(offset = 0): this { return this.simdMem(0x0b, offset) }
  v128Zero(): this {
    this.simd(0x0c)
    for (let i = 0; i < 16; i++) this.code.push(0)
    return this
  }
  /** v128.const with the same float32 in all four lanes. */
  f32x4Const(v: number): this {
    this.simd(0x0c)
    const b = new Uint8Array(new Float32Array([v, v, v, v]).buffer)
    for (const x of b) this.code.push(x)
    return this
  }
  /** v128.const with the same int32 in all four lanes. */
  i32x4Const(v: number): this {
    this.simd(0x0c)
    const b = new Uint8Array(new Int32Array([v, v, v, v]).buffer)
    for (const x of b) this.code.push(x)
    return this
  }
  /** v128.const from four int32 lanes. */
  i32x4Lanes(lanes: [number, number, number, number]): this {
    this.simd(0x0c)
    for (const x of new Uint8Array(new Int32Array(lanes).buffer)) this.code.push(x)
    return this
  }
  /** v128.const with the same float64 in both lanes. */
  f64x2Const(v: number): this {
    this.simd(0x0c)
    const b = new Uint8Array(new Float64Array([v, v]).buffer)
    for (const x of b) this.code.push(x)
    return this
  }
  i32x4Splat(): this { return this.simd(0x11) }
  f32x4Splat(): this { return this.simd(0x13) }
  i32x4ExtractLane(lane: number): this { this.simd(0x1b); this.code.push(lane); return this }
  f32x4ExtractLane(lane: number): this { this.simd(0x1f); this.code.push(lane); return this }
  f64x2ExtractLane(lane: number): this { this.simd(0x21); this.code.push(lane); return this }
  f64x2ReplaceLane(lane: number): this { this.simd(0x22); this.code.push(lane); return this }
  i32x4LtS(): this { return this.simd(0x39) }
  f32x4Eq(): this { return this.simd(0x41) }
  f32x4Lt(): this { return this.simd(0x43) }
  f32x4Gt(): this { return this.simd(0x44) }
  f32x4Ge(): this { return this.simd(0x46) }
  v128And(): this { return this.simd(0x4e) }
  v128Or(): this { return this.simd(0x50) }
  /** (a & mask) | (b & ~mask) for stack [a, b, mask]. */
  v128Bitselect(): this { return this.simd(0x52) }
  f64x2PromoteLowF32x4(): this { return this.simd(0x5f) }
  i8x16NarrowI16x8S(): this { return this.simd(0x65) }
  f32x4Nearest(): this { return this.simd(0x6a) }
  i16x8NarrowI32x4S(): this { return this.simd(0x85) }
  i32x4ExtendLowI16x8S(): this { return this.simd(0xa7) }
  i32x4ExtendHighI16x8S(): this { return this.simd(0xa8) }
  i32x4Shl(): this { return this.simd(0xab) }
  i32x4ShrS(): this { return this.simd(0xac) }
  i32x4Add(): this { return this.simd(0xae) }
  i32x4Sub(): this { return this.simd(0xb1) }
  i32x4DotI16x8S(): this { return this.simd(0xba) }
  f32x4Abs(): this { return this.simd(0xe0) }
  f32x4Neg(): this { return this.simd(0xe1) }
  f32x4Sqrt(): this { return this.simd(0xe3) }
  f32x4Add(): this { return this.simd(0xe4) }
  f32x4Sub(): this { return this.simd(0xe5) }
  f32x4Mul(): this { return this.simd(0xe6) }
  f32x4Div(): this { return this.simd(0xe7) }
  f32x4Min(): this { return this.simd(0xe8) }
  f32x4Max(): this { return this.simd(0xe9) }
  f64x2Neg(): this { return this.simd(0xed) }
  f64x2Add(): this { return this.simd(0xf0) }
  f64x2Sub(): this { return this.simd(0xf1) }
  f64x2Mul(): this { return this.simd(0xf2) }
  f64x2Div(): this { return this.simd(0xf3) }
  i32x4TruncSatF32x4S(): this { return this.simd(0xf8) }
  f32x4ConvertI32x4S(): this { return this.simd(0xfa) }
}

interface ExportedFunction {
  name: string
  fn: FunctionBuilder
}

/** A module that imports one memory as env.memory and exports functions. */
export class ModuleBuilder {
  private readonly functions: ExportedFunction[] = []

  constructor(private readonly memory: { initialPages: number; maximumPages: number; shared: boolean }) {}

  addFunction(name: string, params: readonly ValType[], results: readonly ValType[], build: (f: FunctionBuilder) => void): void {
    const fn = new FunctionBuilder(params, results)
    build(fn)
    this.functions.push({ name, fn })
  }

  toBytes(): Uint8Array {
    const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]

    const sigs: string[] = []
    const typeIndex = this.functions.map(({ fn }) => {
      const key = `${fn.params.join(',')}:${fn.results.join(',')}`
      let i = sigs.indexOf(key)
      if (i < 0) {
        sigs.push(key)
        i = sigs.length - 1
      }
      return i
    })
    const typeSec: number[] = []
    pushU32(typeSec, sigs.length)
    for (const key of sigs) {
      const [p, r] = key.split(':').map((s) => (s === '' ? [] : s.split(',').map(Number)))
      typeSec.push(0x60)
      pushU32(typeSec, p.length)
      typeSec.push(...p)
      pushU32(typeSec, r.length)
      typeSec.push(...r)
    }
    pushSection(out, 1, typeSec)

    const importSec: number[] = []
    pushU32(importSec, 1)
    pushName(importSec, 'env')
    pushName(importSec, 'memory')
    importSec.push(0x02, this.memory.shared ? 0x03 : 0x01)
    pushU32(importSec, this.memory.initialPages)
    pushU32(importSec, this.memory.maximumPages)
    pushSection(out, 2, importSec)

    const funcSec: number[] = []
    pushU32(funcSec, this.functions.length)
    for (const t of typeIndex) pushU32(funcSec, t)
    pushSection(out, 3, funcSec)

    const exportSec: number[] = []
    pushU32(exportSec, this.functions.length)
    this.functions.forEach(({ name }, i) => {
      pushName(exportSec, name)
      exportSec.push(0x00)
      pushU32(exportSec, i)
    })
    pushSection(out, 7, exportSec)

    const codeSec: number[] = []
    pushU32(codeSec, this.functions.length)
    for (const { fn } of this.functions) for (const b of fn.encodeBody()) codeSec.push(b)
    pushSection(out, 10, codeSec)

    return new Uint8Array(out)
  }
}
