// Decoding and resampling on a worker thread, so they overlap the encoder: onnxruntime-node runs a
// session synchronously on the JS thread, so nothing else on that thread moves while it encodes.
// The thread runs stream16k and posts the 16 kHz blocks (transferred, not copied); the consumer
// hands out credits, so at most MAX_BLOCKS_AHEAD blocks wait between the two (bounded memory on
// any file). The thread entry is src-main/workers/decode-thread.ts (its own bundle); this module
// is both sides of the protocol.
import type { MessagePort } from 'node:worker_threads'
import { stream16k, type ChannelSelection } from '../audio'
import type { AppErrorData } from '../../src-shared/errors'
import { AppError, fromErrorData, throwIfAborted, toErrorData } from '../errors'
import { startWorkerThread, workerThreadEntry } from '../jobs/worker-thread'

export const MAX_BLOCKS_AHEAD = 8

export interface DecodeRequest {
  path: string
  channel?: ChannelSelection
  timeExpansion?: number
}

type ThreadMessage =
  | { t: 'block'; data: Float32Array }
  | { t: 'warning'; message: string }
  | { t: 'progress'; done: number; total: number }
  | { t: 'end' }
  | { t: 'error'; error: AppErrorData }

export interface ThreadedDecodeOptions {
  signal?: AbortSignal
  onWarning?: (message: string) => void
  onProgress?: (doneSamples: number, totalSamples: number) => void
}

/** The thread side: decode `request` and post blocks while credits last. */
export function serveDecodeThread(port: MessagePort, request: DecodeRequest): void {
  let credits = MAX_BLOCKS_AHEAD
  let wake: (() => void) | null = null
  port.on('message', (m: { t: 'credit' }) => {
    if (m.t !== 'credit') return
    credits++
    wake?.()
    wake = null
  })
  const post = (m: ThreadMessage, transfer?: ArrayBuffer[]) => port.postMessage(m, transfer)
  void (async () => {
    try {
      const blocks = stream16k(request.path, {
        channel: request.channel,
        timeExpansion: request.timeExpansion,
        onWarning: (message) => post({ t: 'warning', message }),
        onProgress: (done, total) => post({ t: 'progress', done, total }),
      })
      for await (const block of blocks) {
        while (credits <= 0) await new Promise<void>((resolve) => (wake = resolve))
        credits--
        const data = block.byteOffset === 0 && block.byteLength === block.buffer.byteLength ? block : block.slice()
        post({ t: 'block', data }, [data.buffer as ArrayBuffer])
      }
      post({ t: 'end' })
    } catch (err) {
      post({ t: 'error', error: toErrorData(err) })
    }
  })()
}

/** Where the decode thread's entry is: the built bundle, or the TypeScript source under tsx. */
export function decodeThreadEntry(workersDir: string): string | null {
  return workerThreadEntry(workersDir, 'decode-thread')
}

/** stream16k(path) computed on a worker thread started from `entry`. */
export async function* stream16kOnThread(entry: string, request: DecodeRequest, opts: ThreadedDecodeOptions = {}): AsyncGenerator<Float32Array, void, undefined> {
  throwIfAborted(opts.signal)
  const worker = startWorkerThread(entry, request)
  const queue: Float32Array[] = []
  let finished = false
  let failure: AppError | null = null
  let wake: (() => void) | null = null
  const notify = () => {
    wake?.()
    wake = null
  }
  worker.on('message', (m: ThreadMessage) => {
    if (m.t === 'block') queue.push(m.data)
    else if (m.t === 'warning') opts.onWarning?.(m.message)
    else if (m.t === 'progress') opts.onProgress?.(m.done, m.total)
    else if (m.t === 'end') finished = true
    else failure = fromErrorData(m.error)
    notify()
  })
  worker.on('error', (err) => {
    failure ??= new AppError('INTERNAL', `the decode thread for ${request.path} failed: ${err.message}`)
    notify()
  })
  worker.on('exit', (code) => {
    if (!finished && !failure) failure = new AppError('INTERNAL', `the decode thread for ${request.path} exited (code ${code}) before the end of the file`)
    notify()
  })
  const abort = () => notify()
  opts.signal?.addEventListener('abort', abort, { once: true })
  try {
    for (;;) {
      throwIfAborted(opts.signal)
      const block = queue.shift()
      if (block) {
        worker.postMessage({ t: 'credit' })
        yield block
        continue
      }
      if (failure) throw failure
      if (finished) return
      await new Promise<void>((resolve) => (wake = resolve))
    }
  } finally {
    opts.signal?.removeEventListener('abort', abort)
    await worker.terminate()
  }
}
