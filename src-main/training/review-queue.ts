// Active learning: the windows a head version is least sure about, as a review queue. Every
// analysed window of the head's encoder and windows is scored; windows already labelled — covered
// by an annotation or a reviewed detection (overlap rule), or carrying a window decision — are
// never candidates. Each recording's most uncertain windows (proposeForReview without diversity)
// are merged into one pool, and the final pick adds diversity (max–min cosine over embeddings).
import type { Database } from 'better-sqlite3'
import { DEFAULT_OVERLAP_RULE, type ReviewWindow } from '../../src-shared/contracts'
import { AnalysisRepository } from '../analysis/analysis-repository'
import { embeddingsFile, readEmbeddings } from '../analysis/embedding-files'
import { loadScoringHead } from '../analysis/scoring-heads'
import { AppError, throwIfAborted } from '../errors'
import { proposeForReview } from '../heads/active'
import { HeadScorer } from '../heads/head-scorer'
import { ModelsRepository } from '../services/models-repository'
import { DECISION_RULE, windowRelation } from './overlap'
import { describeWindows } from './review-windows'
import { WindowCatalog } from './window-catalog'

export interface QueueOptions {
  db: Database
  projectDir: string
  modelId: number
  /** Windows proposed (default 50). */
  k?: number
  /** Only these labels count towards uncertainty (default: all of the head's). */
  labelIds?: readonly number[]
  signal?: AbortSignal
}

export interface ReviewQueue {
  items: ReviewWindow[]
  /** Windows scored and eligible. */
  candidates: number
  /** Windows left out as already labelled or reviewed. */
  excluded: number
  seconds: number
}

interface Labelled {
  startS: number
  endS: number
  decision: boolean
}

interface PoolEntry {
  id: number
  uncertainty: number
  scores: Float32Array
  embedding: Float32Array
}

export async function proposeQueue(o: QueueOptions): Promise<ReviewQueue> {
  const t0 = performance.now()
  const { db } = o
  const k = o.k ?? 50
  const models = new ModelsRepository(db)
  const record = models.head(o.modelId)
  if (record.encoderId === null) throw new AppError('MODEL_INVALID', `head ${record.name} ${record.version} has no encoder`)
  const encoder = models.encoder(record.encoderId)
  const analysis = new AnalysisRepository(db).find(encoder.id, record.head)
  if (!analysis) throw new AppError('TRAINING_DATA', `no recordings are analysed with ${encoder.name} ${encoder.version} and ${record.head.windowS} s windows every ${record.head.hopS} s: nothing to propose`)
  const scoring = loadScoringHead(o.projectDir, models, record, encoder)
  const classes = scoring.head.classes
  const classesOfInterest = o.labelIds?.map((id) => {
    const c = scoring.labelIds.indexOf(id)
    if (c < 0) throw new AppError('INVALID_REQUEST', `label ${id} is not one of head ${record.name} ${record.version}'s labels`)
    return c
  })
  const catalog = WindowCatalog.load(db, analysis)
  const labelled = labelledIntervals(db)
  const poolSize = Math.max(10 * k, 200)
  const dim = analysis.dim
  const scorer = new HeadScorer([scoring.head], { threads: 1, maxBatch: 4096 })
  let pool: PoolEntry[] = []
  let candidates = 0
  let excluded = 0
  let buffer = new Float32Array(0)
  try {
    for (const rec of catalog.recordings) {
      throwIfAborted(o.signal)
      if (rec.windows === 0) continue
      if (buffer.length < rec.windows * dim) buffer = new Float32Array(Math.max(rec.windows * dim, 2 * buffer.length))
      const x = readEmbeddings(embeddingsFile(o.projectDir, analysis.id, rec.recordingId), rec.windows, dim, buffer)
      const scores = scorer.score(x, rec.windows).slice()
      const times = catalog.times(rec)
      const covered = new Set<number>()
      const intervals = labelled.get(rec.recordingId) ?? []
      for (let w = 0; w < rec.windows; w++) {
        for (const iv of intervals) {
          if (iv.startS >= times.end[w] || iv.endS <= times.start[w]) continue
          if (windowRelation(times.start[w], times.end[w], iv.startS, iv.endS, iv.decision ? DECISION_RULE : DEFAULT_OVERLAP_RULE) === 'match') {
            covered.add(rec.base + w)
            break
          }
        }
      }
      excluded += covered.size
      candidates += rec.windows - covered.size
      const ids = Int32Array.from({ length: rec.windows }, (_, w) => rec.base + w)
      const top = proposeForReview(
        { task: scoring.head.task, scores, classes, embeddings: x, dim, ids, isReviewed: (id) => covered.has(id), ...(classesOfInterest ? { classesOfInterest } : {}) },
        { k: poolSize, diversity: 'none' },
      )
      for (const p of top) {
        const w = p.id - rec.base
        pool.push({ id: p.id, uncertainty: p.uncertainty, scores: scores.slice(w * classes, (w + 1) * classes), embedding: x.slice(w * dim, (w + 1) * dim) })
      }
      if (pool.length > 2 * poolSize) pool = trim(pool, poolSize)
      // Let a cancel (or any other call) in between recordings.
      await new Promise((resolve) => setImmediate(resolve))
    }
  } finally {
    scorer.dispose()
  }
  pool = trim(pool, poolSize)
  const picks = proposeForReview(
    {
      task: scoring.head.task,
      scores: concat(pool.map((p) => p.scores), classes),
      classes,
      embeddings: concat(pool.map((p) => p.embedding), dim),
      dim,
      ids: pool.map((p) => p.id),
      isReviewed: () => false,
      ...(classesOfInterest ? { classesOfInterest } : {}),
    },
    { k, pool: poolSize },
  )
  const scoreOf = new Map(pool.map((p) => [p.id, p.scores]))
  const items = describeWindows(
    db,
    picks.map((p) => {
      const span = catalog.span(p.id)
      return { recordingId: span.recordingId, startS: span.startS, endS: span.endS, labelId: scoring.labelIds[p.class], score: (scoreOf.get(p.id) as Float32Array)[p.class], uncertainty: p.uncertainty }
    }),
  )
  return { items, candidates, excluded, seconds: (performance.now() - t0) / 1000 }
}

function trim(pool: PoolEntry[], size: number): PoolEntry[] {
  return pool.sort((a, b) => b.uncertainty - a.uncertainty || a.id - b.id).slice(0, size)
}

function concat(rows: Float32Array[], width: number): Float32Array {
  const out = new Float32Array(rows.length * width)
  rows.forEach((r, i) => out.set(r, i * width))
  return out
}

/** Annotations, reviewed detections and window decisions of every recording, as time spans. */
function labelledIntervals(db: Database): Map<number, Labelled[]> {
  const rows = db
    .prepare(
      `SELECT recording_id AS recordingId, start_s AS startS, end_s AS endS, 0 AS decision FROM annotations
       UNION ALL SELECT recording_id, start_s, end_s, 0 FROM detections WHERE review_state <> 'unreviewed'
       UNION ALL SELECT recording_id, start_s, end_s, 1 FROM window_decisions`,
    )
    .all() as { recordingId: number; startS: number; endS: number; decision: number }[]
  const out = new Map<number, Labelled[]>()
  for (const r of rows) {
    const list = out.get(r.recordingId) ?? []
    list.push({ startS: r.startS, endS: r.endS, decision: r.decision === 1 })
    out.set(r.recordingId, list)
  }
  return out
}
