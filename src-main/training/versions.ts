// Head versions as the Train view lists and compares them: provenance and headline metrics from
// the models table, origin and the version it retrained from head_trainings.
import type { Database } from 'better-sqlite3'
import type { ClassMetrics, HeadEvaluation, HeadVersion, SplitEvaluation, VersionComparison } from '../../src-shared/contracts'
import { AppError } from '../errors'
import { ModelsRepository, type ModelRow } from '../services/models-repository'
import { HeadTrainingsRepository, type TrainingSummary } from './head-trainings'

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null
}

function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {}
}

export function listVersions(db: Database, filter: { labelSetId?: number; encoderId?: number } = {}): HeadVersion[] {
  const models = new ModelsRepository(db)
  const trainings = new HeadTrainingsRepository(db).summaries()
  const encoders = new Map(models.rows('encoder').map((e) => [e.id, `${e.name} ${e.version}`]))
  const sets = new Map((db.prepare('SELECT id, name FROM label_sets').all() as { id: number; name: string }[]).map((s) => [s.id, s.name]))
  return models
    .rows('head')
    .filter((r) => (filter.labelSetId === undefined || r.labelSetId === filter.labelSetId) && (filter.encoderId === undefined || r.encoderId === filter.encoderId))
    .sort((a, b) => b.id - a.id)
    .map((row) => toVersion(models, row, trainings.get(row.id), encoders, sets))
}

function toVersion(
  models: ModelsRepository,
  row: ModelRow,
  t: TrainingSummary | undefined,
  encoders: Map<number, string>,
  sets: Map<number, string>,
): HeadVersion {
  const head = models.head(row.id).head
  const p = row.provenance
  const hyper = record(p.hyperParameters)
  const origin: HeadVersion['origin'] = t ? t.origin : p.source === 'checkpoint' ? 'checkpoint' : p.source === 'in-app training' ? 'trained' : 'other'
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    active: row.active,
    createdAt: row.createdAt,
    encoderId: row.encoderId,
    encoderName: row.encoderId === null ? null : (encoders.get(row.encoderId) ?? null),
    labelSetId: row.labelSetId,
    labelSetName: row.labelSetId === null ? null : (sets.get(row.labelSetId) ?? null),
    labels: head.labelCodes,
    kind: typeof hyper.kind === 'string' ? hyper.kind : null,
    task: head.task,
    windowS: head.windowS,
    hopS: head.hopS,
    origin,
    mAP: num(row.metrics.mAP),
    testMAP: t?.testMAP ?? num(row.metrics.testMAP),
    examples: t?.examples ?? null,
    seed: num(p.seed),
    fingerprint: t?.fingerprint ?? null,
    previousId: t?.previousModelId ?? null,
    jobId: t?.jobId ?? null,
    hasEvaluation: t !== undefined,
    retrainable: t?.retrainable ?? false,
  }
}

export function versionEvaluation(db: Database, modelId: number): HeadEvaluation {
  const rec = new HeadTrainingsRepository(db).get(modelId)
  if (!rec) {
    const row = new ModelsRepository(db).row(modelId)
    throw new AppError('NOT_FOUND', `${row.kind} ${row.name} ${row.version} has no stored evaluation (it was not trained or imported with one)`)
  }
  return rec.evaluation
}

function deltaOf(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : b - a
}

/** b relative to a: deltas are b − a. */
export function compareVersions(db: Database, aId: number, bId: number): VersionComparison {
  const all = listVersions(db)
  const find = (id: number): HeadVersion => {
    const v = all.find((x) => x.id === id)
    if (!v) throw new AppError('MODEL_NOT_FOUND', `head ${id} does not exist in this project`)
    return v
  }
  const a = find(aId)
  const b = find(bId)
  const ea = versionEvaluation(db, aId)
  const eb = versionEvaluation(db, bId)
  const split = ea.test && eb.test ? 'test' : 'validation'
  const sa: SplitEvaluation | null = ea[split]
  const sb: SplitEvaluation | null = eb[split]
  const codes = [...new Set([...(sa?.classes ?? []).map((c) => c.code), ...(sb?.classes ?? []).map((c) => c.code)])]
  const byCode = (e: SplitEvaluation | null, code: string): ClassMetrics | null => e?.classes.find((c) => c.code === code) ?? null
  return {
    a,
    b,
    split,
    mAP: { a: sa?.mAP ?? null, b: sb?.mAP ?? null, delta: deltaOf(sa?.mAP ?? null, sb?.mAP ?? null) },
    classes: codes.map((code) => {
      const ca = byCode(sa, code)
      const cb = byCode(sb, code)
      return {
        code,
        a: ca,
        b: cb,
        delta: ca && cb ? { ap: deltaOf(ca.ap, cb.ap), auc: deltaOf(ca.auc, cb.auc), f1: deltaOf(ca.atThreshold.f1, cb.atThreshold.f1) } : null,
      }
    }),
    sameTrainingSet: a.fingerprint !== null && a.fingerprint === b.fingerprint,
  }
}
