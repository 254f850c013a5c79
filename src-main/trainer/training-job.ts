// The finetune, pretrain and tokenizer jobs. The first attempt plans the run from the project (data
// manifest, starting weights, hyper-parameters) into job.json; every later attempt runs that same
// job.json with `resume: true`, so the trainer continues from its last checkpoint with the same data
// in the same order, however the project changed meanwhile. Once training has completed (recorded
// in the job's checkpoint), a resumed attempt goes straight to registering the result.
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { z } from 'zod'
import {
  TrainingDataSummary,
  type FinetuneParams,
  type PretrainParams,
  type TokenizerParams,
  type TrainingRunResult,
} from '../../src-shared/contracts'
import { AppError, throwIfAborted } from '../errors'
import { writeJsonFileAtomic } from '../runtime/json-file'
import { buildAudioSet } from './audio-set'
import type { DataManifest } from './data-manifest'
import { HistoryLog, readHistory } from './history'
import { jobFolder, readJsonFile, type JobFolder } from './job-folder'
import { buildLabelledSet } from './labelled-set'
import { startingPoint, type TrainerModelSpec } from './model-source'
import { DoneLine } from './protocol'
import { registerTrainedModel } from './register-trained'
import { runJobFile, trainingMessage, type TrainerJobContext } from './trainer-job-context'

export type TrainingParams = FinetuneParams | PretrainParams | TokenizerParams

/** Where tokenizer checkpoints are kept (the job cache may be cleared). */
export const TOKENIZERS_DIR = join('models', 'tokenizers')

const Plan = z.object({
  version: z.literal(1),
  type: z.enum(['finetune', 'pretrain', 'tokenizer']),
  name: z.string().nullable(),
  labels: z.object({ labelSetId: z.number().int(), labelIds: z.array(z.number().int()) }).nullable(),
  base: z.record(z.string(), z.unknown()),
  pretrained: z.boolean(),
  data: TrainingDataSummary,
  hparams: z.record(z.string(), z.unknown()),
  seed: z.number().int(),
  device: z.string(),
  startedAt: z.string(),
})
type Plan = z.infer<typeof Plan>

const State = z.object({
  version: z.literal(1),
  phase: z.enum(['training', 'registering']),
  manifestSha256: z.string(),
})
type State = z.infer<typeof State>

export interface TrainerJobSpec {
  type: 'finetune' | 'pretrain' | 'tokenizer'
  output_dir: string
  data: DataManifest
  model: TrainerModelSpec
  hparams: Record<string, unknown>
  resume: boolean
  seed: number
  device: string
}

/** The data, starting weights and job.json of a training run (also what a cluster bundle holds). */
export async function planTraining(ctx: Pick<TrainerJobContext, 'db' | 'projectDir' | 'signal'>, params: TrainingParams, outputDir: string): Promise<{ job: TrainerJobSpec; plan: Plan }> {
  const seed = params.seed ?? 0
  const hparams: Record<string, unknown> = { ...(params.hparams ?? {}) }
  let data: DataManifest
  let summary: TrainingDataSummary
  let labels: Plan['labels'] = null
  if (params.type === 'finetune') {
    const set = buildLabelledSet(ctx.db, {
      labelIds: params.labelIds,
      multiLabel: params.multiLabel ?? false,
      valFraction: params.valFraction ?? 0.2,
      testFraction: params.testFraction ?? 0,
      minSegmentS: params.minSegmentS ?? 1,
      useReviews: params.useReviews ?? true,
      seed,
    })
    data = set.data
    summary = set.summary
    labels = { labelSetId: set.labelSetId, labelIds: set.labelIds }
  } else if (params.type === 'tokenizer' && hparams.kind === 'random') {
    data = { labels: [], multi_label: false, items: [] }
    summary = TrainingDataSummary.parse({ items: 0, recordings: 0, audioSeconds: 0, perLabel: {}, perSplit: {}, warnings: [], sha256: '' })
  } else {
    const set = buildAudioSet(ctx.db, { recordingIds: params.recordingIds, segmentS: params.segmentS ?? 10, maxItems: params.maxItems ?? 50_000, valFraction: params.valFraction ?? 0.05, seed })
    data = set.data
    summary = set.summary
  }
  const randomTokenizer = params.type === 'tokenizer' && hparams.kind === 'random'
  const start = randomTokenizer
    ? { model: {}, base: { kind: 'none' }, pretrained: false, encoder: null }
    : await startingPoint(ctx.db, ctx.projectDir, { encoderId: params.encoderId, architecture: 'architecture' in params ? params.architecture : undefined }, ctx.signal)
  const baseName = start.encoder ? start.encoder.name : 'architecture' in params && params.architecture ? `OpenBEATs ${params.architecture}` : 'OpenBEATs'
  const name = params.name ?? (params.type === 'finetune' ? `${baseName} fine-tuned` : params.type === 'pretrain' ? `${baseName} pre-trained` : null)
  const device = params.device ?? 'auto'
  const job: TrainerJobSpec = { type: params.type, output_dir: outputDir, data, model: start.model, hparams, resume: false, seed, device }
  const plan: Plan = { version: 1, type: params.type, name, labels, base: start.base, pretrained: start.pretrained, data: summary, hparams, seed, device, startedAt: new Date().toISOString() }
  return { job, plan }
}

function finalMetrics(history: ReturnType<typeof readHistory>, done: DoneLine): Record<string, unknown> {
  const last: Record<string, unknown> = {}
  for (const m of history.metrics) last[m.split] = m.values
  const test = done.outputs?.test
  if (test && typeof test === 'object') last.test = { ...(last.test as object | undefined), ...test }
  return last
}

/** The per-class detail of the last metrics of each split (history.jsonl keeps it; readHistory drops it). */
function perClassOf(folder: JobFolder): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (!existsSync(folder.history)) return out
  for (const text of readFileSync(folder.history, 'utf8').split('\n')) {
    if (!text.startsWith('{"k":"m"')) continue
    try {
      const e = JSON.parse(text) as { split?: string; values?: { per_class?: unknown } }
      if (e.split && e.values?.per_class) out[e.split] = e.values.per_class
    } catch {
      // a line cut by a crash
    }
  }
  return out
}

export async function runTrainingJob(ctx: TrainerJobContext, params: TrainingParams): Promise<TrainingRunResult> {
  const folder = jobFolder(ctx.projectDir, ctx.jobId)
  const doneFile = join(folder.root, 'done.json')
  const resumed = State.safeParse(ctx.resumeFrom)
  let state: State
  let plan: Plan
  if (resumed.success && existsSync(folder.jobFile) && existsSync(folder.plan)) {
    state = resumed.data
    plan = readJsonFile(folder.plan, Plan, 'the training plan')
    ctx.log('info', state.phase === 'training' ? 'Resuming training from the last checkpoint (same data, same order).' : 'Training had finished; registering its result.')
  } else {
    rmSync(folder.root, { recursive: true, force: true })
    mkdirSync(folder.root, { recursive: true })
    ctx.progress(0, null, 'steps', 'Preparing the training data…')
    const planned = await planTraining(ctx, params, 'output')
    plan = planned.plan
    for (const w of plan.data.warnings) ctx.log('warn', w)
    ctx.log('info', `${plan.data.items} item(s) from ${plan.data.recordings} recording(s): ${Object.entries(plan.data.perSplit).map(([s, n]) => `${s} ${n}`).join(', ') || 'none'}; data sha256 ${plan.data.sha256.slice(0, 12)}…`)
    writeJsonFileAtomic(folder.jobFile, planned.job)
    writeJsonFileAtomic(folder.plan, plan)
    state = { version: 1, phase: 'training', manifestSha256: plan.data.sha256 }
    ctx.checkpoint(state)
  }
  throwIfAborted(ctx.signal)

  const history = new HistoryLog(folder.history)
  if (state.phase === 'training') {
    if (resumed.success) {
      const job = JSON.parse(readFileSync(folder.jobFile, 'utf8')) as Record<string, unknown>
      writeJsonFileAtomic(folder.jobFile, { ...job, resume: true })
    }
    const done = await runJobFile(ctx, {
      jobFile: folder.jobFile,
      cwd: folder.root,
      what: params.type,
      history,
      onProgress: (p, slow) => ctx.progress(p.step, p.total ?? null, 'steps', trainingMessage(p, slow)),
    })
    if (done.status === 'cancelled') {
      throw new AppError('CANCELLED', `${params.type} stopped at step ${done.step ?? '?'} of ${done.total ?? '?'}; resuming continues from its checkpoint`)
    }
    writeJsonFileAtomic(doneFile, done)
    state = { ...state, phase: 'registering' }
    ctx.checkpoint(state)
  }
  const done = readJsonFile(doneFile, DoneLine, "the trainer's final report")
  throwIfAborted(ctx.signal)

  const hist = readHistory(folder.history, ctx.jobId)
  const lastPoint = hist.points.at(-1)
  const throughput = done.throughput ?? {}
  const metrics = finalMetrics(hist, done)
  const perClass = perClassOf(folder)
  const base: TrainingRunResult = {
    kind: params.type,
    steps: done.step ?? 0,
    finalLoss: lastPoint?.loss ?? null,
    samplesPerS: typeof throughput.samples_per_s === 'number' ? throughput.samples_per_s : (lastPoint?.samplesPerS ?? null),
    device: String(throughput.device ?? plan.device),
    precision: String(throughput.precision ?? 'fp32'),
    data: plan.data,
    metrics,
    encoderId: null,
    headId: null,
    name: null,
    version: null,
    parity: null,
    tokenizerPath: null,
    throughput,
  }
  const outputs = done.outputs ?? {}
  const modelPath = typeof outputs.model === 'string' ? outputs.model : join(folder.output, 'model.pt')

  if (params.type === 'tokenizer') {
    const dir = join(ctx.projectDir, TOKENIZERS_DIR)
    mkdirSync(dir, { recursive: true })
    const target = join(dir, `tokenizer-job${ctx.jobId}.pt`)
    copyFileSync(modelPath, target)
    ctx.log('info', `tokenizer saved as ${target}: use it as hparams.tokenizer of a pre-training job`)
    return { ...base, tokenizerPath: target }
  }

  const provenance = {
    trainer: { jobId: ctx.jobId, jobType: params.type, device: base.device, precision: base.precision, steps: base.steps },
    baseModel: plan.base,
    hyperParameters: plan.hparams,
    seed: plan.seed,
    dataManifest: { sha256: plan.data.sha256, items: plan.data.items, recordings: plan.data.recordings, perSplit: plan.data.perSplit },
    trainedAt: new Date().toISOString(),
  }
  const registered = await registerTrainedModel({
    db: ctx.db,
    projectDir: ctx.projectDir,
    jobId: ctx.jobId,
    checkpointPath: modelPath,
    name: plan.name ?? `trained ${ctx.jobId}`,
    labels: plan.labels,
    pretrained: plan.pretrained,
    provenance,
    metrics: { ...metrics, ...(Object.keys(perClass).length > 0 ? { perClass } : {}), data: plan.data.perLabel },
    probe: { python: ctx.python, trainerDir: ctx.trainerDir, dir: folder.probe },
    signal: ctx.signal,
    onProgress: (p, m) => ctx.progress(p, 100, '%', m),
    log: (level, m) => ctx.log(level, m),
  })
  ctx.log('info', `registered ${registered.name} ${registered.version} (encoder ${registered.encoderId}${registered.headId ? `, head ${registered.headId}` : ''})`)
  return { ...base, encoderId: registered.encoderId, headId: registered.headId, name: registered.name, version: registered.version, parity: { ...registered.parity } }
}
