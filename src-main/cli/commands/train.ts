import { resolve } from 'node:path'
import { SplitBy, TrainHeadResult, type JobParams, type TrainingOptions } from '../../../src-shared/contracts'
import { AppError } from '../../errors'
import { flagOption, numberOption, stringOption, type CliCommand } from '../command'
import { runProjectJob } from '../run-project-job'

/** Label codes → ids, all from one label set (the named one, else the only set holding every code). */
export function labelIdsByCode(options: TrainingOptions, codes: readonly string[], labelSet?: string): { labelSetId: number; labelIds: number[] } {
  const sets = labelSet === undefined ? options.labelSets : options.labelSets.filter((s) => s.name === labelSet || String(s.id) === labelSet)
  if (labelSet !== undefined && sets.length === 0) throw new AppError('NOT_FOUND', `no label set "${labelSet}" in this project (sets: ${options.labelSets.map((s) => s.name).join(', ') || 'none'})`)
  const complete = sets.filter((s) => codes.every((c) => s.labels.some((l) => l.code === c)))
  if (complete.length === 0) {
    const missing = codes.filter((c) => !sets.some((s) => s.labels.some((l) => l.code === c)))
    throw new AppError('NOT_FOUND', missing.length > 0 ? `unknown label code(s): ${missing.join(', ')}` : `no single label set holds all of ${codes.join(', ')}: name one with --label-set`)
  }
  if (complete.length > 1) throw new AppError('INVALID_REQUEST', `labels ${codes.join(', ')} exist in several label sets (${complete.map((s) => s.name).join(', ')}): choose one with --label-set`)
  const set = complete[0]
  return { labelSetId: set.id, labelIds: codes.map((c) => (set.labels.find((l) => l.code === c) as { id: number }).id) }
}

function fmt(v: unknown): string {
  return typeof v === 'number' ? v.toFixed(3) : 'n/a'
}

export const trainCommand: CliCommand = {
  name: 'train',
  summary: 'train a classifier head on the stored window embeddings and register it as a new version; prints its validation metrics',
  usage:
    'PROJECT --labels CODE,CODE… [--label-set NAME] [--kind linear|mlp] [--task multi-label|multi-class] [--split recording|site|date] [--validation F] [--test F] [--seed S] [--epochs N] [--mixup A] [--target-precision P] [--name NAME] [--encoder ID] [--threads N] [--json]',
  options: {
    labels: { type: 'string' },
    'label-set': { type: 'string' },
    kind: { type: 'string' },
    task: { type: 'string' },
    split: { type: 'string' },
    validation: { type: 'string' },
    test: { type: 'string' },
    seed: { type: 'string' },
    epochs: { type: 'string' },
    mixup: { type: 'string' },
    'target-precision': { type: 'string' },
    name: { type: 'string' },
    encoder: { type: 'string' },
    threads: { type: 'string' },
    json: { type: 'boolean' },
  },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const codes = (stringOption(ctx, 'labels') ?? '').split(',').map((c) => c.trim()).filter(Boolean)
    if (codes.length === 0) throw new AppError('INVALID_REQUEST', '--labels needs at least one label code, e.g. --labels DEWH,TRIL')
    const kind = stringOption(ctx, 'kind') ?? 'linear'
    if (kind !== 'linear' && kind !== 'mlp') throw new AppError('INVALID_REQUEST', `--kind must be linear or mlp, got "${kind}"`)
    const task = stringOption(ctx, 'task') ?? 'multi-label'
    if (task !== 'multi-label' && task !== 'multi-class') throw new AppError('INVALID_REQUEST', `--task must be multi-label or multi-class, got "${task}"`)
    const splitText = stringOption(ctx, 'split')
    const by = splitText === undefined ? undefined : SplitBy.safeParse(splitText)
    if (by && !by.success) throw new AppError('INVALID_REQUEST', `--split must be recording, site or date, got "${splitText}"`)
    const share = (n: number) => n >= 0 && n < 1
    const validation = numberOption(ctx, 'validation', share, 'a share in [0, 1)')
    const test = numberOption(ctx, 'test', share, 'a share in [0, 1)')
    const seed = numberOption(ctx, 'seed', (n) => Number.isInteger(n) && n >= 0 && n < 2 ** 31, 'a non-negative integer')
    const epochs = numberOption(ctx, 'epochs', (n) => Number.isInteger(n) && n >= 1 && n <= 1000, 'an integer from 1 to 1000')
    const mixup = numberOption(ctx, 'mixup', (n) => n >= 0 && n <= 10, 'a number from 0 to 10')
    const targetPrecision = numberOption(ctx, 'target-precision', (n) => n > 0 && n <= 1, 'a precision in (0, 1]')
    const encoderId = numberOption(ctx, 'encoder', (n) => Number.isInteger(n) && n > 0, 'a model id')
    const threads = numberOption(ctx, 'threads', (n) => Number.isInteger(n) && n >= 1 && n <= 64, 'an integer from 1 to 64')

    const services = ctx.services()
    const call = { signal: ctx.signal, transport: 'cli' as const }
    await services.handlers.projects.open({ dir: resolve(ctx.positionals[0]) }, call)
    const { labelIds } = labelIdsByCode(await services.handlers.training.options({}, call), codes, stringOption(ctx, 'label-set'))
    const split = { ...(by?.success ? { by: by.data } : {}), ...(validation === undefined ? {} : { validation }), ...(test === undefined ? {} : { test }) }
    const name = stringOption(ctx, 'name')
    const params: JobParams = {
      type: 'train-head',
      set: {
        labelIds,
        task,
        ...(encoderId === undefined ? {} : { encoderId }),
        ...(Object.keys(split).length > 0 ? { split } : {}),
        ...(seed === undefined ? {} : { seed }),
      },
      head: { kind, ...(epochs === undefined ? {} : { epochs }), ...(mixup === undefined ? {} : { mixup }), ...(targetPrecision === undefined ? {} : { targetPrecision }) },
      ...(name === undefined ? {} : { name }),
      ...(threads === undefined ? {} : { threads }),
    }
    const result = TrainHeadResult.parse(await runProjectJob(ctx, ctx.positionals[0], { params }, 'Training'))
    if (flagOption(ctx, 'json')) {
      ctx.io.stdout.write(JSON.stringify({ modelId: result.modelId, name: result.name, version: result.version, ...result.metrics, seconds: result.seconds }, null, 2) + '\n')
      return
    }
    const m = result.metrics
    const ap = (m.AP ?? {}) as Record<string, unknown>
    const f1 = (m.F1 ?? {}) as Record<string, unknown>
    const lines = [
      `${result.name} ${result.version} (model ${result.modelId}) trained in ${result.seconds.toFixed(1)} s on ${result.report.splits.train.examples} windows; ${result.report.splits.validation.examples} held out by ${result.report.split.by}`,
      `validation mAP ${fmt(m.mAP)}${m.testMAP === undefined ? '' : ` · test mAP ${fmt(m.testMAP)}`}`,
      ...Object.keys(ap).map((code) => `  ${code.padEnd(12)} AP ${fmt(ap[code])}  F1 ${fmt(f1[code])}`),
      ...result.report.warnings.map((w) => `warning: ${w.message}`),
    ]
    ctx.io.stdout.write(lines.join('\n') + '\n')
  },
}
