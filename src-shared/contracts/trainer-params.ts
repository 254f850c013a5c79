// Params of the jobs that run the PyTorch trainer (resources/trainer): full fine-tuning, continued
// pre-training, tokenizer training, the GPU analysis backend and importing a trainer checkpoint
// made elsewhere. Hyper-parameters keep the trainer's own names (resources/trainer/README.md), so
// what a user sets is exactly what the trainer reads; the trainer checks their types and ranges.
import { z } from 'zod'
import { FsPath, Id } from './common'

/** Hyper-parameters the app passes through, per trainer job type. */
export const TRAINER_HPARAM_KEYS = {
  shared: [
    'epochs', 'batch_size', 'max_steps', 'lr', 'warmup_steps', 'warmup_ratio', 'min_lr_ratio', 'weight_decay', 'layer_decay',
    'beta1', 'beta2', 'adam_eps', 'grad_clip', 'precision', 'grad_checkpointing', 'num_workers', 'checkpoint_interval_s',
    'checkpoint_epochs', 'progress_interval_s',
  ],
  finetune: [
    'clip_seconds', 'eval_clip_seconds', 'eval_batch_size', 'specaug_time_masks', 'specaug_time_width', 'specaug_freq_masks',
    'specaug_freq_width', 'mixup_alpha', 'mixup_prob', 'label_smoothing', 'head_dropout', 'dropout', 'attention_dropout',
    'encoder_layerdrop', 'freeze_encoder', 'select_metric',
  ],
  pretrain: [
    'clip_seconds', 'mask_ratio', 'decoder_layers', 'decoder_embed_dim', 'dropout', 'attention_dropout', 'encoder_layerdrop',
    'label_smoothing', 'tokenizer', 'tokenizer_seed',
  ],
  tokenizer: [
    'kind', 'clip_seconds', 'teacher', 'init', 'codebook_size', 'code_dim', 'kmeans_iters', 'ema_decay', 'commitment_weight',
    'decoder_layers', 'tokenizer_seed',
  ],
} as const

export type TrainingJobType = 'finetune' | 'pretrain' | 'tokenizer'

const HparamValue = z.union([z.number().finite(), z.boolean(), z.string().max(4096)])

function hparams(type: TrainingJobType) {
  const allowed = new Set<string>([...TRAINER_HPARAM_KEYS.shared, ...TRAINER_HPARAM_KEYS[type]])
  return z.record(z.string().max(64), HparamValue).superRefine((value, ctx) => {
    const unknown = Object.keys(value).filter((k) => !allowed.has(k))
    if (unknown.length > 0) ctx.addIssue({ code: 'custom', message: `unknown ${type} hyper-parameter(s) ${unknown.join(', ')}; allowed: ${[...allowed].join(', ')}` })
  })
}

/** How every trainer job runs. */
const trainerRun = {
  /** Every random choice of the run (and the data splits) derives from it; default 0. */
  seed: z.number().int().min(0).max(2_147_483_647).optional(),
  /** auto = CUDA when PyTorch sees a GPU (else the CPU: works, slowly). */
  device: z.enum(['auto', 'cpu', 'cuda']).optional(),
  /** Python interpreter; filled in from the settings when the job starts. */
  python: FsPath.optional(),
}

/** Where training starts: a registered encoder's PyTorch checkpoint, or random weights of a size. */
const startingModel = {
  /** Default: the active encoder. */
  encoderId: Id.optional(),
  /** Random initial weights of this size instead of an encoder (experiments, tests). */
  architecture: z.enum(['tiny', 'base', 'large']).optional(),
  /** Name of the model version this job registers (default: the base model's name + "fine-tuned" / "pre-trained"). */
  name: z.string().trim().min(1).max(200).optional(),
}

/** Unlabelled audio for pre-training and tokenizer training: recordings cut into segments. */
const unlabelledAudio = {
  /** Default: every readable recording of the project. */
  recordingIds: z.array(Id).max(1_000_000).optional(),
  /** Each recording becomes segments of this length, one training item each (default 10 s). */
  segmentS: z.number().min(1).max(600).optional(),
  /** At most this many segments, a seeded sample (default 50,000). */
  maxItems: z.number().int().min(1).max(5_000_000).optional(),
  /** Fraction of the recordings held out for a validation loss (default 0.05). */
  valFraction: z.number().min(0).max(0.5).optional(),
}

/** Full fine-tuning of the encoder with a classification head on the project's labelled audio. */
export const FinetuneParams = z.object({
  type: z.literal('finetune'),
  ...startingModel,
  /** The classes, in head output order; all from one label set. */
  labelIds: z.array(Id).min(1).max(1000),
  /** true: sigmoid + BCE, a clip may hold several labels; false: softmax, exactly one (default false). */
  multiLabel: z.boolean().optional(),
  /** Fractions of the recordings (never split across sets) held out for validation and test (defaults 0.2 and 0). */
  valFraction: z.number().min(0).max(0.5).optional(),
  testFraction: z.number().min(0).max(0.5).optional(),
  /** Shorter annotations are widened around their centre to this length (default 1 s). */
  minSegmentS: z.number().min(0.2).max(60).optional(),
  /** Also train on review decisions: confirmed detections as positives, rejected ones as negatives (default true). */
  useReviews: z.boolean().optional(),
  hparams: hparams('finetune').optional(),
  ...trainerRun,
}).strict()
export type FinetuneParams = z.infer<typeof FinetuneParams>

/** Continued OpenBEATs pre-training (masked-token prediction) on the project's own audio. */
export const PretrainParams = z.object({
  type: z.literal('pretrain'),
  ...startingModel,
  ...unlabelledAudio,
  hparams: hparams('pretrain').optional(),
  ...trainerRun,
}).strict()
export type PretrainParams = z.infer<typeof PretrainParams>

/** A VQ tokenizer distilled from an encoder (the teacher), or the random-projection tokenizer. */
export const TokenizerParams = z.object({
  type: z.literal('tokenizer'),
  /** The teacher (default the active encoder); not needed for hparams.kind "random". */
  encoderId: Id.optional(),
  name: z.string().trim().min(1).max(200).optional(),
  ...unlabelledAudio,
  hparams: hparams('tokenizer').optional(),
  ...trainerRun,
}).strict()
export type TokenizerParams = z.infer<typeof TokenizerParams>

/** Embeds recordings with the trainer (CUDA, bf16, parallel decoding) into the same analyses as `analyze`. */
export const GpuEmbedParams = z.object({
  type: z.literal('gpu-embed'),
  /** Default: the active encoder (it needs its PyTorch checkpoint). */
  encoderId: Id.optional(),
  windowS: z.number().positive().max(600).optional(),
  hopS: z.number().positive().max(600).optional(),
  /** Default: every readable recording not yet analysed with this encoder and windows. */
  recordingIds: z.array(Id).max(1_000_000).optional(),
  /** Chunks of ~10 s per encoder batch (default 64). */
  batchSize: z.number().int().min(1).max(4096).optional(),
  /** auto = bf16 on CUDA, fp32 on the CPU. */
  precision: z.enum(['auto', 'fp32', 'bf16', 'fp16']).optional(),
  /** Decoding processes (default: the trainer's choice, CPUs − 1 on CUDA). */
  numWorkers: z.number().int().min(0).max(256).optional(),
  ...trainerRun,
}).strict()
export type GpuEmbedParams = z.infer<typeof GpuEmbedParams>

/** Registers a checkpoint the trainer wrote elsewhere (a cluster bundle's output/model.pt). */
export const TrainerImportParams = z.object({
  type: z.literal('trainer-import'),
  checkpointPath: FsPath,
  name: z.string().trim().min(1).max(200).optional(),
  /** Classes map by code to the labels of this set (default: the bundle's own record, else a new label set). */
  labelSetId: Id.optional(),
  device: trainerRun.device,
  python: trainerRun.python,
}).strict()
export type TrainerImportParams = z.infer<typeof TrainerImportParams>

/** Job types whose worker is the trainer. */
export const TRAINER_JOB_TYPES = ['finetune', 'pretrain', 'tokenizer', 'gpu-embed', 'trainer-import'] as const
export type TrainerJobType = (typeof TRAINER_JOB_TYPES)[number]

export function isTrainerJobType(type: string): type is TrainerJobType {
  return (TRAINER_JOB_TYPES as readonly string[]).includes(type)
}
