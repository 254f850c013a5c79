// The self-check a converted checkpoint passes before it is registered. On a generated 2 s signal
// (a chirp, two tones and noise; seeded):
//  1. the package runs on the CPU, outputs [8·T', D] patch embeddings with T' = ⌊frames/16⌋, all
//     finite;
//  2. a second path: the first min(2, L) layers built with plain ONNX operators ('standard'
//     attention) against the same layers with onnxruntime's fused attention kernel (what the
//     package uses) agree within 1e-3·max(1, rms) — the fused kernel and its relative-position
//     bias are the part of the graph most likely to go wrong on a new runtime or checkpoint;
//  3. with a classifier, the package's logits equal the head applied in float64 to the mean of
//     its patch embeddings (within 1e-4·max(1, |logit|));
//  4. an int8 package keeps the clip embedding of the fp32 graph: cosine ≥ 0.99.
// Anything else fails the import with MODEL_INVALID and the numbers.
import { AppError, throwIfAborted } from '../errors'
import { computeFbank } from '../features/fbank'
import type { EncoderEngine, EngineOptions, EngineSource } from '../model/engine/encoder-engine'
import { buildEncoderGraph } from '../model/onnx/encoder-graph'
import type { ModelManifest } from '../model/package/manifest'
import type { LoadedCheckpoint } from '../model/types'

const SECONDS = 2
const RATE = 16_000
const SECOND_PATH_TOLERANCE = 1e-3
const HEAD_TOLERANCE = 1e-4
const INT8_MIN_COSINE = 0.99

export interface ParityReport {
  signalSeconds: number
  patches: number
  dim: number
  finite: true
  fusedVsStandard: { layers: number; maxAbsDiff: number; tolerance: number }
  head?: { classes: number; maxAbsDiff: number }
  int8?: { clipCosine: number }
}

export type EngineMaker = (source: EngineSource, opts: EngineOptions) => Promise<EncoderEngine>

async function defaultEngine(source: EngineSource, opts: EngineOptions): Promise<EncoderEngine> {
  const { createEncoderEngine } = await import('../model/engine/encoder-engine')
  return createEncoderEngine(source, opts)
}

/** The check signal: a 300 → 5000 Hz chirp, 700 Hz and 2.9 kHz tones in turn, and white noise. */
export function paritySignal(): Float32Array {
  const n = SECONDS * RATE
  const out = new Float32Array(n)
  let s = 12345
  for (let i = 0; i < n; i++) {
    const t = i / RATE
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    const chirp = 0.3 * Math.sin(2 * Math.PI * (300 * t + (4700 / (2 * SECONDS)) * t * t))
    const tone = 0.2 * Math.sin(2 * Math.PI * (t % 0.5 < 0.25 ? 700 : 2900) * t)
    out[i] = chirp + tone + 0.02 * (s / 2 ** 32 - 0.5)
  }
  return out
}

async function runOnce(make: EngineMaker, source: EngineSource, fbank: Float32Array, frames: number): Promise<{ patches: Float32Array; logits?: Float32Array; dim: number }> {
  const engine = await make(source, { threads: 1, providers: ['cpu'], verify: false })
  try {
    const out = await engine.run(fbank, 1, frames)
    return { patches: out.patches, logits: out.logits, dim: out.dim }
  } finally {
    await engine.dispose()
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let m = 0
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]))
  return m
}

function rms(a: Float32Array): number {
  let s = 0
  for (const v of a) s += v * v
  return Math.sqrt(s / Math.max(1, a.length))
}

function meanRows(x: Float32Array, dim: number): Float64Array {
  const rows = x.length / dim
  const out = new Float64Array(dim)
  for (let r = 0; r < rows; r++) for (let d = 0; d < dim; d++) out[d] += x[r * dim + d]
  for (let d = 0; d < dim; d++) out[d] /= rows
  return out
}

function fail(what: string, details: Record<string, unknown>): never {
  throw new AppError('MODEL_INVALID', `the converted model failed its self-check: ${what}`, details)
}

export async function checkConvertedModel(loaded: LoadedCheckpoint, modelPath: string, manifest: ModelManifest, opts: { signal?: AbortSignal; createEngine?: EngineMaker } = {}): Promise<ParityReport> {
  const make = opts.createEngine ?? defaultEngine
  const arch = loaded.architecture
  const { data: fbank, frames } = computeFbank(paritySignal(), manifest.normalization)
  const timePatches = Math.floor(frames / 16)

  throwIfAborted(opts.signal)
  const full = await runOnce(make, { modelPath, manifest }, fbank, frames)
  const D = arch.dim
  if (full.dim !== D || full.patches.length !== 8 * timePatches * D) {
    fail(`expected ${8 * timePatches}×${D} patch embeddings, got ${full.patches.length} values of dim ${full.dim}`, { frames })
  }
  if (!full.patches.every(Number.isFinite)) fail('the patch embeddings are not all finite', { frames })

  throwIfAborted(opts.signal)
  const k = Math.min(2, arch.layers)
  const quantization = manifest.quantization
  const fused = buildEncoderGraph(arch, loaded.encoder, { layers: k, attention: 'fused', quantization })
  const standard = buildEncoderGraph(arch, loaded.encoder, { layers: k, attention: 'standard', quantization })
  const a = await runOnce(make, { modelBytes: fused.bytes }, fbank, frames)
  const b = await runOnce(make, { modelBytes: standard.bytes }, fbank, frames)
  const diff = maxAbsDiff(a.patches, b.patches)
  const tolerance = SECOND_PATH_TOLERANCE * Math.max(1, rms(b.patches))
  if (!(diff <= tolerance)) fail(`the first ${k} layers differ by ${diff.toExponential(2)} between the fused and the plain attention graph (tolerance ${tolerance.toExponential(2)})`, { maxAbsDiff: diff })
  const report: ParityReport = { signalSeconds: SECONDS, patches: 8 * timePatches, dim: D, finite: true, fusedVsStandard: { layers: k, maxAbsDiff: diff, tolerance } }

  const head = loaded.head
  if (head && manifest.head) {
    if (!full.logits) fail('the checkpoint has a classifier but the model has no logits output', {})
    const C = head.weight.shape[0]
    const mean = meanRows(full.patches, D)
    let worst = 0
    for (let c = 0; c < C; c++) {
      let z = head.bias.data[c]
      for (let d = 0; d < D; d++) z += head.weight.data[c * D + d] * mean[d]
      const err = Math.abs(full.logits[c] - z) / Math.max(1, Math.abs(z))
      worst = Math.max(worst, err)
    }
    if (!(worst <= HEAD_TOLERANCE)) fail(`the classifier logits differ from the head applied to the mean patch embedding by ${worst.toExponential(2)} (relative)`, { maxAbsDiff: worst })
    report.head = { classes: C, maxAbsDiff: worst }
  }

  if (quantization === 'int8') {
    throwIfAborted(opts.signal)
    const fp32 = buildEncoderGraph(arch, loaded.encoder, { quantization: 'none' })
    const ref = await runOnce(make, { modelBytes: fp32.bytes }, fbank, frames)
    const x = meanRows(full.patches, D)
    const y = meanRows(ref.patches, D)
    let xy = 0
    let xx = 0
    let yy = 0
    for (let d = 0; d < D; d++) {
      xy += x[d] * y[d]
      xx += x[d] * x[d]
      yy += y[d] * y[d]
    }
    const cosine = xy / Math.sqrt(xx * yy)
    if (!(cosine >= INT8_MIN_COSINE)) fail(`the int8 model's clip embedding has cosine ${cosine.toFixed(4)} with the fp32 one (needs ≥ ${INT8_MIN_COSINE})`, { clipCosine: cosine })
    report.int8 = { clipCosine: cosine }
  }
  return report
}
