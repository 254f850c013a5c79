import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { isTuple, pickleGlobal, unpickle, type PickleGlobal } from '../../../src-main/model/checkpoint/pickle'
import { torchPickleHooks } from '../../../src-main/model/checkpoint/torch-pickle'
import { python, runPython } from './python'
import { PickleBuilder } from './torch-writer'

const dir = mkdtempSync(join(tmpdir(), 'obs-pickle-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const torch = torchPickleHooks('test.pkl')
const load = (bytes: Uint8Array, limits = {}): unknown => unpickle(bytes, { source: 'test.pkl', ...torch, limits })
const p = (): PickleBuilder => new PickleBuilder()

/** Python's own unpickler on the same bytes (when python3 exists), to prove a payload is real. */
function pythonLoads(bytes: Uint8Array): void {
  const file = join(dir, `py-${Math.random().toString(36).slice(2)}.pkl`)
  writeFileSync(file, bytes)
  if (python) runPython(python, ['-c', 'import pickle,sys; pickle.loads(open(sys.argv[1],"rb").read())', file])
}

/** The payload runs `touch <path>` when Python unpickles it; `build` wraps it into a pickle. */
function expectRefusedAndHarmless(build: (marker: string) => Uint8Array, global: string): void {
  const marker = join(dir, `pwned-${Math.random().toString(36).slice(2)}`)
  const bytes = build(marker)
  let error: unknown
  try {
    load(bytes)
  } catch (err) {
    error = err
  }
  expect(error).toMatchObject({ code: 'CHECKPOINT_UNSAFE', details: { global } })
  expect((error as Error).message).toContain(`refuses global ${global}`)
  expect(existsSync(marker)).toBe(false)
  if (python) {
    // The same bytes are a working exploit for Python's unpickler: the file appears there.
    pythonLoads(build(`${marker}.python`))
    expect(existsSync(`${marker}.python`)).toBe(true)
  }
}

describe('unpickle: values', () => {
  it('reads protocol 2 containers, numbers, strings, memo references', () => {
    const bytes = p().proto(2).emptyDict().binput(0).mark()
      .str('ints').mark().int(0).int(255).int(256).int(65535).int(-1).int(2 ** 31 - 1).int(-(2 ** 31)).int(2 ** 40).int(-(2 ** 40)).tuple()
      .str('float').float(0.1)
      .str('flags').mark().bool(true).bool(false).none().tuple()
      .str('again').binget(0)
      .setitems().stop().bytes()
    const v = load(bytes) as Map<string, unknown>
    expect(v.get('ints')).toEqual([0, 255, 256, 65535, -1, 2 ** 31 - 1, -(2 ** 31), 2 ** 40, -(2 ** 40)])
    expect(isTuple(v.get('ints'))).toBe(true)
    expect(v.get('float')).toBe(0.1)
    expect(v.get('flags')).toEqual([true, false, null])
    expect(v.get('again')).toBe(v) // memo gives back the same object
  })

  it('reads protocol 4/5 opcodes: FRAME, SHORT_BINUNICODE, MEMOIZE, BINUNICODE8, BINBYTES8, sets, BYTEARRAY8', () => {
    const b = p().proto(4).op(0x95).u64(0) // FRAME (length not checked against content)
      .op(0x5d).op(0x94) // EMPTY_LIST, MEMOIZE
      .mark()
      .op(0x8c, 2).ascii('hi') // SHORT_BINUNICODE
      .op(0x8d).u64(3).ascii('abc') // BINUNICODE8
      .op(0x8e).u64(2).op(1, 2) // BINBYTES8
      .op(0x43, 1, 9) // SHORT_BINBYTES
      .op(0x96).u64(1).op(7) // BYTEARRAY8
      .op(0x8f).mark().int(1).int(2).op(0x90) // EMPTY_SET, ADDITEMS
      .mark().str('a').op(0x91) // FROZENSET
      .op(0x8a, 9, 0, 0, 0, 0, 0, 0, 0, 0, 1) // LONG1 2^64 → bigint
      .appends().stop().bytes()
    const v = load(b) as unknown[]
    expect(v.slice(0, 2)).toEqual(['hi', 'abc'])
    expect(v[2]).toEqual(new Uint8Array([1, 2]))
    expect(v[3]).toEqual(new Uint8Array([9]))
    expect(v[4]).toEqual(new Uint8Array([7]))
    expect(v[5]).toEqual(new Set([1, 2]))
    expect(v[6]).toEqual(new Set(['a']))
    expect(v[7]).toBe(2n ** 64n)
  })

  it('reads protocol 0 text opcodes', () => {
    const b = p().op(0x28).ascii('I42\n').ascii('I01\n').ascii('L-7L\n').ascii('F2.5\n').ascii("S'a\\nb'\n").ascii('Vcaf\\u00e9\n').op(0x6c) // LIST
      .ascii('p0\n').ascii('g0\n').op(0x86).stop().bytes()
    const [list, again] = load(b) as [unknown[], unknown]
    expect(list).toEqual([42, true, -7, 2.5, 'a\nb', 'café'])
    expect(again).toBe(list)
  })

  it('builds OrderedDicts, with and without the _metadata BUILD state', () => {
    const b = p().proto(2).global('collections', 'OrderedDict').emptyTuple().reduce()
      .mark().str('k').int(1).setitems()
      .emptyDict().mark().str('_metadata').emptyDict().setitems().build()
      .stop().bytes()
    expect(load(b)).toEqual(new Map([['k', 1]]))
  })

  it('resolves allow-listed globals only through the caller', () => {
    const calls: unknown[] = []
    const g: PickleGlobal = pickleGlobal('m', 'f', { call: (args) => (calls.push(args), 'made') })
    const b = p().proto(2).global('m', 'f').mark().int(1).tuple().reduce().stop().bytes()
    expect(unpickle(b, { source: 'x', globals: new Map([['m.f', g]]) })).toBe('made')
    expect(calls).toEqual([[1]])
  })
})

describe('unpickle: refuses code execution', () => {
  it('rejects a pickle that imports os.system (GLOBAL + REDUCE) and runs nothing', () => {
    expectRefusedAndHarmless((m) => p().proto(2).global('os', 'system').str(`touch ${m}`).tuple1().reduce().stop().bytes(), 'os.system')
  })

  it('rejects posix.system', () => {
    expectRefusedAndHarmless((m) => p().proto(2).global('posix', 'system').str(`touch ${m}`).tuple1().reduce().stop().bytes(), 'posix.system')
  })

  it('rejects builtins.eval named by STACK_GLOBAL (protocol 4)', () => {
    expectRefusedAndHarmless(
      (m) => p().proto(4).stackGlobal('builtins', 'eval').str(`open(${JSON.stringify(m)}, "w").close()`).tuple1().reduce().stop().bytes(),
      'builtins.eval',
    )
  })

  it('rejects subprocess.Popen', () => {
    expectRefusedAndHarmless(
      (m) => p().proto(2).global('subprocess', 'Popen').emptyList().mark().str('touch').str(m).appends().tuple1().reduce().stop().bytes(),
      'subprocess.Popen',
    )
  })

  it('rejects an os.system call nested inside a dict value of an otherwise normal state dict', () => {
    expectRefusedAndHarmless(
      (m) => p().proto(2).emptyDict().mark()
        .str('model').emptyDict().mark().str('weight').global('os', 'system').str(`touch ${m}`).tuple1().reduce().setitems()
        .setitems().stop().bytes(),
      'os.system',
    )
  })

  it('rejects __builtin__.getattr and INST-style instantiation of unknown classes', () => {
    expect(() => load(p().proto(2).global('__builtin__', 'getattr').stop().bytes())).toThrow(expect.objectContaining({ code: 'CHECKPOINT_UNSAFE' }))
    expect(() => load(p().mark().str('x').op(0x69).ascii('os\nsystem\n').stop().bytes())).toThrow(expect.objectContaining({ code: 'CHECKPOINT_UNSAFE', details: { global: 'os.system' } }))
  })

  it('rejects extension-registry globals (EXT1)', () => {
    expect(() => load(p().proto(2).op(0x82, 1).stop().bytes())).toThrow(expect.objectContaining({ code: 'CHECKPOINT_UNSAFE' }))
  })

  it('refuses at the global itself, before reading any later opcode', () => {
    // the rest of this pickle is garbage; the refusal must come first
    expect(() => load(p().proto(2).global('os', 'system').op(0xff, 0xff).bytes())).toThrow(expect.objectContaining({ code: 'CHECKPOINT_UNSAFE' }))
  })

  it('does not let an allowed but non-callable global be called', () => {
    expect(() => load(p().proto(2).global('torch', 'FloatStorage').emptyTuple().reduce().stop().bytes())).toThrow(expect.objectContaining({ code: 'CHECKPOINT_INVALID' }))
  })

  it('refuses BUILD on plain dicts and REDUCE on non-globals', () => {
    expect(() => load(p().proto(2).emptyDict().emptyDict().build().stop().bytes())).toThrow(/BUILD/)
    expect(() => load(p().proto(2).str('os').emptyTuple().reduce().stop().bytes())).toThrow(/not a global/)
  })
})

describe('unpickle: hostile structure', () => {
  const invalid = expect.objectContaining({ code: 'CHECKPOINT_INVALID' })

  it('rejects a truncated pickle', () => {
    const full = p().proto(2).str('hello').stop().bytes()
    expect(() => load(full.subarray(0, 6))).toThrow(invalid)
    expect(() => load(full.subarray(0, full.length - 1))).toThrow(invalid)
  })

  it('rejects absurd lengths without allocating them', () => {
    expect(() => load(p().proto(4).op(0x8d).u64(2n ** 62n).stop().bytes())).toThrow(/absurd/)
    expect(() => load(p().proto(2).op(0x58).u32(0xfffffff0).stop().bytes())).toThrow(invalid)
    expect(() => load(p().proto(2).op(0x8b).u32(1 << 30).stop().bytes())).toThrow(/LONG4/)
  })

  it('rejects memo abuse: reading an entry never stored, or storing past the limit', () => {
    expect(() => load(p().proto(2).binget(5).stop().bytes())).toThrow(/memo entry 5/)
    const many = p().proto(2).none()
    for (let i = 0; i < 20; i++) many.binput(i)
    expect(() => load(many.stop().bytes(), { maxMemo: 10 })).toThrow(/memo exceeds 10/)
  })

  it('rejects nesting deeper than the limit', () => {
    const deep = p().proto(2)
    for (let i = 0; i < 50; i++) deep.mark()
    expect(() => load(deep.stop().bytes(), { maxNesting: 40 })).toThrow(/deeper than 40/)
    expect(() => load(deep.stop().bytes())).toThrow(invalid) // default limit 1000: fails later, on an empty stack at STOP
  })

  it('rejects unknown opcodes, stack underflow and unbalanced marks', () => {
    expect(() => load(Uint8Array.from([0x80, 2, 0xff, 0x2e]))).toThrow(/unknown pickle opcode 0xff/)
    expect(() => load(p().proto(2).reduce().stop().bytes())).toThrow(/underflow/)
    expect(() => load(p().proto(2).tuple().stop().bytes())).toThrow(/MARK/)
    expect(() => load(p().proto(6).stop().bytes())).toThrow(/protocol 6/)
  })
})
