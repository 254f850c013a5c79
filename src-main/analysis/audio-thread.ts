// Decoding and resampling on a worker thread, so they overlap the encoder: onnxruntime-node runs a
// session synchronously on the JS thread, so nothing else on that thread moves while it encodes.
// The thread runs stream16k and posts the 16 kHz blocks (transferred, not copied); the consumer
// hands out credits, so at most MAX_BLOCKS_AHEAD blocks wait between the two (bounded memory on
// any file). The thread entry is src-main/workers/decode-thread.ts (its own bundle); this module
// is both sides of the protocol.
import type { MessagePort } from 'node:worker_threads'
import { stream16k, type ChannelSelection } from '../audio'
import { serveThreadStream, streamFromThread, workerThreadEntry } from '../jobs/worker-thread'

export const MAX_BLOCKS_AHEAD = 8

export interface DecodeRequest {
  path: string
  channel?: ChannelSelection
  timeExpansion?: number
}

type Side = { t: 'warning'; message: string } | { t: 'progress'; done: number; total: number }

export interface ThreadedDecodeOptions {
  signal?: AbortSignal
  onWarning?: (message: string) => void
  onProgress?: (doneSamples: number, totalSamples: number) => void
}

/** The thread side: decode `request` and post blocks while credits last. */
export function serveDecodeThread(port: MessagePort, request: DecodeRequest): void {
  serveThreadStream<Float32Array, Side>(
    port,
    MAX_BLOCKS_AHEAD,
    async function* (postSide) {
      const blocks = stream16k(request.path, {
        channel: request.channel,
        timeExpansion: request.timeExpansion,
        onWarning: (message) => postSide({ t: 'warning', message }),
        onProgress: (done, total) => postSide({ t: 'progress', done, total }),
      })
      // a block that is a view of a larger buffer is copied, so that only its own samples move
      for await (const block of blocks) yield block.byteOffset === 0 && block.byteLength === block.buffer.byteLength ? block : block.slice()
    },
    (data) => [data.buffer as ArrayBuffer],
  )
}

/** Where the decode thread's entry is: the built bundle, or the TypeScript source under tsx. */
export function decodeThreadEntry(workersDir: string): string | null {
  return workerThreadEntry(workersDir, 'decode-thread')
}

/** stream16k(path) computed on a worker thread started from `entry`. */
export function stream16kOnThread(entry: string, request: DecodeRequest, opts: ThreadedDecodeOptions = {}): AsyncGenerator<Float32Array, void, undefined> {
  return streamFromThread<Float32Array, Side>(entry, request, {
    what: `the decode thread for ${request.path}`,
    unfinished: 'before the end of the file',
    signal: opts.signal,
    onSide: (m) => (m.t === 'warning' ? opts.onWarning?.(m.message) : opts.onProgress?.(m.done, m.total)),
  })
}
