// trainer-import: a checkpoint the trainer wrote elsewhere (a cluster bundle's output/model.pt, or
// any trainer-layout model.pt) goes through the same parity check and registration as one trained
// here. Its classes map onto project labels by code: the given label set, else the labels the
// bundle was planned with (openbeats-bundle.json beside output/), else a new label set.
import { existsSync } from 'node:fs'
import { basename, dirname } from 'node:path'
import type { TrainerImportParams, TrainingRunResult } from '../../src-shared/contracts'
import { AppError } from '../errors'
import { BundleRecord, bundleRecordFor } from './bundle'
import { jobFolder, readJsonFile } from './job-folder'
import { registerTrainedModel, type HeadLabels } from './register-trained'
import type { TrainerJobContext } from './trainer-job-context'

function bundleLabels(ctx: TrainerJobContext, record: BundleRecord): HeadLabels | null {
  if (!record.labels) return null
  const codeOf = ctx.db.prepare('SELECT code FROM labels WHERE id = ? AND label_set_id = ?').pluck()
  const same = record.labels.labelIds.every((id, i) => codeOf.get(id, record.labels?.labelSetId) === record.labelCodes[i])
  if (same) return record.labels
  ctx.log('warn', "the bundle's labels are not in this project (another project, or edited since): the classes get a new label set")
  return null
}

export async function runImportJob(ctx: TrainerJobContext, params: TrainerImportParams): Promise<TrainingRunResult> {
  if (!existsSync(params.checkpointPath)) throw new AppError('NOT_FOUND', `${params.checkpointPath} does not exist`)
  const recordPath = bundleRecordFor(params.checkpointPath).find((p) => existsSync(p))
  const record = recordPath ? readJsonFile(recordPath, BundleRecord, 'the bundle record') : null
  if (record?.type === 'tokenizer') {
    throw new AppError('INVALID_REQUEST', `${params.checkpointPath} is a tokenizer from a tokenizer bundle, not a model: give its path as hparams.tokenizer of a pre-training job`)
  }
  if (record) ctx.log('info', `bundle record ${recordPath}: ${record.type} planned ${record.createdAt}, data sha256 ${record.dataSha256.slice(0, 12)}…`)
  const labels = params.labelSetId !== undefined ? { labelSetId: params.labelSetId } : record ? bundleLabels(ctx, record) : null
  const name = params.name ?? record?.name ?? `${basename(dirname(dirname(params.checkpointPath))) || 'trainer'} model`
  const registered = await registerTrainedModel({
    db: ctx.db,
    projectDir: ctx.projectDir,
    jobId: ctx.jobId,
    checkpointPath: params.checkpointPath,
    name,
    labels,
    pretrained: record?.pretrained ?? true,
    provenance: {
      trainer: { jobId: ctx.jobId, jobType: record?.type ?? 'unknown', trainedElsewhere: true, checkpointPath: params.checkpointPath },
      ...(record ? { baseModel: record.base, hyperParameters: record.hparams, seed: record.seed, dataManifest: { sha256: record.dataSha256 } } : {}),
      importedAt: new Date().toISOString(),
    },
    metrics: {},
    probe: { python: ctx.python, trainerDir: ctx.trainerDir, dir: jobFolder(ctx.projectDir, ctx.jobId).probe },
    signal: ctx.signal,
    onProgress: (p, m) => ctx.progress(p, 100, '%', m),
    log: (level, m) => ctx.log(level, m),
  })
  ctx.log('info', `registered ${registered.name} ${registered.version} (encoder ${registered.encoderId}${registered.headId ? `, head ${registered.headId}` : ''})`)
  return {
    kind: record?.type ?? 'finetune',
    steps: 0,
    finalLoss: null,
    samplesPerS: null,
    device: 'elsewhere',
    precision: 'unknown',
    data: { items: 0, recordings: 0, audioSeconds: 0, perLabel: {}, perSplit: {}, warnings: [], sha256: record?.dataSha256 ?? '' },
    metrics: {},
    encoderId: registered.encoderId,
    headId: registered.headId,
    name: registered.name,
    version: registered.version,
    parity: { ...registered.parity },
    tokenizerPath: null,
    throughput: {},
  }
}
