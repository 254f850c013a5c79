// Test helper: assembles pickle bytes opcode by opcode and writes PyTorch-style zip checkpoints,
// so the reader's tests need no Python. Mirrors what torch.save writes (protocol 2 pickle,
// `<prefix>/data.pkl`, `<prefix>/data/<key>` storages aligned to 64 bytes, `version`, optional
// `byteorder`), with switches for deflate and zip64.
import { writeFileSync } from 'node:fs'
import { crc32 } from 'node:zlib'
import { deflateSync } from 'fflate'

export class PickleBuilder {
  private readonly parts: number[] = []

  op(...bytes: number[]): this {
    this.parts.push(...bytes)
    return this
  }

  raw(bytes: Uint8Array | number[]): this {
    for (const b of bytes) this.parts.push(b)
    return this
  }

  ascii(s: string): this {
    for (let i = 0; i < s.length; i++) this.parts.push(s.charCodeAt(i) & 0xff)
    return this
  }

  u32(v: number): this {
    return this.op(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff)
  }

  u64(v: number | bigint): this {
    const b = Buffer.alloc(8)
    b.writeBigUInt64LE(BigInt(v))
    return this.raw(b)
  }

  proto(p = 2): this {
    return this.op(0x80, p)
  }

  mark(): this {
    return this.op(0x28)
  }

  stop(): this {
    return this.op(0x2e)
  }

  none(): this {
    return this.op(0x4e)
  }

  bool(v: boolean): this {
    return this.op(v ? 0x88 : 0x89)
  }

  int(v: number): this {
    if (v >= 0 && v < 256) return this.op(0x4b, v)
    if (v >= 0 && v < 65536) return this.op(0x4d, v & 0xff, v >>> 8)
    if (v >= -(2 ** 31) && v < 2 ** 31) return this.op(0x4a).u32(v >>> 0)
    // LONG1 two's complement, little-endian
    let x = BigInt(v)
    const bytes: number[] = []
    while (x !== 0n && x !== -1n) {
      bytes.push(Number(x & 0xffn))
      x >>= 8n
    }
    if (bytes.length === 0 || (v < 0) !== ((bytes[bytes.length - 1] & 0x80) !== 0)) bytes.push(v < 0 ? 0xff : 0)
    return this.op(0x8a, bytes.length, ...bytes)
  }

  float(v: number): this {
    const b = Buffer.alloc(8)
    b.writeDoubleBE(v)
    return this.op(0x47).raw(b)
  }

  str(s: string): this {
    const b = Buffer.from(s, 'utf8')
    return this.op(0x58).u32(b.length).raw(b)
  }

  global(module: string, name: string): this {
    return this.op(0x63).ascii(`${module}\n${name}\n`)
  }

  /** protocol 4: module and name as strings on the stack */
  stackGlobal(module: string, name: string): this {
    return this.str(module).str(name).op(0x93)
  }

  emptyTuple(): this {
    return this.op(0x29)
  }

  tuple(): this {
    return this.op(0x74)
  }

  tuple1(): this {
    return this.op(0x85)
  }

  tuple2(): this {
    return this.op(0x86)
  }

  emptyDict(): this {
    return this.op(0x7d)
  }

  emptyList(): this {
    return this.op(0x5d)
  }

  setitems(): this {
    return this.op(0x75)
  }

  setitem(): this {
    return this.op(0x73)
  }

  appends(): this {
    return this.op(0x65)
  }

  reduce(): this {
    return this.op(0x52)
  }

  build(): this {
    return this.op(0x62)
  }

  binpersid(): this {
    return this.op(0x51)
  }

  binput(i: number): this {
    return this.op(0x71, i)
  }

  binget(i: number): this {
    return this.op(0x68, i)
  }

  intTuple(values: readonly number[]): this {
    this.mark()
    for (const v of values) this.int(v)
    return this.tuple()
  }

  /** `torch._utils._rebuild_tensor_v2(<storage pid>, offset, size, stride, False, OrderedDict())` */
  tensor(t: TensorSpec): this {
    this.global('torch._utils', '_rebuild_tensor_v2').mark()
    this.mark().str('storage')
    if (t.storageGlobal) this.global(t.storageGlobal[0], t.storageGlobal[1])
    else this.global('torch', STORAGE_CLASS[t.dtype ?? 'float32'])
    this.str(t.key).str('cpu').int(t.storageNumel).tuple().binpersid()
    this.int(t.offset ?? 0).intTuple(t.shape).intTuple(t.stride ?? contiguousStride(t.shape)).bool(false)
    this.global('collections', 'OrderedDict').emptyTuple().reduce()
    return this.tuple().reduce()
  }

  /** A Python value: strings, ints, {float}, booleans, null, arrays (lists), Maps (dicts), tensors. */
  value(v: PyLiteral): this {
    if (v === null) return this.none()
    if (typeof v === 'boolean') return this.bool(v)
    if (typeof v === 'number') return this.int(v)
    if (typeof v === 'string') return this.str(v)
    if (Array.isArray(v)) {
      this.emptyList().mark()
      for (const x of v) this.value(x)
      return this.appends()
    }
    if (v instanceof Map) return this.dict(v)
    if ('float' in v) return this.float(v.float)
    return this.tensor(v)
  }

  dict(entries: ReadonlyMap<string | number, PyLiteral>, ordered = false): this {
    if (ordered) this.global('collections', 'OrderedDict').emptyTuple().reduce()
    else this.emptyDict()
    if (entries.size === 0) return this
    this.mark()
    for (const [k, x] of entries) {
      if (typeof k === 'number') this.int(k)
      else this.str(k)
      this.value(x)
    }
    return this.setitems()
  }

  bytes(): Uint8Array {
    return Uint8Array.from(this.parts)
  }
}

export type TorchDtypeName = 'float32' | 'float16' | 'bfloat16' | 'float64' | 'int64' | 'int32' | 'uint8'

const STORAGE_CLASS: Record<TorchDtypeName, string> = {
  float32: 'FloatStorage', float16: 'HalfStorage', bfloat16: 'BFloat16Storage', float64: 'DoubleStorage', int64: 'LongStorage', int32: 'IntStorage', uint8: 'ByteStorage',
}

export interface TensorSpec {
  key: string
  storageNumel: number
  shape: number[]
  stride?: number[]
  offset?: number
  dtype?: TorchDtypeName
  /** Override the storage type global (e.g. ['torch', 'float32']). */
  storageGlobal?: [string, string]
}

export type PyLiteral = null | boolean | number | string | { float: number } | TensorSpec | PyLiteral[] | Map<string | number, PyLiteral>

export function contiguousStride(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length)
  let acc = 1
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc
    acc *= shape[d]
  }
  return s
}

export interface ZipEntrySpec {
  name: string
  data: Uint8Array
  deflate?: boolean
}

/** A zip with 64-byte aligned data (like PyTorch's writer); `zip64` forces zip64 records. */
export function buildZip(entries: ZipEntrySpec[], opts: { zip64?: boolean } = {}): Buffer {
  const chunks: Buffer[] = []
  const central: Buffer[] = []
  let offset = 0
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8')
    const body = e.deflate ? Buffer.from(deflateSync(e.data)) : Buffer.from(e.data)
    const crc = crc32(e.data)
    // Pad the local extra field so the data starts on a 64-byte boundary.
    const baseLen = 30 + name.length + 4
    const pad = (64 - ((offset + baseLen) % 64)) % 64
    const extra = Buffer.alloc(4 + pad)
    extra.writeUInt16LE(0x4246, 0) // 'FB', as torch writes
    extra.writeUInt16LE(pad, 2)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(opts.zip64 ? 45 : 20, 4)
    local.writeUInt16LE(e.deflate ? 8 : 0, 8)
    local.writeUInt32LE(crc, 14)
    local.writeUInt32LE(body.length, 18)
    local.writeUInt32LE(e.data.length, 22)
    local.writeUInt16LE(name.length, 26)
    local.writeUInt16LE(extra.length, 28)
    chunks.push(local, name, extra, body)
    const cdExtra = opts.zip64 ? Buffer.alloc(4 + 24) : Buffer.alloc(0)
    if (opts.zip64) {
      cdExtra.writeUInt16LE(0x0001, 0)
      cdExtra.writeUInt16LE(24, 2)
      cdExtra.writeBigUInt64LE(BigInt(e.data.length), 4)
      cdExtra.writeBigUInt64LE(BigInt(body.length), 12)
      cdExtra.writeBigUInt64LE(BigInt(offset), 20)
    }
    const cd = Buffer.alloc(46)
    cd.writeUInt32LE(0x02014b50, 0)
    cd.writeUInt16LE(opts.zip64 ? 45 : 20, 4)
    cd.writeUInt16LE(opts.zip64 ? 45 : 20, 6)
    cd.writeUInt16LE(e.deflate ? 8 : 0, 10)
    cd.writeUInt32LE(crc, 16)
    cd.writeUInt32LE(opts.zip64 ? 0xffffffff : body.length, 20)
    cd.writeUInt32LE(opts.zip64 ? 0xffffffff : e.data.length, 24)
    cd.writeUInt16LE(name.length, 28)
    cd.writeUInt16LE(cdExtra.length, 30)
    cd.writeUInt32LE(opts.zip64 ? 0xffffffff : offset, 42)
    central.push(cd, name, cdExtra)
    offset += local.length + name.length + extra.length + body.length
  }
  const cdBuf = Buffer.concat(central)
  const cdOffset = offset
  const tail: Buffer[] = []
  if (opts.zip64) {
    const rec = Buffer.alloc(56)
    rec.writeUInt32LE(0x06064b50, 0)
    rec.writeBigUInt64LE(44n, 4)
    rec.writeUInt16LE(45, 12)
    rec.writeUInt16LE(45, 14)
    rec.writeBigUInt64LE(BigInt(entries.length), 24)
    rec.writeBigUInt64LE(BigInt(entries.length), 32)
    rec.writeBigUInt64LE(BigInt(cdBuf.length), 40)
    rec.writeBigUInt64LE(BigInt(cdOffset), 48)
    const loc = Buffer.alloc(20)
    loc.writeUInt32LE(0x07064b50, 0)
    loc.writeBigUInt64LE(BigInt(cdOffset + cdBuf.length), 8)
    loc.writeUInt32LE(1, 16)
    tail.push(rec, loc)
  }
  const eocd = Buffer.alloc(22)
  eocd.writeUInt32LE(0x06054b50, 0)
  eocd.writeUInt16LE(opts.zip64 ? 0xffff : entries.length, 8)
  eocd.writeUInt16LE(opts.zip64 ? 0xffff : entries.length, 10)
  eocd.writeUInt32LE(opts.zip64 ? 0xffffffff : cdBuf.length, 12)
  eocd.writeUInt32LE(opts.zip64 ? 0xffffffff : cdOffset, 16)
  return Buffer.concat([...chunks, cdBuf, ...tail, eocd])
}

export interface TorchZipSpec {
  prefix?: string
  pickle: Uint8Array
  storages: Record<string, Uint8Array>
  byteorder?: 'little' | 'big'
  deflate?: boolean
  zip64?: boolean
}

export function buildTorchZip(spec: TorchZipSpec): Buffer {
  const prefix = spec.prefix ?? 'archive'
  const entries: ZipEntrySpec[] = [{ name: `${prefix}/data.pkl`, data: spec.pickle, deflate: spec.deflate }]
  if (spec.byteorder) entries.push({ name: `${prefix}/byteorder`, data: Buffer.from(spec.byteorder) })
  for (const [key, data] of Object.entries(spec.storages)) entries.push({ name: `${prefix}/data/${key}`, data, deflate: spec.deflate })
  entries.push({ name: `${prefix}/version`, data: Buffer.from('3\n') })
  return buildZip(entries, { zip64: spec.zip64 })
}

export function writeTorchZip(path: string, spec: TorchZipSpec): void {
  writeFileSync(path, buildTorchZip(spec))
}

export function f32Bytes(values: ArrayLike<number>): Uint8Array {
  return new Uint8Array(Float32Array.from(values).buffer)
}
