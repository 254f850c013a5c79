// The train-head job's work: build the training set, train the head, evaluate it on validation
// (and test), calibrate thresholds, and register it as a new version with its provenance, metrics
// and stored evaluation — all in one transaction, so a failure registers nothing.
import { rmSync } from 'node:fs'
import { join } from 'node:path'
import type { Database } from 'better-sqlite3'
import type { HeadEvaluation, SplitEvaluation, TrainHeadParams, TrainHeadResult } from '../../src-shared/contracts'
import { AppError, throwIfAborted } from '../errors'
import { scoreHead } from '../heads/head-scorer'
import { trainHead, type TrainingProgress } from '../heads/train-head'
import { APP_VERSION } from '../runtime/app-version'
import { registerHead } from '../services/models-register'
import { ModelsRepository } from '../services/models-repository'
import { calibratedThresholds, DEFAULT_THRESHOLD, evaluateSplit, metricsSummary, type ScoredSplit } from './evaluation'
import { HeadTrainingsRepository } from './head-trainings'
import { loadSplits, type SplitData } from './split-data'
import { buildTrainingSet } from './training-set'

export interface TrainVersionOptions {
  db: Database
  projectDir: string
  params: TrainHeadParams
  jobId: number | null
  /** Threads for the matrix products (jobs pass it explicitly; default 1). */
  threads?: number
  signal?: AbortSignal
  onProgress?: (done: number, total: number | null, unit: string, message: string) => void
  log?: (level: 'info' | 'warn', message: string) => void
}

function scored(head: Parameters<typeof scoreHead>[0], d: SplitData): ScoredSplit {
  return { n: d.n, classes: d.classes, scores: scoreHead(head, d.x, d.n), targets: d.y }
}

export async function trainVersion(o: TrainVersionOptions): Promise<TrainHeadResult> {
  const t0 = performance.now()
  const { db, params, signal } = o
  const log = o.log ?? (() => {})
  const progress = o.onProgress ?? (() => {})
  progress(0, null, 'epochs', 'Building the training set')
  const set = buildTrainingSet(db, params.set, { signal })
  const { report, resolved } = set
  for (const w of report.warnings) log('warn', w.message)
  if (report.examples === 0) throw new AppError('TRAINING_DATA', report.warnings.find((w) => w.code === 'NO_EXAMPLES')?.message ?? 'the training set is empty')
  if (report.splits.train.examples === 0) throw new AppError('TRAINING_DATA', 'the training split is empty: lower the validation and test shares')
  const positives = report.classes.reduce((s, c) => s + c.positives.train, 0)
  if (positives === 0) throw new AppError('TRAINING_DATA', `no training window is positive for ${report.classes.map((c) => c.code).join(', ')}`)
  log('info', `training set: ${report.splits.train.examples} train, ${report.splits.validation.examples} validation, ${report.splits.test.examples} test examples of ${report.classes.length} class(es)`)

  const data = loadSplits(o.projectDir, set, signal)
  throwIfAborted(signal)
  const h = params.head ?? {}
  const epochs = h.epochs ?? 30
  const onProgress = (p: TrainingProgress): void => {
    const losses = p.trainLoss === undefined ? '' : ` · loss ${p.trainLoss.toFixed(4)}${p.valLoss === undefined ? '' : ` · validation ${p.valLoss.toFixed(4)}`}`
    progress(p.fraction * p.epochs, p.epochs, 'epochs', `Epoch ${p.epoch}/${p.epochs}${losses}`)
  }
  const val = data.validation.n > 0 ? data.validation : undefined
  const { head, history } = await trainHead(data.train, val, {
    kind: h.kind ?? 'linear',
    task: resolved.task,
    seed: resolved.seed,
    ...(h.hidden === undefined ? {} : { hidden: h.hidden }),
    epochs,
    ...(h.lr === undefined ? {} : { lr: h.lr }),
    ...(h.batchSize === undefined ? {} : { batchSize: h.batchSize }),
    ...(h.weightDecay === undefined ? {} : { weightDecay: h.weightDecay }),
    classWeights: h.classWeighting ?? 'none',
    mixup: h.mixup ?? 0,
    ...(h.patience === undefined ? {} : { patience: h.patience }),
    threads: o.threads ?? 1,
    signal,
    onProgress,
  })
  log('info', `trained ${history.epochs.length} epoch(s) in ${history.seconds.toFixed(2)} s (best epoch ${history.bestEpoch}${history.stoppedEarly ? ', stopped early' : ''})`)

  const classes = resolved.classes
  const valScores = val ? scored(head, val) : null
  const targetPrecision = h.targetPrecision ?? null
  const thresholds = targetPrecision !== null && valScores ? calibratedThresholds(valScores, targetPrecision) : classes.map(() => DEFAULT_THRESHOLD)
  const validation: SplitEvaluation | null = valScores ? evaluateSplit(resolved.task, valScores, classes, thresholds, targetPrecision) : null
  const test: SplitEvaluation | null = data.test.n > 0 ? evaluateSplit(resolved.task, scored(head, data.test), classes, thresholds, null) : null
  const evaluation: HeadEvaluation = {
    formatVersion: 1,
    task: resolved.task,
    labels: classes.map((c) => ({ labelId: c.labelId, code: c.code })),
    thresholds,
    targetPrecision,
    validation,
    test,
    history: {
      epochs: history.epochs.map((e) => ({ epoch: e.epoch, trainLoss: e.trainLoss, valLoss: e.valLoss ?? null })),
      bestEpoch: history.bestEpoch,
      stoppedEarly: history.stoppedEarly,
      seconds: history.seconds,
    },
  }
  const metrics = metricsSummary(validation, test, { train: data.train.n, validation: data.validation.n, test: data.test.n })
  throwIfAborted(signal)

  const name = params.name ?? `${resolved.labelSet.name} head`
  const trainedAt = new Date().toISOString()
  const activate = params.activate ?? true
  const models = new ModelsRepository(db)
  const trainings = new HeadTrainingsRepository(db)
  if (params.previousModelId !== undefined) models.head(params.previousModelId)
  // A holder: the transaction callback sets it, the catch reads it.
  const written: { folder: string | null } = { folder: null }
  let registered: { id: number; version: string }
  try {
    registered = db.transaction(() => {
      const r = registerHead(db, o.projectDir, {
        name,
        encoderId: resolved.encoder.id,
        labelSetId: resolved.labelSet.id,
        labelIds: classes.map((c) => c.labelId),
        head,
        windowS: resolved.analysis.windowS,
        hopS: resolved.analysis.hopS,
        thresholds,
        source: { source: 'in-app training', trainedAt, jobId: o.jobId },
        metrics,
        provenance: {
          trainer: 'OpenBEATs Studio head trainer',
          appVersion: APP_VERSION,
          seed: resolved.seed,
          encoderOnnxSha256: resolved.encoder.encoder.onnxSha256,
          analysisId: resolved.analysis.id,
          windowS: resolved.analysis.windowS,
          hopS: resolved.analysis.hopS,
          labelSet: resolved.labelSet.name,
          trainingSet: {
            fingerprint: report.fingerprint,
            examples: report.examples,
            train: report.splits.train.examples,
            validation: report.splits.validation.examples,
            test: report.splits.test.examples,
            annotations: set.snapshot.annotationIds.length,
            detections: set.snapshot.detectionIds.length,
            decisions: set.snapshot.decisionIds.length,
            split: report.split,
            overlap: report.rule,
            backgroundRatio: report.backgroundRatio,
          },
          hyperParameters: { kind: head.kind, task: head.task, ...(head.kind === 'mlp' ? { hidden: head.layers[0].outputs, activation: head.activation } : {}), ...head.trainedWith, maxEpochs: epochs, targetPrecision },
          ...(params.previousModelId === undefined ? {} : { previousModelId: params.previousModelId }),
        },
        active: activate,
      })
      written.folder = r.folder
      if (activate) {
        // One active version per head name: analyses would otherwise score both.
        for (const other of models.rows('head')) {
          if (other.id === r.id || other.name !== name || !other.active) continue
          const rec = models.head(other.id)
          models.setActiveFlag(other.id, false)
          models.setConfig(other.id, { ...rec.head, scoredRevision: null })
        }
      }
      trainings.insert({
        modelId: r.id,
        origin: 'trained',
        jobId: o.jobId,
        previousModelId: params.previousModelId ?? null,
        params,
        report,
        snapshot: set.snapshot,
        evaluation,
        createdAt: trainedAt,
      })
      return { id: r.id, version: r.version }
      // IMMEDIATE: the job manager writes progress rows meanwhile; a deferred transaction that
      // reads first would fail to upgrade to a write (SQLITE_BUSY) instead of waiting its turn.
    }).immediate()
  } catch (err) {
    if (written.folder !== null) rmSync(join(o.projectDir, written.folder), { recursive: true, force: true })
    throw err
  }
  const summary = `${name} ${registered.version}: validation mAP ${typeof metrics.mAP === 'number' ? metrics.mAP.toFixed(3) : 'n/a'}`
  log('info', summary)
  progress(epochs, epochs, 'epochs', summary)
  return {
    modelId: registered.id,
    name,
    version: registered.version,
    previousModelId: params.previousModelId ?? null,
    metrics,
    report,
    seconds: (performance.now() - t0) / 1000,
  }
}
