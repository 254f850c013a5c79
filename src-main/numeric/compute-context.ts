// One shared WebAssembly memory, the kernel module instantiated on the calling thread and on helper
// worker threads, and a bump allocator. Helpers are driven through Atomics on a control block at the
// start of the memory (microseconds per dispatch, where postMessage costs tens): training issues
// thousands of small parallel GEMMs per second.
//
// Helper threads run only our pure wasm kernels — never onnxruntime (see CONVENTIONS #7).

import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import { AppError } from '../errors'
import { wasm, type WasmMemory } from './wasm-api'
import { KERNEL_SIGNATURES, MAX_PAGES, kernelModule } from './kernels'
import { F32 } from './wasm-emitter'

/** One kernel invocation: the kernel's export name and its arguments (addresses, counts, f32s). */
export interface KernelCall {
  kernel: string
  args: readonly number[]
}

const PAGE = 65536
const MAX_HELPERS = 15
const SLOT_INTS = 4096 // 16 KiB per thread: header + command list
const HEADER_INTS = 8 // seq, doneSeq, commandCount, status, dead
const CONTROL_BYTES = (MAX_HELPERS + 1) * SLOT_INTS * 4
const QUIT = -1

// CommonJS source of a helper thread: wait for a new sequence number, run the command list in its
// slot, publish completion. Kept as a string so it survives bundling unchanged.
const HELPER_SOURCE = `
const { workerData } = require('node:worker_threads')
const { module, memory, slot, slotInts, headerInts, floatParams } = workerData
const ctrl = new Int32Array(memory.buffer, 0, (slot + 1) * slotInts)
const ctrlF = new Float32Array(memory.buffer, 0, (slot + 1) * slotInts)
const base = slot * slotInts
let fns
try {
  const instance = new WebAssembly.Instance(module, { env: { memory } })
  fns = workerData.names.map((n) => instance.exports[n])
} catch (e) {
  Atomics.store(ctrl, base + 4, 1)
  Atomics.notify(ctrl, base + 1)
  throw e
}
let seen = 0
for (;;) {
  Atomics.wait(ctrl, base, seen)
  const seq = Atomics.load(ctrl, base)
  if (seq === seen) continue
  seen = seq
  const count = ctrl[base + 2]
  if (count < 0) break
  let status = 0
  try {
    let at = base + headerInts
    for (let c = 0; c < count; c++) {
      const fi = ctrl[at], argc = ctrl[at + 1], isF = floatParams[fi]
      const args = new Array(argc)
      for (let j = 0; j < argc; j++) args[j] = isF[j] ? ctrlF[at + 2 + j] : ctrl[at + 2 + j]
      fns[fi](...args)
      at += 2 + argc
    }
  } catch (e) {
    status = 1
  }
  ctrl[base + 3] = status
  Atomics.store(ctrl, base + 1, seq)
  Atomics.notify(ctrl, base + 1)
}
`

type KernelFn = (...args: number[]) => void

interface WaitAsyncResult {
  async: boolean
  value: Promise<string> | string
}
type WaitAsync = (arr: Int32Array, index: number, value: number, timeoutMs: number) => WaitAsyncResult

function waitAsyncFn(): WaitAsync | undefined {
  const candidate: unknown = Reflect.get(Atomics, 'waitAsync')
  return typeof candidate === 'function' ? (candidate.bind(Atomics) as WaitAsync) : undefined
}

export interface ComputeContextOptions {
  /** Helper threads besides the caller (0: everything on the calling thread). */
  helpers?: number
  /** Bytes to reserve up front (the memory grows on demand either way). */
  initialBytes?: number
}

/** Threads worth using on this machine for our kernels. */
export function defaultThreadCount(): number {
  return Math.max(1, Math.min(availableParallelism(), 8))
}

export class ComputeContext {
  readonly memory: WasmMemory
  readonly helpers: number
  private readonly fns = new Map<string, KernelFn>()
  private readonly kernelIndex = new Map<string, number>()
  private readonly workers: Worker[] = []
  private readonly ctrl: Int32Array
  private readonly ctrlF: Float32Array
  private readonly seqs: number[] = []
  private top = CONTROL_BYTES
  private disposed = false
  private busy = false
  private workerFailure: Error | undefined

  constructor(opts: ComputeContextOptions = {}) {
    const helpers = Math.max(0, Math.min(MAX_HELPERS, Math.floor(opts.helpers ?? 0)))
    this.helpers = helpers
    const initialPages = Math.max(1, Math.ceil((CONTROL_BYTES + (opts.initialBytes ?? 0)) / PAGE))
    this.memory = new wasm.Memory({ initial: initialPages, maximum: MAX_PAGES, shared: true })
    const module = kernelModule()
    const instance = new wasm.Instance(module, { env: { memory: this.memory } })
    KERNEL_SIGNATURES.forEach(({ name }, i) => {
      const fn = instance.exports[name]
      if (typeof fn !== 'function') throw new AppError('INTERNAL', `kernel ${name} missing from the compiled module`)
      this.fns.set(name, fn as KernelFn)
      this.kernelIndex.set(name, i)
    })
    this.ctrl = new Int32Array(this.memory.buffer, 0, CONTROL_BYTES / 4)
    this.ctrlF = new Float32Array(this.memory.buffer, 0, CONTROL_BYTES / 4)
    for (let s = 1; s <= helpers; s++) {
      const worker = new Worker(HELPER_SOURCE, {
        eval: true,
        workerData: {
          module,
          memory: this.memory,
          slot: s,
          slotInts: SLOT_INTS,
          headerInts: HEADER_INTS,
          names: KERNEL_SIGNATURES.map((k) => k.name),
          floatParams: KERNEL_SIGNATURES.map((k) => k.params.map((t) => t === F32)),
        },
      })
      worker.unref()
      worker.on('error', (err) => {
        this.workerFailure = err
      })
      this.workers.push(worker)
      this.seqs[s] = 0
    }
  }

  /** Reserves bytes (aligned to 64) for the context's lifetime; grows the memory as needed. */
  alloc(bytes: number, align = 64): number {
    this.assertLive()
    const start = Math.ceil(this.top / align) * align
    const end = start + Math.max(0, Math.ceil(bytes))
    if (end > MAX_PAGES * PAGE) {
      throw new AppError('UNSUPPORTED', `numeric memory limit reached: ${end} bytes requested, WebAssembly memory holds at most 4 GiB`)
    }
    const have = this.memory.buffer.byteLength
    if (end > have) {
      const want = Math.max(Math.ceil((end - have) / PAGE), Math.ceil(have / PAGE / 4)) // grow ≥ 25% at a time
      this.memory.grow(Math.min(want, MAX_PAGES - have / PAGE))
    }
    this.top = end
    return start
  }

  /** Current allocation mark, for releasing scratch space with `release`. */
  mark(): number {
    return this.top
  }

  release(mark: number): void {
    if (mark < CONTROL_BYTES || mark > this.top) throw new RangeError(`bad allocation mark ${mark}`)
    this.top = mark
  }

  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.memory.buffer, ptr, length)
  }

  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.memory.buffer, ptr, length)
  }

  i16(ptr: number, length: number): Int16Array {
    return new Int16Array(this.memory.buffer, ptr, length)
  }

  i8(ptr: number, length: number): Int8Array {
    return new Int8Array(this.memory.buffer, ptr, length)
  }

  /** Runs kernel calls on the calling thread. */
  call(calls: readonly KernelCall[]): void {
    this.assertLive()
    for (const c of calls) {
      const fn = this.fns.get(c.kernel)
      if (!fn) throw new AppError('INTERNAL', `unknown kernel ${c.kernel}`)
      fn(...c.args)
    }
  }

  /**
   * Runs one list of calls per thread and returns when all are done: list 0 on the calling thread,
   * the others on helpers (at most helpers + 1 lists). Blocks the calling thread. Calls of one list
   * run in order; lists longer than a helper's command slot run in several rounds.
   */
  parallel(perThread: readonly (readonly KernelCall[])[]): void {
    this.assertIdle()
    if (perThread.length > this.helpers + 1) throw new RangeError(`${perThread.length} lists for ${this.helpers + 1} threads`)
    const next = perThread.map(() => 0)
    for (let round = 0; ; round++) {
      const started: number[] = []
      for (let t = 1; t < perThread.length; t++) {
        if (next[t] < perThread[t].length) {
          next[t] = this.dispatch(t, perThread[t], next[t])
          started.push(t)
        }
      }
      if (round === 0 && perThread.length > 0) this.call(perThread[0])
      for (const s of started) this.awaitSlotSync(s)
      if (started.length === 0) return
    }
  }

  /** Runs one list per helper thread (at most `helpers` lists) without blocking the caller. */
  async parallelAsync(perHelper: readonly (readonly KernelCall[])[]): Promise<void> {
    this.assertIdle()
    if (perHelper.length > this.helpers) throw new RangeError(`${perHelper.length} lists for ${this.helpers} helpers`)
    this.busy = true
    // a pending Atomics.waitAsync does not keep Node's event loop alive; the helpers do while referenced
    for (const w of this.workers) w.ref()
    try {
      const next = perHelper.map(() => 0)
      for (;;) {
        const started: number[] = []
        perHelper.forEach((list, t) => {
          if (next[t] < list.length) {
            next[t] = this.dispatch(t + 1, list, next[t])
            started.push(t + 1)
          }
        })
        if (started.length === 0) return
        for (const s of started) await this.awaitSlotAsync(s)
      }
    } finally {
      this.busy = false
      for (const w of this.workers) w.unref()
    }
  }

  /** True while a `parallelAsync` run is in flight (other runs must wait or use `call`). */
  get isBusy(): boolean {
    return this.busy
  }

  /** Stops the helper threads; the memory is released when the context is garbage. */
  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    for (let s = 1; s <= this.workers.length; s++) {
      const base = s * SLOT_INTS
      this.ctrl[base + 2] = QUIT
      Atomics.add(this.ctrl, base, 1)
      Atomics.notify(this.ctrl, base)
    }
    for (const w of this.workers) void w.terminate()
    this.workers.length = 0
  }

  get isDisposed(): boolean {
    return this.disposed
  }

  /** Writes calls [from, …) that fit into the slot's command list and starts the helper; returns the next index. */
  private dispatch(slot: number, calls: readonly KernelCall[], from: number): number {
    const base = slot * SLOT_INTS
    let at = base + HEADER_INTS
    let i = from
    for (; i < calls.length; i++) {
      const c = calls[i]
      const fi = this.kernelIndex.get(c.kernel)
      if (fi === undefined) throw new AppError('INTERNAL', `unknown kernel ${c.kernel}`)
      if (at + 2 + c.args.length > base + SLOT_INTS) break
      const params = KERNEL_SIGNATURES[fi].params
      this.ctrl[at] = fi
      this.ctrl[at + 1] = c.args.length
      for (let j = 0; j < c.args.length; j++) {
        if (params[j] === F32) this.ctrlF[at + 2 + j] = c.args[j]
        else this.ctrl[at + 2 + j] = c.args[j]
      }
      at += 2 + c.args.length
    }
    this.ctrl[base + 2] = i - from
    this.seqs[slot] = (this.seqs[slot] + 1) | 0
    Atomics.store(this.ctrl, base, this.seqs[slot])
    Atomics.notify(this.ctrl, base)
    return i
  }

  private async awaitSlotAsync(slot: number): Promise<void> {
    const waitAsync = waitAsyncFn()
    const base = slot * SLOT_INTS
    for (;;) {
      const done = Atomics.load(this.ctrl, base + 1)
      if (done === this.seqs[slot]) break
      if (this.disposed) throw new AppError('CANCELLED', 'numeric context disposed during a run')
      if (Atomics.load(this.ctrl, base + 4) !== 0) throw new AppError('WORKER_CRASHED', `numeric helper thread ${slot} could not start`)
      if (this.workerFailure) throw new AppError('WORKER_CRASHED', `numeric helper thread failed: ${this.workerFailure.message}`)
      if (waitAsync) {
        // bounded waits, so that a dispose or a dead helper is noticed
        const r = waitAsync(this.ctrl, base + 1, done, 250)
        if (r.async) await r.value
      } else {
        await new Promise((resolve) => setTimeout(resolve, 1))
      }
    }
    this.checkStatus(slot)
  }

  private awaitSlotSync(slot: number): void {
    const base = slot * SLOT_INTS
    for (;;) {
      const done = Atomics.load(this.ctrl, base + 1)
      if (done === this.seqs[slot]) break
      if (Atomics.load(this.ctrl, base + 4) !== 0) throw new AppError('WORKER_CRASHED', `numeric helper thread ${slot} could not start`)
      if (this.workerFailure) throw new AppError('WORKER_CRASHED', `numeric helper thread failed: ${this.workerFailure.message}`)
      Atomics.wait(this.ctrl, base + 1, done, 1000)
    }
    this.checkStatus(slot)
  }

  private checkStatus(slot: number): void {
    if (this.ctrl[slot * SLOT_INTS + 3] !== 0) throw new AppError('INTERNAL', `numeric kernel failed on helper thread ${slot}`)
  }

  private assertLive(): void {
    if (this.disposed) throw new AppError('INTERNAL', 'numeric context used after dispose')
  }

  private assertIdle(): void {
    this.assertLive()
    if (this.busy) throw new AppError('INTERNAL', 'numeric helper threads are busy with an asynchronous run')
  }
}
