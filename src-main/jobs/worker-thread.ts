// Worker threads beside a job's main thread (not job workers: those are child processes). Each
// thread's entry is a file of src-main/workers/ and its own bundle: <name>.js when built, the
// TypeScript source when running under tsx (tests, benchmarks).
//
// A thread streams items to its starter: the starter hands out credits, so at most `ahead` items
// wait between the two (bounded memory whatever the thread produces), and the thread may also post
// side messages (warnings, progress) that do not use credits. serveThreadStream is the thread's
// side of the protocol, streamFromThread the starter's.
import { existsSync } from 'node:fs'
import { Worker, type MessagePort } from 'node:worker_threads'
import type { AppErrorData } from '../../src-shared/errors'
import { AppError, fromErrorData, throwIfAborted, toErrorData } from '../errors'

/** The entry of thread `name` in `workersDir`: the built bundle, or the TypeScript source; null if neither is there. */
export function workerThreadEntry(workersDir: string, name: string): string | null {
  for (const file of [`${name}.js`, `${name}.ts`]) {
    const path = `${workersDir}/${file}`
    if (existsSync(path)) return path
  }
  return null
}

/** Starts the thread at `entry` with `workerData`. */
export function startWorkerThread(entry: string, workerData: unknown): Worker {
  if (entry.endsWith('.ts')) {
    // Running from the sources: the thread needs the TypeScript loader too.
    return new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)})`, { eval: true, workerData })
  }
  return new Worker(entry, { workerData })
}

type StreamMessage<T, S> = { t: 'item'; item: T } | { t: 'side'; side: S } | { t: 'end' } | { t: 'error'; error: AppErrorData }

/** The thread side, pushed item by item: `push` waits while the starter holds no credit for one more. */
export interface ThreadStreamWriter<T, S> {
  push(item: T, moved?: ArrayBuffer[]): Promise<void>
  side(side: S): void
  end(): void
  fail(err: unknown): void
  /** Aborted when the starter asks the thread to stop (streamFromThread's `stopGracefully`); `push` then throws. */
  readonly stopped: AbortSignal
}

/** A writer for the stream the starter reads with streamFromThread (`ahead` credits to begin with). */
export function threadStreamWriter<T, S = never>(port: MessagePort, ahead: number): ThreadStreamWriter<T, S> {
  let credits = ahead
  let wake: (() => void) | null = null
  const stop = new AbortController()
  port.on('message', (m: { t: 'credit' | 'stop' }) => {
    if (m.t === 'credit') credits++
    else if (m.t === 'stop') stop.abort(new AppError('CANCELLED', 'the thread was asked to stop'))
    else return
    wake?.()
    wake = null
  })
  const post = (m: StreamMessage<T, S>, moved?: ArrayBuffer[]) => port.postMessage(m, moved)
  return {
    async push(item, moved) {
      for (;;) {
        throwIfAborted(stop.signal)
        if (credits > 0) break
        await new Promise<void>((resolve) => (wake = resolve))
      }
      credits--
      post({ t: 'item', item }, moved)
    },
    stopped: stop.signal,
    side: (side) => post({ t: 'side', side }),
    end: () => post({ t: 'end' }),
    fail: (err) => post({ t: 'error', error: toErrorData(err) }),
  }
}

/**
 * The thread side: posts the items of `produce(postSide)` while credits last (`ahead` to begin
 * with), then the end or the error. `transfer` names buffers to move rather than copy.
 */
export function serveThreadStream<T, S = never>(
  port: MessagePort,
  ahead: number,
  produce: (postSide: (side: S) => void) => AsyncIterable<T> | Iterable<T>,
  transfer?: (item: T) => ArrayBuffer[],
): void {
  const out = threadStreamWriter<T, S>(port, ahead)
  void (async () => {
    try {
      for await (const item of produce(out.side)) await out.push(item, transfer?.(item))
      out.end()
    } catch (err) {
      out.fail(err)
    }
  })()
}

export interface ThreadStreamOptions<S> {
  /** The thread in error messages, e.g. "the decode thread for /a/b.wav". */
  what: string
  /** What an early exit left undone, e.g. "before the end of the file". */
  unfinished: string
  signal?: AbortSignal
  onSide?: (side: S) => void
  /**
   * When the reader stops before the end (cancel, an error): ask the thread to stop and wait up
   * to this many ms for its last message before terminating it. For threads that must not be
   * terminated mid-call (onnxruntime-node aborts the process when its thread is torn down during
   * a run); the thread watches its writer's `stopped`.
   */
  stopGracefully?: number
}

/** The starter side: the items the thread at `entry` streams (serveThreadStream); the thread is stopped when this ends. */
export async function* streamFromThread<T, S = never>(entry: string, workerData: unknown, opts: ThreadStreamOptions<S>): AsyncGenerator<T, void, undefined> {
  const { signal } = opts
  throwIfAborted(signal)
  const worker = startWorkerThread(entry, workerData)
  const queue: T[] = []
  let finished = false
  let failure: AppError | null = null
  let wake: (() => void) | null = null
  const notify = () => {
    wake?.()
    wake = null
  }
  worker.on('message', (m: StreamMessage<T, S>) => {
    if (m.t === 'item') queue.push(m.item)
    else if (m.t === 'side') opts.onSide?.(m.side)
    else if (m.t === 'end') finished = true
    else failure = fromErrorData(m.error)
    notify()
  })
  worker.on('error', (err) => {
    failure ??= new AppError('INTERNAL', `${opts.what} failed: ${err.message}`)
    notify()
  })
  worker.on('exit', (code) => {
    if (!finished && !failure) failure = new AppError('INTERNAL', `${opts.what} exited (code ${code}) ${opts.unfinished}`)
    notify()
  })
  signal?.addEventListener('abort', notify, { once: true })
  try {
    for (;;) {
      throwIfAborted(signal)
      const item = queue.shift()
      if (item !== undefined) {
        worker.postMessage({ t: 'credit' })
        yield item
        continue
      }
      if (failure) throw failure
      if (finished) return
      await new Promise<void>((resolve) => (wake = resolve))
    }
  } finally {
    signal?.removeEventListener('abort', notify)
    if (opts.stopGracefully !== undefined && !finished && !failure) {
      worker.postMessage({ t: 'stop' })
      const until = performance.now() + opts.stopGracefully
      while (!finished && !failure && performance.now() < until) {
        await new Promise<void>((resolve) => {
          // the thread's last message or the deadline, whichever comes first; no timer is left behind
          const timer = setTimeout(resolve, Math.max(1, until - performance.now()))
          wake = () => {
            clearTimeout(timer)
            resolve()
          }
        })
      }
    }
    await worker.terminate()
  }
}
