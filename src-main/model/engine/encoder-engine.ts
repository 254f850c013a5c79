// The OpenBEATs encoder on onnxruntime-node: normalised fbank batches in, patch embeddings (and
// logits / a hidden state when the graph has them) out. One session per engine; dispose() frees it.
import * as ort from 'onnxruntime-node'
import { AppError, throwIfAborted } from '../../errors'
import { ENCODER_IO, MEL_BINS } from '../onnx/encoder-graph'
import type { ModelManifest } from '../package/manifest'
import { readModelPackage } from '../package/read-package'
import { createSessionWithFallback, type ProviderName, type ProviderReport } from './providers'

/** The smallest input the encoder accepts: one time patch. */
export const MIN_FRAMES = 16

export type EngineSource = string | { modelPath: string; manifest: ModelManifest } | { modelBytes: Uint8Array; manifest?: ModelManifest }

export interface EngineOptions {
  /** Intra-op threads (default: onnxruntime's choice, one per physical core). */
  threads?: number
  providers?: readonly ProviderName[]
  spinning?: boolean
  /** Check model.onnx against the manifest's sha256 when opening a package dir (default true). */
  verify?: boolean
  signal?: AbortSignal
}

export interface EncoderOutput {
  /** [batch, patches, dim], row t·8+f within each item */
  patches: Float32Array
  batch: number
  /** patches per item = 8·⌊frames/16⌋ */
  patchCount: number
  dim: number
  /** [batch, classes] when the model has a classifier head */
  logits?: Float32Array
  /** [batch, patches, dim] when the graph was built with a hidden-state output */
  hidden?: Float32Array
}

export interface RunOptions {
  /** Valid frames per item, for graphs built with a padding mask. */
  frameLengths?: readonly number[]
  signal?: AbortSignal
}

export interface EncoderEngine {
  readonly provider: ProviderReport
  readonly manifest?: ModelManifest
  readonly dim: number
  readonly classes: number
  readonly acceptsFrameLengths: boolean
  run(fbank: Float32Array, batch: number, frames: number, opts?: RunOptions): Promise<EncoderOutput>
  dispose(): Promise<void>
}

function lastDim(meta: readonly ort.InferenceSession.ValueMetadata[], name: string): number {
  const m = meta.find((v) => v.name === name)
  const dim = m && m.isTensor ? m.shape[m.shape.length - 1] : undefined
  return typeof dim === 'number' ? dim : 0
}

function frameLengthsTensor(lengths: readonly number[]): ort.Tensor {
  return new ort.Tensor('int64', BigInt64Array.from(lengths.map((n) => BigInt(n))), [lengths.length])
}

export async function createEncoderEngine(source: EngineSource, opts: EngineOptions = {}): Promise<EncoderEngine> {
  throwIfAborted(opts.signal)
  let model: string | Uint8Array
  let manifest: ModelManifest | undefined
  if (typeof source === 'string') {
    const pkg = await readModelPackage(source, { verify: opts.verify, signal: opts.signal })
    model = pkg.modelPath
    manifest = pkg.manifest
  } else if ('modelPath' in source) {
    model = source.modelPath
    manifest = source.manifest
  } else {
    model = source.modelBytes
    manifest = source.manifest
  }

  let inputNames: readonly string[] = []
  const feedsFor = (fbank: Float32Array, batch: number, frames: number, lengths?: readonly number[]): Record<string, ort.Tensor> => {
    const feeds: Record<string, ort.Tensor> = { [ENCODER_IO.fbank]: new ort.Tensor('float32', fbank, [batch, frames, MEL_BINS]) }
    if (inputNames.includes(ENCODER_IO.frameLengths)) feeds[ENCODER_IO.frameLengths] = frameLengthsTensor(lengths ?? Array(batch).fill(frames))
    return feeds
  }
  const { session, report } = await createSessionWithFallback({
    model,
    threads: opts.threads,
    providers: opts.providers,
    spinning: opts.spinning,
    signal: opts.signal,
    // A GPU provider may load yet fail on some node of this model: run it once before trusting it.
    validate: async (s) => {
      inputNames = s.inputNames
      await s.run(feedsFor(new Float32Array(2 * MIN_FRAMES * MEL_BINS), 1, 2 * MIN_FRAMES))
    },
  })
  inputNames = session.inputNames
  if (!inputNames.includes(ENCODER_IO.fbank) || !session.outputNames.includes(ENCODER_IO.patches)) {
    await session.release()
    throw new AppError('MODEL_INVALID', `the model has inputs [${inputNames.join(', ')}] and outputs [${session.outputNames.join(', ')}], not an OpenBEATs encoder graph`)
  }
  const dim = lastDim(session.outputMetadata, ENCODER_IO.patches) || (manifest?.architecture.dim ?? 0)
  const classes = session.outputNames.includes(ENCODER_IO.logits) ? lastDim(session.outputMetadata, ENCODER_IO.logits) : 0
  let disposed = false

  return {
    provider: report,
    manifest,
    dim,
    classes,
    acceptsFrameLengths: inputNames.includes(ENCODER_IO.frameLengths),
    async run(fbank, batch, frames, runOpts = {}) {
      throwIfAborted(runOpts.signal)
      if (disposed) throw new AppError('INTERNAL', 'encoder engine used after dispose()')
      if (!Number.isInteger(batch) || batch < 1 || !Number.isInteger(frames) || frames < MIN_FRAMES) {
        throw new AppError('INVALID_REQUEST', `encoder input needs batch ≥ 1 and ≥ ${MIN_FRAMES} frames, got batch ${batch}, ${frames} frames`)
      }
      if (fbank.length !== batch * frames * MEL_BINS) {
        throw new AppError('INVALID_REQUEST', `fbank has ${fbank.length} values, expected ${batch}×${frames}×${MEL_BINS}`)
      }
      if (runOpts.frameLengths && runOpts.frameLengths.length !== batch) {
        throw new AppError('INVALID_REQUEST', `frameLengths has ${runOpts.frameLengths.length} entries for a batch of ${batch}`)
      }
      if (runOpts.frameLengths && !inputNames.includes(ENCODER_IO.frameLengths) && runOpts.frameLengths.some((n) => n !== frames)) {
        throw new AppError('INVALID_REQUEST', 'this model was built without a padding mask: batch only equal-length inputs')
      }
      const out = await session.run(feedsFor(fbank, batch, frames, runOpts.frameLengths))
      const patches = out[ENCODER_IO.patches].data as Float32Array
      const result: EncoderOutput = { patches, batch, patchCount: patches.length / (batch * dim), dim }
      if (out[ENCODER_IO.logits]) result.logits = out[ENCODER_IO.logits].data as Float32Array
      if (out[ENCODER_IO.hidden]) result.hidden = out[ENCODER_IO.hidden].data as Float32Array
      return result
    },
    async dispose() {
      if (disposed) return
      disposed = true
      await session.release()
    },
  }
}
