// The trainer domain: the Python/PyTorch environment that GPU jobs need, cluster bundles, importing
// a checkpoint trained elsewhere, and the live history (loss, metrics) of a training job. The jobs
// themselves (finetune, pretrain, tokenizer, gpu-embed, trainer-import) start through `jobs.start`.
import { z } from 'zod'
import { method } from './define'
import { Empty, FsPath, Id } from './common'
import { AnalyzeResult, JobSnapshot } from './jobs'
import { FinetuneParams, PretrainParams, TokenizerParams } from './trainer-params'

export const TrainerGpu = z.object({
  index: z.number().int().min(0),
  name: z.string(),
  totalMemoryBytes: z.number().min(0),
  freeMemoryBytes: z.number().min(0).nullable(),
})
export type TrainerGpu = z.infer<typeof TrainerGpu>

/**
 * What `python -m openbeats_trainer --check` found. `status`: ready = PyTorch with a CUDA GPU;
 * cpu-only = PyTorch without one (jobs run, slowly); unavailable = no usable Python or PyTorch
 * (`problems` says exactly what is missing and how to get it).
 */
export const TrainerEnvironment = z.object({
  status: z.enum(['ready', 'cpu-only', 'unavailable']),
  /** The interpreter that was tried, and where the trainer package is. */
  python: z.string(),
  trainerDir: z.string(),
  pythonVersion: z.string().nullable(),
  torch: z.string().nullable(),
  /** The CUDA version PyTorch was built with (null: a CPU build). */
  cudaBuild: z.string().nullable(),
  cudaAvailable: z.boolean(),
  gpus: z.array(TrainerGpu),
  bf16: z.boolean().nullable(),
  /** Optional packages and their versions (null = not installed). */
  packages: z.record(z.string(), z.string().nullable()),
  problems: z.array(z.string()),
  notes: z.array(z.string()),
  checkedAt: z.string(),
})
export type TrainerEnvironment = z.infer<typeof TrainerEnvironment>

/** One progress point of a training run (every trainer progress line, thinned to ≤ 2,000). */
export const TrainingPoint = z.object({
  step: z.number(),
  epoch: z.number().nullable(),
  loss: z.number().nullable(),
  lr: z.number().nullable(),
  samplesPerS: z.number().nullable(),
  /** Seconds since the job's first attempt started. */
  t: z.number(),
})
export type TrainingPoint = z.infer<typeof TrainingPoint>

export const TrainingMetrics = z.object({
  split: z.string(),
  epoch: z.number().nullable(),
  step: z.number().nullable(),
  values: z.record(z.string(), z.unknown()),
})
export type TrainingMetrics = z.infer<typeof TrainingMetrics>

export const TrainerHistory = z.object({
  jobId: Id,
  points: z.array(TrainingPoint),
  metrics: z.array(TrainingMetrics),
  checkpoints: z.array(z.object({ step: z.number().nullable(), epoch: z.number().nullable(), kind: z.string() })),
})
export type TrainerHistory = z.infer<typeof TrainerHistory>

/** What a training job's data looked like: items per label and split, and what was left out. */
export const TrainingDataSummary = z.object({
  items: z.number().int().min(0),
  recordings: z.number().int().min(0),
  audioSeconds: z.number().min(0),
  /** label code → split → items */
  perLabel: z.record(z.string(), z.record(z.string(), z.number().int().min(0))),
  perSplit: z.record(z.string(), z.number().int().min(0)),
  warnings: z.array(z.string()),
  sha256: z.string(),
})
export type TrainingDataSummary = z.infer<typeof TrainingDataSummary>

/** `result` of a succeeded finetune / pretrain / tokenizer job. */
export const TrainingRunResult = z.object({
  kind: z.enum(['finetune', 'pretrain', 'tokenizer']),
  steps: z.number().int().min(0),
  finalLoss: z.number().nullable(),
  samplesPerS: z.number().nullable(),
  device: z.string(),
  precision: z.string(),
  data: TrainingDataSummary,
  /** Validation (and test) metrics of the final model, without per-class detail. */
  metrics: z.record(z.string(), z.unknown()),
  encoderId: Id.nullable(),
  headId: Id.nullable(),
  name: z.string().nullable(),
  version: z.string().nullable(),
  /** The trained model against the trainer's own output on a generated probe clip. */
  parity: z.record(z.string(), z.unknown()).nullable(),
  /** tokenizer jobs: the tokenizer checkpoint (for a later pre-training's hparams.tokenizer). */
  tokenizerPath: z.string().nullable(),
  throughput: z.record(z.string(), z.unknown()),
})
export type TrainingRunResult = z.infer<typeof TrainingRunResult>

/** `result` of a succeeded gpu-embed job: the analyze job's counts plus the trainer's throughput per stage. */
export const GpuEmbedResult = AnalyzeResult.pick({
  analysisId: true,
  encoderId: true,
  windowS: true,
  hopS: true,
  analysed: true,
  alreadyAnalysed: true,
  failed: true,
  windows: true,
  audioSeconds: true,
  detections: true,
  heads: true,
}).extend({
  /** Time-expanded recordings are left to the onnxruntime analysis (the trainer reads the header's rate). */
  skipped: z.number().int().min(0),
  device: z.string(),
  precision: z.string(),
  /** The trainer's `done.throughput`: audio-s/s overall and per stage (decode, fbank, encoder). */
  throughput: z.record(z.string(), z.unknown()),
})
export type GpuEmbedResult = z.infer<typeof GpuEmbedResult>

export const TrainingJobParams = z.discriminatedUnion('type', [FinetuneParams, PretrainParams, TokenizerParams])
export type TrainingJobParams = z.infer<typeof TrainingJobParams>

export const BundleResult = z.object({
  dir: z.string(),
  /** The exact command run.sh runs on one node. */
  command: z.string(),
  jobFile: z.string(),
  items: z.number().int().min(0),
  copiedAudio: z.boolean(),
  data: TrainingDataSummary,
})
export type BundleResult = z.infer<typeof BundleResult>

export const TokenizerInfo = z.object({ jobId: Id, path: z.string(), kind: z.string(), createdAt: z.string() })
export type TokenizerInfo = z.infer<typeof TokenizerInfo>

export const trainerContract = {
  /** Runs the trainer's environment check with the given interpreter (default: the settings'). */
  check: method(z.object({ python: FsPath.optional() }).strict(), TrainerEnvironment, { cancellable: true }),
  /**
   * A folder to train on a cluster: the trainer package, job.json with the data manifest (audio
   * paths absolute, or copied into the folder), run.sh with the exact torchrun command, README.
   * Its result (output/model.pt) comes back through `importResult`.
   */
  exportBundle: method(
    z.object({
      params: TrainingJobParams,
      outDir: FsPath,
      copyAudio: z.boolean().optional(),
      nprocPerNode: z.number().int().min(1).max(64).optional(),
    }).strict(),
    BundleResult,
    { cancellable: true },
  ),
  /** Starts a trainer-import job for a checkpoint trained elsewhere (parity-checked, then registered). */
  importResult: method(
    z.object({ checkpointPath: FsPath, name: z.string().trim().min(1).max(200).optional(), labelSetId: Id.optional() }).strict(),
    JobSnapshot,
  ),
  /** Loss, learning rate, samples/s and metrics of a trainer job so far (for charts). */
  history: method(z.object({ jobId: Id }).strict(), TrainerHistory),
  /** Tokenizers made by tokenizer jobs of this project, newest first. */
  tokenizers: method(Empty, z.array(TokenizerInfo)),
}
