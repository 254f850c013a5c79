// The GPU training panel's forms as plain data: defaults for each kind of run, their conversion into
// job params (what `jobs.start` and `trainer.exportBundle` take), and how the environment reads.
// Pure functions, so the panel and its tests agree.
import type { FinetuneParams, ModelSummary, PretrainParams, TokenizerParams, TrainerEnvironment, TrainingJobParams } from '../../../../src-shared/contracts'
import type { StatusTone } from '../../jobs/presentation'

export type TrainingMode = 'finetune' | 'pretrain' | 'tokenizer'

/** Where the weights come from: a registered encoder, or random weights of a size (experiments). */
export type BaseChoice = { kind: 'encoder'; id: number } | { kind: 'random'; preset: 'tiny' | 'base' | 'large' }

export type Precision = 'auto' | 'bf16' | 'fp16' | 'fp32'

/** Where the trainer runs: 'auto' takes a GPU when PyTorch sees one. */
export type TrainerDevice = 'auto' | 'cpu' | 'cuda'

export interface TrainingForm {
  mode: TrainingMode
  base: BaseChoice | null
  name: string
  device: TrainerDevice
  seed: number
  epochs: number
  batchSize: number
  lr: number
  precision: Precision
  clipSeconds: number
  // fine-tuning
  labelIds: number[]
  multiLabel: boolean
  valFraction: number
  freezeEncoder: boolean
  mixupProb: number
  // pre-training / tokenizer
  segmentS: number
  maskRatio: number
  /** 'random' or the path of a tokenizer checkpoint */
  tokenizer: string
  tokenizerKind: 'vq' | 'random'
  codebookSize: number
}

/** The trainer's defaults (resources/trainer/README.md), except smaller batches that fit a 16 GB GPU with a Base model. */
export function defaultForm(mode: TrainingMode): TrainingForm {
  return {
    mode,
    base: null,
    name: '',
    device: 'auto',
    seed: 0,
    epochs: 10,
    batchSize: 16,
    lr: mode === 'finetune' ? 5e-5 : 1e-4,
    precision: 'auto',
    clipSeconds: 10,
    labelIds: [],
    multiLabel: false,
    valFraction: 0.2,
    freezeEncoder: false,
    mixupProb: 0.5,
    segmentS: 10,
    maskRatio: 0.75,
    tokenizer: 'random',
    tokenizerKind: 'vq',
    codebookSize: 1024,
  }
}

/** What is missing before the form can start, in words; empty when it can. */
export function formProblems(form: TrainingForm): string[] {
  const problems: string[] = []
  if (!form.base && !(form.mode === 'tokenizer' && form.tokenizerKind === 'random')) problems.push(form.mode === 'tokenizer' ? 'Choose the teacher encoder.' : 'Choose the model to start from.')
  if (form.mode === 'finetune') {
    if (form.labelIds.length === 0) problems.push('Choose the labels to train.')
    else if (!form.multiLabel && form.labelIds.length < 2) problems.push('Multi-class training needs two labels or more (or switch to multi-label).')
  }
  const positive: [string, number][] = [['Epochs', form.epochs], ['Batch size', form.batchSize], ['Learning rate', form.lr], ['Clip length', form.clipSeconds]]
  for (const [what, v] of positive) if (!(Number.isFinite(v) && v > 0)) problems.push(`${what} must be a positive number.`)
  if (!Number.isInteger(form.epochs) || !Number.isInteger(form.batchSize)) problems.push('Epochs and batch size are whole numbers.')
  return problems
}

function start(form: TrainingForm): { encoderId?: number; architecture?: 'tiny' | 'base' | 'large' } {
  if (!form.base) return {}
  return form.base.kind === 'encoder' ? { encoderId: form.base.id } : { architecture: form.base.preset }
}

/** The job params of a form (hyper-parameters keep the trainer's names). */
export function toJobParams(form: TrainingForm): TrainingJobParams {
  const common = {
    ...(form.name.trim() ? { name: form.name.trim() } : {}),
    seed: form.seed,
    device: form.device,
  }
  const shared = { epochs: form.epochs, batch_size: form.batchSize, lr: form.lr, precision: form.precision, clip_seconds: form.clipSeconds }
  if (form.mode === 'finetune') {
    const params: FinetuneParams = {
      type: 'finetune',
      ...start(form),
      ...common,
      labelIds: [...form.labelIds],
      multiLabel: form.multiLabel,
      valFraction: form.valFraction,
      hparams: { ...shared, eval_clip_seconds: form.clipSeconds, freeze_encoder: form.freezeEncoder, mixup_prob: form.mixupProb },
    }
    return params
  }
  if (form.mode === 'pretrain') {
    const params: PretrainParams = {
      type: 'pretrain',
      ...start(form),
      ...common,
      segmentS: form.segmentS,
      hparams: { ...shared, mask_ratio: form.maskRatio, tokenizer: form.tokenizer },
    }
    return params
  }
  const { architecture: _ignored, ...teacher } = start(form)
  const params: TokenizerParams = {
    type: 'tokenizer',
    ...teacher,
    ...common,
    segmentS: form.segmentS,
    hparams: form.tokenizerKind === 'random' ? { kind: 'random' } : { ...shared, kind: 'vq', codebook_size: form.codebookSize },
  }
  return params
}

/**
 * Whether the trainer can start from an encoder: models trained here keep their PyTorch checkpoint,
 * imported ones point at the file they came from; the demo model has none.
 */
export function hasCheckpoint(m: ModelSummary): boolean {
  return m.kind === 'encoder' && (m.provenance.source === 'trainer' || typeof m.provenance.checkpointPath === 'string')
}

export interface EnvironmentSummary {
  tone: StatusTone
  label: string
  detail: string
}

export function environmentSummary(env: TrainerEnvironment | null, checking: boolean): EnvironmentSummary {
  if (checking && !env) return { tone: 'info', label: 'Checking…', detail: 'Looking for Python and PyTorch…' }
  if (!env) return { tone: 'neutral', label: 'Not checked', detail: 'Check the Python environment before training.' }
  const versions = [env.pythonVersion && `Python ${env.pythonVersion}`, env.torch && `PyTorch ${env.torch}`].filter(Boolean).join(', ')
  if (env.status === 'ready') {
    const gpu = env.gpus[0]
    return { tone: 'success', label: 'GPU ready', detail: `${versions}; ${gpu ? gpu.name : 'CUDA'}${env.gpus.length > 1 ? ` and ${env.gpus.length - 1} more` : ''}` }
  }
  if (env.status === 'cpu-only') return { tone: 'warning', label: 'CPU only', detail: `${versions}; no CUDA GPU — jobs run, slowly` }
  return { tone: 'danger', label: 'Not available', detail: env.problems[0] ?? 'Python or PyTorch is missing' }
}
