// The parity check a trained model passes before it is registered: the trainer embeds a generated
// probe clip with its own PyTorch model (fp32, CPU) and the app embeds the same file with the
// converted ONNX package through its own decoder, fbank and window pooling. Window embeddings must
// agree within issue 3's end-to-end tolerance (5e-3 · max(1, rms)); with a classifier, the head's
// scores on the app's window embeddings must match the trainer's within 1e-3.
import { join } from 'node:path'
import { z } from 'zod'
import { AppError, throwIfAborted } from '../errors'
import { embedFile } from '../model/embed/embed-file'
import type { EncoderEngine, EngineOptions, EngineSource } from '../model/engine/encoder-engine'
import type { ModelManifest } from '../model/package/manifest'
import type { ClassifierHead } from '../model/types'
import { writeJsonFileAtomic } from '../runtime/json-file'
import { readJsonFile } from './job-folder'
import { readNpyMatrix, type Float32Matrix } from './npy-reader'
import { probeSignal, writeFloatWav } from './probe-clip'
import { trainerEnv } from './trainer-location'
import { runTrainerProcess, trainerFailure } from './trainer-process'

export const PROBE_WINDOW = { windowS: 1, hopS: 0.5 }
const EMBEDDING_TOLERANCE = 5e-3
const SCORE_TOLERANCE = 1e-3

export interface ProbeReference {
  wav: string
  embeddings: Float32Matrix
  scores: Float32Matrix | null
}

export interface TrainerParityReport {
  probeSeconds: number
  windows: number
  dim: number
  maxAbsDiff: number
  tolerance: number
  minCosine: number
  scores: { classes: number; maxAbsDiff: number; tolerance: number } | null
}

const ProbeIndex = z.object({
  recordings: z.array(z.object({ id: z.string(), status: z.string(), embeddings: z.string().optional(), scores: z.string().nullable().optional(), error: z.object({ code: z.string(), message: z.string() }).optional() }).passthrough()),
}).passthrough()

export interface ProbeRun {
  python: string
  trainerDir: string
  /** Folder for the probe clip and the trainer's output (created). */
  dir: string
  checkpoint: string
  signal?: AbortSignal
}

/** The trainer's own window embeddings (and scores) of the probe clip. */
export async function trainerProbe(o: ProbeRun): Promise<ProbeReference> {
  const wav = join(o.dir, 'probe.wav')
  writeFloatWav(wav, probeSignal())
  const jobFile = join(o.dir, 'job.json')
  writeJsonFileAtomic(jobFile, {
    type: 'embed',
    output_dir: 'out',
    data: { items: [{ id: 'probe', path: 'probe.wav' }] },
    hparams: { window_s: PROBE_WINDOW.windowS, hop_s: PROBE_WINDOW.hopS, batch_size: 2, precision: 'fp32', num_workers: 0, fbank_on: 'worker', progress_interval_s: 5 },
    model: { checkpoint: o.checkpoint },
    device: 'cpu',
    seed: 0,
    resume: false,
  })
  const exit = await runTrainerProcess({ python: o.python, args: ['-m', 'openbeats_trainer', jobFile], cwd: o.dir, env: trainerEnv(o.trainerDir), signal: o.signal, graceMs: 5_000 })
  throwIfAborted(o.signal)
  if (exit.done?.status !== 'completed') throw trainerFailure(exit, 'probe embedding')
  const index = readJsonFile(join(o.dir, 'out', 'index.json'), ProbeIndex, "the trainer's probe index")
  const entry = index.recordings.find((r) => r.id === 'probe')
  if (!entry || entry.status !== 'ok' || !entry.embeddings) {
    throw new AppError('MODEL_INVALID', `the trainer could not embed the probe clip: ${entry?.error ? `${entry.error.code}: ${entry.error.message}` : 'no result'}`)
  }
  const out = join(o.dir, 'out')
  return { wav, embeddings: readNpyMatrix(join(out, entry.embeddings)), scores: entry.scores ? readNpyMatrix(join(out, entry.scores)) : null }
}

export type EngineMaker = (source: EngineSource, opts: EngineOptions) => Promise<EncoderEngine>

async function defaultEngine(source: EngineSource, opts: EngineOptions): Promise<EncoderEngine> {
  const { createEncoderEngine } = await import('../model/engine/encoder-engine')
  return createEncoderEngine(source, opts)
}

function activate(logits: Float64Array, activation: ClassifierHead['activation']): Float64Array {
  if (activation === 'sigmoid') return logits.map((z) => 1 / (1 + Math.exp(-z)))
  const max = Math.max(...logits)
  const e = logits.map((z) => Math.exp(z - max))
  const sum = e.reduce((a, b) => a + b, 0)
  return e.map((v) => v / sum)
}

/** Embeds the probe with the converted package and compares; throws MODEL_INVALID with the numbers when it disagrees. */
export async function compareWithPackage(
  reference: ProbeReference,
  pkg: { modelPath: string; manifest: ModelManifest },
  head: ClassifierHead | undefined,
  opts: { signal?: AbortSignal; createEngine?: EngineMaker } = {},
): Promise<TrainerParityReport> {
  const engine = await (opts.createEngine ?? defaultEngine)(pkg, { threads: 1, providers: ['cpu'], verify: false, signal: opts.signal })
  const windows: Float32Array[] = []
  let seconds: number
  try {
    const result = await embedFile(reference.wav, engine, { windowSeconds: PROBE_WINDOW.windowS, hopSeconds: PROBE_WINDOW.hopS, normalization: pkg.manifest.normalization, signal: opts.signal, onWindow: (w) => void windows.push(w.embedding) })
    seconds = result.durationSeconds
  } finally {
    await engine.dispose()
  }
  const ref = reference.embeddings
  const D = ref.columns
  const fail = (what: string, details: Record<string, unknown>): never => {
    throw new AppError('MODEL_INVALID', `the trained model failed its parity check against the trainer: ${what}`, details)
  }
  if (windows.length !== ref.rows || windows[0]?.length !== D) fail(`the app makes ${windows.length} windows of ${windows[0]?.length ?? 0} values, the trainer ${ref.rows} of ${D}`, {})
  let maxAbsDiff = 0
  let sumSquares = 0
  let minCosine = 1
  windows.forEach((w, r) => {
    let xy = 0
    let xx = 0
    let yy = 0
    for (let d = 0; d < D; d++) {
      const x = w[d]
      const y = ref.data[r * D + d]
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(x - y))
      sumSquares += y * y
      xy += x * y
      xx += x * x
      yy += y * y
    }
    minCosine = Math.min(minCosine, xy / Math.sqrt(xx * yy))
  })
  const tolerance = EMBEDDING_TOLERANCE * Math.max(1, Math.sqrt(sumSquares / (ref.rows * D)))
  if (!(maxAbsDiff <= tolerance)) fail(`window embeddings differ by up to ${maxAbsDiff.toExponential(2)} (tolerance ${tolerance.toExponential(2)}, min cosine ${minCosine.toFixed(5)})`, { maxAbsDiff, tolerance, minCosine })
  let scores: TrainerParityReport['scores'] = null
  if (head && reference.scores) {
    const C = head.weight.shape[0]
    if (reference.scores.columns !== C || reference.scores.rows !== windows.length) fail(`the trainer scored ${reference.scores.columns} classes, the model has ${C}`, {})
    let worst = 0
    windows.forEach((w, r) => {
      const logits = new Float64Array(C)
      for (let c = 0; c < C; c++) {
        let z = head.bias.data[c]
        for (let d = 0; d < D; d++) z += head.weight.data[c * D + d] * w[d]
        logits[c] = z
      }
      activate(logits, head.activation).forEach((p, c) => (worst = Math.max(worst, Math.abs(p - (reference.scores as Float32Matrix).data[r * C + c]))))
    })
    if (!(worst <= SCORE_TOLERANCE)) fail(`classifier scores differ by up to ${worst.toExponential(2)} (tolerance ${SCORE_TOLERANCE})`, { maxAbsDiff: worst })
    scores = { classes: C, maxAbsDiff: worst, tolerance: SCORE_TOLERANCE }
  } else if (head || reference.scores) {
    fail(head ? 'the trainer produced no scores for a model with a classifier' : 'the trainer scored classes the converted model does not have', {})
  }
  return { probeSeconds: seconds, windows: windows.length, dim: D, maxAbsDiff, tolerance, minCosine, scores }
}
