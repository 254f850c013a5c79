// A pickle reader that builds plain data and never runs code. Python's unpickler imports and
// calls whatever GLOBAL names; this one resolves each global against the caller's allow-list
// the moment it is named, and refuses anything else with CHECKPOINT_UNSAFE before any later
// opcode is read. The machine is iterative (no recursion), and sizes, memo and nesting are bounded.
import { AppError } from '../../errors'

/** A resolved, allow-listed global: a constructor/function the caller implements, or a plain marker value. */
export interface PickleGlobal {
  readonly module: string
  readonly name: string
  /** Called by REDUCE / NEWOBJ / INST / OBJ with the argument tuple; absent → not callable. */
  readonly call?: (args: readonly unknown[]) => unknown
  /** Applied by BUILD on a value this global produced; absent → BUILD on it is refused. */
  readonly build?: (target: unknown, state: unknown) => unknown
}

export interface UnpickleOptions {
  /** Names the file in error messages. */
  source: string
  /** `module.name` → implementation; every other global is refused. */
  globals: ReadonlyMap<string, PickleGlobal>
  /** Resolves BINPERSID/PERSID ids (torch: storage references). Without it, persistent ids are refused. */
  persistentLoad?: (pid: unknown) => unknown
  /** Bounds against hostile input. */
  limits?: Partial<UnpickleLimits>
}

export interface UnpickleLimits {
  maxBytes: number
  maxMemo: number
  maxStack: number
  maxNesting: number
  maxStringBytes: number
  maxLongBytes: number
}

const DEFAULT_LIMITS: UnpickleLimits = {
  maxBytes: 256 * 1024 * 1024,
  maxMemo: 4_000_000,
  maxStack: 4_000_000,
  maxNesting: 1000,
  maxStringBytes: 64 * 1024 * 1024,
  maxLongBytes: 1024,
}

/** Python dicts become Maps: str/int/float/bool/None keys compare by value, tuple keys by identity. */
export type PyDict = Map<unknown, unknown>

/** Tuples are frozen arrays, lists plain arrays. */
export function isTuple(v: unknown): v is readonly unknown[] {
  return Array.isArray(v) && Object.isFrozen(v)
}

const textDecoder = new TextDecoder('utf-8', { fatal: true })
const latin1Decoder = new TextDecoder('latin1')

/** The one object a pickle describes. */
export function unpickle(bytes: Uint8Array, opts: UnpickleOptions): unknown {
  return new Unpickler(bytes, opts).run()
}

class Unpickler {
  private readonly b: Uint8Array
  private readonly view: DataView
  private readonly opts: UnpickleOptions
  private readonly limits: UnpickleLimits
  private pos = 0
  private stack: unknown[] = []
  private readonly metastack: unknown[][] = []
  private readonly memo = new Map<number, unknown>()
  /** Which global produced a value: BUILD is only allowed on those that say how. */
  private readonly producedBy = new WeakMap<object, PickleGlobal>()

  constructor(bytes: Uint8Array, opts: UnpickleOptions) {
    this.b = bytes
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
    this.opts = opts
    this.limits = { ...DEFAULT_LIMITS, ...opts.limits }
    if (bytes.byteLength > this.limits.maxBytes) this.fail(`pickle of ${bytes.byteLength} bytes is larger than any checkpoint's (limit ${this.limits.maxBytes})`)
  }

  private fail(reason: string): never {
    throw new AppError('CHECKPOINT_INVALID', `${this.opts.source}: ${reason}`)
  }

  private unsafe(global: string, kind = 'global'): never {
    throw new AppError(
      'CHECKPOINT_UNSAFE',
      `${this.opts.source}: refuses ${kind} ${global} — a checkpoint may only name tensor-rebuilding functions, storage types and OrderedDict; nothing was executed`,
      { global },
    )
  }

  private need(n: number): void {
    if (n < 0 || this.pos + n > this.b.length) this.fail(`pickle is truncated at byte ${this.pos} (needs ${n} more)`)
  }

  private u8(): number {
    this.need(1)
    return this.b[this.pos++]
  }

  private u16(): number {
    this.need(2)
    const v = this.view.getUint16(this.pos, true)
    this.pos += 2
    return v
  }

  private u32(): number {
    this.need(4)
    const v = this.view.getUint32(this.pos, true)
    this.pos += 4
    return v
  }

  private i32(): number {
    this.need(4)
    const v = this.view.getInt32(this.pos, true)
    this.pos += 4
    return v
  }

  private u64(): number {
    this.need(8)
    const v = this.view.getBigUint64(this.pos, true)
    this.pos += 8
    if (v > BigInt(this.limits.maxStringBytes)) this.fail(`absurd length ${v} at byte ${this.pos - 8}`)
    return Number(v)
  }

  private take(n: number): Uint8Array {
    if (n > this.limits.maxStringBytes) this.fail(`absurd length ${n} at byte ${this.pos}`)
    this.need(n)
    const s = this.b.subarray(this.pos, this.pos + n)
    this.pos += n
    return s
  }

  private line(): string {
    const end = this.b.indexOf(0x0a, this.pos)
    if (end < 0) this.fail(`pickle is truncated: unterminated text line at byte ${this.pos}`)
    const s = latin1Decoder.decode(this.b.subarray(this.pos, end))
    this.pos = end + 1
    return s
  }

  private utf8(bytes: Uint8Array): string {
    try {
      return textDecoder.decode(bytes)
    } catch {
      return this.fail(`invalid UTF-8 string at byte ${this.pos - bytes.length}`)
    }
  }

  private push(v: unknown): void {
    if (this.stack.length >= this.limits.maxStack) this.fail(`pickle stack exceeds ${this.limits.maxStack} items`)
    this.stack.push(v)
  }

  // Items since the last MARK live on `stack`; earlier ones wait on `metastack` (as in CPython),
  // so an opcode can never reach past a MARK.
  private pop(): unknown {
    if (this.stack.length === 0) this.fail(`pickle stack underflow at byte ${this.pos - 1}`)
    return this.stack.pop()
  }

  private top(): unknown {
    if (this.stack.length === 0) this.fail(`pickle stack underflow at byte ${this.pos - 1}`)
    return this.stack[this.stack.length - 1]
  }

  private mark(): void {
    if (this.metastack.length >= this.limits.maxNesting) this.fail(`pickle nests deeper than ${this.limits.maxNesting} levels`)
    this.metastack.push(this.stack)
    this.stack = []
  }

  /** Items pushed since the last MARK. */
  private popMark(): unknown[] {
    const items = this.stack
    const outer = this.metastack.pop()
    if (!outer) this.fail(`pickle pops a MARK that was never set at byte ${this.pos - 1}`)
    this.stack = outer
    return items
  }

  private put(index: number, v: unknown): void {
    if (!this.memo.has(index) && this.memo.size >= this.limits.maxMemo) this.fail(`pickle memo exceeds ${this.limits.maxMemo} entries`)
    this.memo.set(index, v)
  }

  private get(index: number): unknown {
    if (!this.memo.has(index)) this.fail(`pickle refers to memo entry ${index}, which was never stored`)
    return this.memo.get(index)
  }

  private resolveGlobal(module: string, name: string): PickleGlobal {
    const g = this.opts.globals.get(`${module}.${name}`)
    if (!g) this.unsafe(`${module}.${name}`)
    return g
  }

  private callGlobal(callable: unknown, args: unknown, opcode: string): unknown {
    if (!isGlobal(callable)) this.fail(`${opcode} on a value that is not a global at byte ${this.pos - 1}`)
    if (!callable.call) this.fail(`${opcode} calls ${callable.module}.${callable.name}, which is not callable`)
    if (!Array.isArray(args)) this.fail(`${opcode} arguments of ${callable.module}.${callable.name} are not a tuple`)
    const result = callable.call(args)
    if (result !== null && typeof result === 'object') this.producedBy.set(result, callable)
    return result
  }

  private dictOf(target: unknown, opcode: string): PyDict {
    if (!(target instanceof Map)) this.fail(`${opcode} on a value that is not a dict at byte ${this.pos - 1}`)
    return target
  }

  private listOf(target: unknown, opcode: string): unknown[] {
    if (!Array.isArray(target) || Object.isFrozen(target)) this.fail(`${opcode} on a value that is not a list at byte ${this.pos - 1}`)
    return target
  }

  private long(bytes: Uint8Array): number | bigint {
    if (bytes.length === 0) return 0
    let v = 0n
    for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i])
    if (bytes[bytes.length - 1] & 0x80) v -= 1n << BigInt(8 * bytes.length)
    return intValue(v)
  }

  run(): unknown {
    for (;;) {
      const op = this.u8()
      switch (op) {
        case 0x80: { // PROTO
          const proto = this.u8()
          if (proto > 5) this.fail(`pickle protocol ${proto} is newer than 5`)
          break
        }
        case 0x95: // FRAME: framing is only a read-ahead hint
          this.u64()
          break
        case 0x2e: // STOP
          return this.pop()
        case 0x28: this.mark(); break // MARK
        case 0x30: // POP (of an item, or of a MARK with nothing after it)
          if (this.stack.length === 0 && this.metastack.length > 0) this.popMark()
          else this.pop()
          break
        case 0x31: this.popMark(); break // POP_MARK
        case 0x32: this.push(this.top()); break // DUP
        case 0x4e: this.push(null); break // NONE
        case 0x88: this.push(true); break // NEWTRUE
        case 0x89: this.push(false); break // NEWFALSE
        case 0x4a: this.push(this.i32()); break // BININT
        case 0x4b: this.push(this.u8()); break // BININT1
        case 0x4d: this.push(this.u16()); break // BININT2
        case 0x8a: this.push(this.long(this.take(this.u8()))); break // LONG1
        case 0x8b: { // LONG4
          const n = this.i32()
          if (n < 0 || n > this.limits.maxLongBytes) this.fail(`LONG4 of ${n} bytes is absurd`)
          this.push(this.long(this.take(n)))
          break
        }
        case 0x49: { // INT (text; "00"/"01" are False/True)
          const s = this.line()
          if (s === '00') this.push(false)
          else if (s === '01') this.push(true)
          else this.push(parseIntText(s, () => this.fail(`bad INT ${JSON.stringify(s)}`)))
          break
        }
        case 0x4c: { // LONG (text)
          const s = this.line().replace(/L$/, '')
          this.push(parseIntText(s, () => this.fail(`bad LONG ${JSON.stringify(s)}`)))
          break
        }
        case 0x47: { // BINFLOAT (big-endian double)
          this.need(8)
          this.push(this.view.getFloat64(this.pos, false))
          this.pos += 8
          break
        }
        case 0x46: { // FLOAT (text)
          const s = this.line()
          const v = Number(s)
          if (Number.isNaN(v) && !/^[-+]?nan$/i.test(s)) this.fail(`bad FLOAT ${JSON.stringify(s)}`)
          this.push(v)
          break
        }
        case 0x58: this.push(this.utf8(this.take(this.u32()))); break // BINUNICODE
        case 0x8c: this.push(this.utf8(this.take(this.u8()))); break // SHORT_BINUNICODE
        case 0x8d: this.push(this.utf8(this.take(this.u64()))); break // BINUNICODE8
        case 0x56: this.push(decodeRawUnicodeEscape(this.line())); break // UNICODE (text)
        case 0x42: this.push(this.take(this.u32()).slice()); break // BINBYTES
        case 0x43: this.push(this.take(this.u8()).slice()); break // SHORT_BINBYTES
        case 0x8e: this.push(this.take(this.u64()).slice()); break // BINBYTES8
        case 0x96: this.push(this.take(this.u64()).slice()); break // BYTEARRAY8
        // Python 2 str: torch writes none, but old pickles do; decoded as latin-1 text.
        case 0x54: { // BINSTRING
          const n = this.i32()
          if (n < 0) this.fail('BINSTRING with a negative length')
          this.push(latin1Decoder.decode(this.take(n)))
          break
        }
        case 0x55: this.push(latin1Decoder.decode(this.take(this.u8()))); break // SHORT_BINSTRING
        case 0x53: this.push(decodeQuotedString(this.line(), () => this.fail('bad STRING literal'))); break // STRING (text)
        case 0x29: this.push(Object.freeze([])); break // EMPTY_TUPLE
        case 0x74: this.push(Object.freeze(this.popMark())); break // TUPLE
        case 0x85: this.push(Object.freeze([this.pop()])); break // TUPLE1
        case 0x86: { // TUPLE2
          const b = this.pop()
          const a = this.pop()
          this.push(Object.freeze([a, b]))
          break
        }
        case 0x87: { // TUPLE3
          const c = this.pop()
          const b = this.pop()
          const a = this.pop()
          this.push(Object.freeze([a, b, c]))
          break
        }
        case 0x5d: this.push([]); break // EMPTY_LIST
        case 0x6c: this.push(this.popMark()); break // LIST
        case 0x61: { // APPEND
          const v = this.pop()
          this.listOf(this.top(), 'APPEND').push(v)
          break
        }
        case 0x65: { // APPENDS
          const items = this.popMark()
          const list = this.listOf(this.top(), 'APPENDS')
          for (const v of items) list.push(v)
          break
        }
        case 0x7d: this.push(new Map()); break // EMPTY_DICT
        case 0x64: { // DICT
          const items = this.popMark()
          if (items.length % 2) this.fail('DICT with an odd number of items')
          const d: PyDict = new Map()
          for (let i = 0; i < items.length; i += 2) d.set(items[i], items[i + 1])
          this.push(d)
          break
        }
        case 0x73: { // SETITEM
          const v = this.pop()
          const k = this.pop()
          this.dictOf(this.top(), 'SETITEM').set(k, v)
          break
        }
        case 0x75: { // SETITEMS
          const items = this.popMark()
          if (items.length % 2) this.fail('SETITEMS with an odd number of items')
          const d = this.dictOf(this.top(), 'SETITEMS')
          for (let i = 0; i < items.length; i += 2) d.set(items[i], items[i + 1])
          break
        }
        case 0x8f: this.push(new Set()); break // EMPTY_SET
        case 0x90: { // ADDITEMS
          const items = this.popMark()
          const s = this.top()
          if (!(s instanceof Set)) this.fail('ADDITEMS on a value that is not a set')
          for (const v of items) s.add(v)
          break
        }
        case 0x91: this.push(new Set(this.popMark())); break // FROZENSET
        case 0x71: this.put(this.u8(), this.top()); break // BINPUT
        case 0x72: this.put(this.u32(), this.top()); break // LONG_BINPUT
        case 0x94: this.put(this.memo.size, this.top()); break // MEMOIZE
        case 0x70: this.put(parseIndex(this.line(), () => this.fail('bad PUT index')), this.top()); break // PUT (text)
        case 0x68: this.push(this.get(this.u8())); break // BINGET
        case 0x6a: this.push(this.get(this.u32())); break // LONG_BINGET
        case 0x67: this.push(this.get(parseIndex(this.line(), () => this.fail('bad GET index')))); break // GET (text)
        case 0x63: { // GLOBAL "module\nname\n"
          const module = this.line()
          const name = this.line()
          this.push(this.resolveGlobal(module, name))
          break
        }
        case 0x93: { // STACK_GLOBAL
          const name = this.pop()
          const module = this.pop()
          if (typeof module !== 'string' || typeof name !== 'string') this.fail('STACK_GLOBAL with non-string module or name')
          this.push(this.resolveGlobal(module, name))
          break
        }
        case 0x82: case 0x83: case 0x84: { // EXT1/2/4: names from the copyreg extension registry
          const code = op === 0x82 ? this.u8() : op === 0x83 ? this.u16() : this.u32()
          this.unsafe(`#${code}`, 'extension-registry global')
          break
        }
        case 0x52: { // REDUCE
          const args = this.pop()
          const callable = this.pop()
          this.push(this.callGlobal(callable, args, 'REDUCE'))
          break
        }
        case 0x81: { // NEWOBJ: cls.__new__(cls, *args)
          const args = this.pop()
          const cls = this.pop()
          this.push(this.callGlobal(cls, args, 'NEWOBJ'))
          break
        }
        case 0x92: { // NEWOBJ_EX: cls.__new__(cls, *args, **kwargs)
          const kwargs = this.pop()
          const args = this.pop()
          const cls = this.pop()
          if (!(kwargs instanceof Map) || kwargs.size > 0) this.fail('NEWOBJ_EX with keyword arguments is not supported')
          this.push(this.callGlobal(cls, args, 'NEWOBJ_EX'))
          break
        }
        case 0x69: { // INST "module\nname\n" + marked args
          const module = this.line()
          const name = this.line()
          const g = this.resolveGlobal(module, name)
          this.push(this.callGlobal(g, Object.freeze(this.popMark()), 'INST'))
          break
        }
        case 0x6f: { // OBJ: marked (cls, *args)
          const items = this.popMark()
          if (items.length === 0) this.fail('OBJ without a class')
          this.push(this.callGlobal(items[0], Object.freeze(items.slice(1)), 'OBJ'))
          break
        }
        case 0x62: { // BUILD: __setstate__ / __dict__ update
          const state = this.pop()
          const target = this.top()
          const g = target !== null && typeof target === 'object' ? this.producedBy.get(target) : undefined
          if (!g?.build) this.fail(`BUILD on a value that accepts no state at byte ${this.pos - 1}`)
          this.stack[this.stack.length - 1] = g.build(target, state)
          break
        }
        case 0x51: { // BINPERSID
          const pid = this.pop()
          if (!this.opts.persistentLoad) this.fail('persistent id in a pickle that may not have any')
          this.push(this.opts.persistentLoad(pid))
          break
        }
        case 0x50: { // PERSID (text)
          const pid = this.line()
          if (!this.opts.persistentLoad) this.fail('persistent id in a pickle that may not have any')
          this.push(this.opts.persistentLoad(pid))
          break
        }
        case 0x97: case 0x98: // NEXT_BUFFER / READONLY_BUFFER (out-of-band buffers)
          this.fail('out-of-band pickle buffers are not supported in checkpoints')
          break
        default:
          this.fail(`unknown pickle opcode 0x${op.toString(16).padStart(2, '0')} at byte ${this.pos - 1}`)
      }
    }
  }
}

const globalMarker = new WeakSet<object>()

function isGlobal(v: unknown): v is PickleGlobal {
  return v !== null && typeof v === 'object' && 'module' in v && 'name' in v && globalMarker.has(v)
}

/** Declares an allow-listed global; only objects made here are callable from a pickle. */
export function pickleGlobal(module: string, name: string, impl: Omit<PickleGlobal, 'module' | 'name'> = {}): PickleGlobal {
  const g: PickleGlobal = Object.freeze({ module, name, ...impl })
  globalMarker.add(g)
  return g
}

export function isPickleGlobal(v: unknown, module?: string, name?: string): v is PickleGlobal {
  return isGlobal(v) && (module === undefined || v.module === module) && (name === undefined || v.name === name)
}

function intValue(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v
}

function parseIntText(s: string, bad: () => never): number | bigint {
  if (!/^[-+]?\d+$/.test(s)) bad()
  return intValue(BigInt(s))
}

function parseIndex(s: string, bad: () => never): number {
  if (!/^\d{1,10}$/.test(s)) bad()
  return Number(s)
}

function decodeRawUnicodeEscape(s: string): string {
  return s.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, u4: string | undefined, u8: string | undefined) =>
    String.fromCodePoint(parseInt(u4 ?? u8 ?? '0', 16)),
  )
}

function decodeQuotedString(s: string, bad: () => never): string {
  const q = s[0]
  if ((q !== "'" && q !== '"') || s.length < 2 || s[s.length - 1] !== q) bad()
  return s.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|.)/g, (_m, e: string) => {
    if (e[0] === 'x') return String.fromCharCode(parseInt(e.slice(1), 16))
    if (/^[0-7]/.test(e)) return String.fromCharCode(parseInt(e, 8))
    const simple: Record<string, string> = { n: '\n', r: '\r', t: '\t', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v' }
    return simple[e] ?? `\\${e}`
  })
}
