// The head_trainings table: how each head version was made and measured (see migration 005).
import type { Database } from 'better-sqlite3'
import { z } from 'zod'
import { HeadEvaluation, TrainHeadParams, TrainingReport } from '../../src-shared/contracts'
import { AppError } from '../errors'

export const TrainingSnapshotSchema = z.object({
  fingerprint: z.string(),
  annotationIds: z.array(z.number().int()),
  detectionIds: z.array(z.number().int()),
  decisionIds: z.array(z.number().int()),
  recordings: z.number().int(),
  examples: z.number().int(),
}).partial().passthrough()

export interface HeadTrainingRecord {
  modelId: number
  origin: 'trained' | 'imported'
  jobId: number | null
  previousModelId: number | null
  params: TrainHeadParams | null
  report: TrainingReport | null
  snapshot: z.infer<typeof TrainingSnapshotSchema>
  evaluation: HeadEvaluation
  createdAt: string
}

interface Raw {
  model_id: number
  origin: 'trained' | 'imported'
  job_id: number | null
  previous_model_id: number | null
  params: string | null
  report: string | null
  snapshot: string
  evaluation: string
  created_at: string
}

function parse<T>(schema: z.ZodType<T>, text: string, what: string): T {
  const r = schema.safeParse(JSON.parse(text))
  if (!r.success) throw new AppError('MODEL_INVALID', `${what} is malformed: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).slice(0, 3).join('; ')}`)
  return r.data
}

function toRecord(r: Raw): HeadTrainingRecord {
  const what = `the training record of model ${r.model_id}`
  return {
    modelId: r.model_id,
    origin: r.origin,
    jobId: r.job_id,
    previousModelId: r.previous_model_id,
    params: r.params === null ? null : parse(TrainHeadParams, r.params, `${what} (params)`),
    report: r.report === null ? null : parse(TrainingReport, r.report, `${what} (report)`),
    snapshot: parse(TrainingSnapshotSchema, r.snapshot, `${what} (snapshot)`),
    evaluation: parse(HeadEvaluation, r.evaluation, `${what} (evaluation)`),
    createdAt: r.created_at,
  }
}

/** The small columns of a record, for lists. */
export interface TrainingSummary {
  origin: 'trained' | 'imported'
  previousModelId: number | null
  jobId: number | null
  retrainable: boolean
  fingerprint: string | null
  examples: number | null
  testMAP: number | null
}

export class HeadTrainingsRepository {
  constructor(private readonly db: Database) {}

  insert(r: HeadTrainingRecord): void {
    this.db
      .prepare(
        `INSERT INTO head_trainings (model_id, origin, job_id, previous_model_id, params, report, snapshot, evaluation, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        r.modelId,
        r.origin,
        r.jobId,
        r.previousModelId,
        r.params === null ? null : JSON.stringify(r.params),
        r.report === null ? null : JSON.stringify(r.report),
        JSON.stringify(r.snapshot),
        JSON.stringify(r.evaluation),
        r.createdAt,
      )
  }

  get(modelId: number): HeadTrainingRecord | null {
    const r = this.db.prepare('SELECT * FROM head_trainings WHERE model_id = ?').get(modelId) as Raw | undefined
    return r ? toRecord(r) : null
  }

  /** Origin, previous version, job and seed of every record, without parsing the large columns. */
  summaries(): Map<number, TrainingSummary> {
    const rows = this.db
      .prepare(
        `SELECT model_id AS modelId, origin, previous_model_id AS previousModelId, job_id AS jobId, params IS NOT NULL AS retrainable,
                json_extract(snapshot, '$.fingerprint') AS fingerprint, json_extract(snapshot, '$.examples') AS examples,
                json_extract(evaluation, '$.test.mAP') AS testMAP
         FROM head_trainings`,
      )
      .all() as (Omit<TrainingSummary, 'retrainable'> & { modelId: number; retrainable: number })[]
    return new Map(rows.map(({ modelId, ...r }) => [modelId, { ...r, retrainable: r.retrainable === 1 }]))
  }
}
