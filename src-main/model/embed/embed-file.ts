// Recording → embeddings, streaming: decode/resample (stream16k) → grid-aligned chunks → fbank →
// batched encoder runs → per-chunk patch/frame embeddings and logits, window embeddings, and the
// clip embedding/logits, without ever holding all patch embeddings of a long recording.
import { stream16k } from '../../audio'
import type { ChannelSelection } from '../../audio'
import { AppError, throwIfAborted } from '../../errors'
import { FbankExtractor, FBANK_NUM_BINS } from '../../features/fbank'
import type { EncoderEngine } from '../engine/encoder-engine'
import { DEFAULT_NORMALIZATION, type FbankNormalization } from '../types'
import { Chunker, DEFAULT_CHUNK_PATCHES, SAMPLE_RATE, type AudioChunk } from './chunker'
import { WindowPooler, type WindowEmbedding } from './window-pooler'

export type { WindowEmbedding } from './window-pooler'

const FREQ_PATCHES = 8

export interface ChunkEmbeddings {
  index: number
  startSeconds: number
  /** Global index of the chunk's first time patch (rows of a whole-recording frame matrix). */
  firstPatch: number
  timePatches: number
  /** [timePatches·8, D], row t·8+f */
  patches: Float32Array
  /** [timePatches, D]: mean over the 8 frequency patches (6.25 Hz) */
  frames: Float32Array
  /** [C]: the head on this chunk's mean patch embedding */
  logits?: Float32Array
}

export interface EmbedProgress {
  doneSeconds: number
  totalSeconds: number
}

export interface EmbedOptions {
  /** Window embeddings (both or neither): e.g. 1 s windows every 0.5 s. */
  windowSeconds?: number
  hopSeconds?: number
  /** Time patches per chunk, k (default 62 ≈ 9.935 s). */
  chunkPatches?: number
  /** Equal-length chunks per encoder call (default 1 on the CPU, where batching adds nothing; 8 on a GPU). */
  batchSize?: number
  channel?: ChannelSelection
  timeExpansion?: number
  /** fbank constants; default the engine's manifest, else 15.41663 / 6.55582. */
  normalization?: FbankNormalization
  signal?: AbortSignal
  onProgress?: (p: EmbedProgress) => void
  onChunk?: (chunk: ChunkEmbeddings) => void | Promise<void>
  onWindow?: (w: WindowEmbedding) => void | Promise<void>
  onWarning?: (message: string) => void
}

export interface EmbedResult {
  /** 16 kHz samples read from the recording. */
  samples: number
  durationSeconds: number
  chunks: number
  /** Time patches encoded in total (frames of the whole recording at 6.25 Hz). */
  timePatches: number
  dim: number
  /** [D]: mean over every patch of every chunk */
  clip: Float32Array
  /** [C]: the head on the clip embedding (= patch-weighted mean of the chunk logits) */
  logits?: Float32Array
  windows: number
  /** Samples at the end that no patch covers (tail shorter than 0.2 s, or under one patch). */
  droppedSamples: number
  /** Zeros appended to a recording shorter than 0.2 s. */
  paddedSamples: number
  warnings: string[]
}

interface PreparedBatch {
  chunks: AudioChunk[]
  frames: number
  fbank: Float32Array
}

/** Groups chunks into equal-length batches and computes their fbank. */
async function* prepareBatches(blocks: AsyncIterable<Float32Array>, chunker: Chunker, batchSize: number, norm: FbankNormalization, tailInfo: (t: ReturnType<Chunker['finish']>) => void): AsyncGenerator<PreparedBatch> {
  const fbank = new FbankExtractor(norm)
  const toBatch = (chunks: AudioChunk[]): PreparedBatch => {
    const frames = chunks[0].timePatches * 16
    const data = new Float32Array(chunks.length * frames * FBANK_NUM_BINS)
    // Only whole time patches reach the encoder: trim each chunk to its 16·k frames.
    chunks.forEach((c, i) => fbank.computeInto(c.samples.subarray(0, 2560 * c.timePatches + 240), data, i * frames))
    return { chunks, frames, fbank: data }
  }
  let pending: AudioChunk[] = []
  for await (const block of blocks) {
    for (const chunk of chunker.push(block)) {
      pending.push(chunk)
      if (pending.length === batchSize) {
        yield toBatch(pending)
        pending = []
      }
    }
  }
  if (pending.length > 0) yield toBatch(pending)
  const end = chunker.finish()
  tailInfo(end)
  if (end.tail) yield toBatch([end.tail])
}

/** Embeds any stream of 16 kHz mono blocks (embedFile feeds it from a recording). */
export async function embedStream(blocks: AsyncIterable<Float32Array>, engine: EncoderEngine, opts: EmbedOptions & { totalSamples?: () => number } = {}): Promise<EmbedResult> {
  const { signal } = opts
  const D = engine.dim
  const C = engine.classes
  const chunker = new Chunker(opts.chunkPatches ?? DEFAULT_CHUNK_PATCHES)
  const batchSize = opts.batchSize ?? (engine.provider.used === 'cpu' ? 1 : 8)
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new AppError('INVALID_REQUEST', `batchSize must be a positive integer, got ${batchSize}`)
  const norm = opts.normalization ?? engine.manifest?.normalization ?? DEFAULT_NORMALIZATION
  const warnings: string[] = []

  if ((opts.windowSeconds === undefined) !== (opts.hopSeconds === undefined)) {
    throw new AppError('INVALID_REQUEST', 'give both windowSeconds and hopSeconds, or neither')
  }
  const windowQueue: WindowEmbedding[] = []
  const pooler = opts.windowSeconds !== undefined && opts.hopSeconds !== undefined ? new WindowPooler(opts.windowSeconds, opts.hopSeconds, D, (w) => windowQueue.push(w)) : undefined
  let windows = 0
  const flushWindows = async (): Promise<void> => {
    for (const w of windowQueue.splice(0)) {
      windows++
      await opts.onWindow?.(w)
    }
  }

  const clipSum = new Float64Array(D)
  const logitSum = new Float64Array(C)
  let totalPatches = 0
  let chunks = 0
  let tail: ReturnType<Chunker['finish']> = { droppedSamples: 0, paddedSamples: 0 }

  const batches = prepareBatches(blocks, chunker, batchSize, norm, (t) => (tail = t))
  try {
    // Ask for the next batch before awaiting the encoder, so decode/fbank can overlap inference
    // whenever the engine runs off this thread (onnxruntime-node's CPU run blocks it).
    const ask = (): Promise<IteratorResult<PreparedBatch>> => {
      const p = batches.next()
      p.catch(() => undefined) // handled when awaited; keeps an early decode error from counting as unhandled
      return p
    }
    let next = ask()
    for (;;) {
      const step = await next
      if (step.done) break
      throwIfAborted(signal)
      next = ask()
      const batch = step.value
      const out = await engine.run(batch.fbank, batch.chunks.length, batch.frames, { signal })
      const perItem = out.patchCount * D
      for (let i = 0; i < batch.chunks.length; i++) {
        const c = batch.chunks[i]
        const patches = out.patches.subarray(i * perItem, (i + 1) * perItem)
        const T = out.patchCount / FREQ_PATCHES
        const frames = new Float32Array(T * D)
        const firstPatch = c.startSample / 2560
        for (let t = 0; t < T; t++) {
          const row = frames.subarray(t * D, (t + 1) * D)
          for (let f = 0; f < FREQ_PATCHES; f++) {
            const p = patches.subarray((t * FREQ_PATCHES + f) * D, (t * FREQ_PATCHES + f + 1) * D)
            for (let d = 0; d < D; d++) {
              row[d] += p[d]
              clipSum[d] += p[d]
            }
          }
          for (let d = 0; d < D; d++) row[d] /= FREQ_PATCHES
          pooler?.push(firstPatch + t, row)
        }
        totalPatches += out.patchCount
        const logits = out.logits?.subarray(i * C, (i + 1) * C)
        if (logits) for (let k = 0; k < C; k++) logitSum[k] += logits[k] * out.patchCount
        chunks++
        await opts.onChunk?.({ index: c.index, startSeconds: c.startSample / SAMPLE_RATE, firstPatch, timePatches: T, patches, frames, ...(logits ? { logits } : {}) })
        await flushWindows()
      }
      const done = chunker.totalSamples
      opts.onProgress?.({ doneSeconds: done / SAMPLE_RATE, totalSeconds: Math.max(done, opts.totalSamples?.() ?? 0) / SAMPLE_RATE })
    }
  } finally {
    await batches.return(undefined)
  }
  pooler?.finish()
  await flushWindows()

  const samples = chunker.totalSamples
  if (totalPatches === 0) {
    throw new AppError(samples === 0 ? 'AUDIO_EMPTY' : 'AUDIO_TOO_SHORT', samples === 0 ? 'the recording has no samples' : `the recording is too short to embed (${samples} samples at 16 kHz)`)
  }
  if (tail.paddedSamples > 0) warnings.push(`recording shorter than 0.2 s: zero-padded by ${tail.paddedSamples} samples`)
  const clip = Float32Array.from(clipSum, (v) => v / totalPatches)
  const logits = C > 0 ? Float32Array.from(logitSum, (v) => v / totalPatches) : undefined
  return {
    samples,
    durationSeconds: samples / SAMPLE_RATE,
    chunks,
    timePatches: totalPatches / FREQ_PATCHES,
    dim: D,
    clip,
    ...(logits ? { logits } : {}),
    windows,
    droppedSamples: tail.droppedSamples,
    paddedSamples: tail.paddedSamples,
    warnings,
  }
}

export interface EmbedFileOptions extends EmbedOptions {
  /** Passed to the decoder: header-rate frames to start/stop at. */
  startFrame?: number
  endFrame?: number
}

/** Embeds a recording (any format stream16k reads), chunked per spec §3.6. */
export async function embedFile(path: string, engine: EncoderEngine, opts: EmbedFileOptions = {}): Promise<EmbedResult> {
  throwIfAborted(opts.signal)
  let expected = 0
  const warnings: string[] = []
  const blocks = stream16k(path, {
    channel: opts.channel,
    timeExpansion: opts.timeExpansion,
    startFrame: opts.startFrame,
    endFrame: opts.endFrame,
    signal: opts.signal,
    onWarning: (m) => {
      warnings.push(m)
      opts.onWarning?.(m)
    },
    onProgress: (_done, total) => (expected = total),
  })
  const result = await embedStream(blocks, engine, { ...opts, totalSamples: () => expected })
  return { ...result, warnings: [...warnings, ...result.warnings] }
}
