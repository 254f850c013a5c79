// Reads and review writes of detections. Listing runs in two steps: the ids of one page (an index
// walk, see detections-query.ts), then the rows of those ids with their recording, site, label and
// model. Totals, facets and histograms are cached until the detections change.
import type { Database, Statement } from 'better-sqlite3'
import type {
  DetectionFacets,
  DetectionFilter,
  DetectionRow,
  DetectionSort,
  ReviewState,
  ScoreHistogram,
} from '../../src-shared/contracts'
import { AppError } from '../errors'
import { DataFreshness, FreshCache } from './detections-freshness'
import { countSelected, labelScores, selectIds, type SqlParams } from './detections-query'
import { formatWallTime, offsetMinutes } from './detections-wall-clock'

interface JoinedRow {
  id: number
  recording_id: number
  file_name: string
  path: string
  duration_s: number | null
  start_local_ms: number | null
  start_utc_ms: number | null
  deployment_id: number | null
  site_id: number | null
  site_name: string | null
  label_id: number
  label_code: string
  common_name: string | null
  scientific_name: string | null
  color: string | null
  original_label_id: number | null
  original_label_code: string | null
  model_id: number
  model_name: string
  model_version: string
  start_s: number
  end_s: number
  score: number
  review_state: ReviewState
  reviewed_at: string | null
}

const ROWS_BY_IDS = `
SELECT d.id, d.recording_id, r.file_name, r.path, r.duration_s, r.start_local_ms, r.start_utc_ms, r.deployment_id,
  dep.site_id, s.name AS site_name, d.label_id, l.code AS label_code, l.common_name, l.scientific_name, l.color,
  d.original_label_id, ol.code AS original_label_code, d.model_id, m.name AS model_name, m.version AS model_version,
  d.start_s, d.end_s, d.score, d.review_state, d.reviewed_at
FROM json_each(?) j
JOIN detections d ON d.id = j.value
JOIN recordings r ON r.id = d.recording_id
LEFT JOIN deployments dep ON dep.id = r.deployment_id
LEFT JOIN sites s ON s.id = dep.site_id
JOIN labels l ON l.id = d.label_id
LEFT JOIN labels ol ON ol.id = d.original_label_id
JOIN models m ON m.id = d.model_id
ORDER BY j.key`

function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'))
  return i >= 0 ? path.slice(i + 1) : path
}

function toDetectionRow(r: JoinedRow): DetectionRow {
  const offset = offsetMinutes(r.start_local_ms, r.start_utc_ms)
  return {
    id: r.id,
    recordingId: r.recording_id,
    fileName: r.file_name || baseName(r.path),
    recordingDurationS: r.duration_s,
    siteId: r.site_id,
    siteName: r.site_name,
    deploymentId: r.deployment_id,
    labelId: r.label_id,
    labelCode: r.label_code,
    labelName: r.common_name ?? r.scientific_name,
    labelColor: r.color,
    originalLabelId: r.original_label_id,
    originalLabelCode: r.original_label_code,
    modelId: r.model_id,
    modelName: r.model_version ? `${r.model_name} ${r.model_version}` : r.model_name,
    startS: r.start_s,
    endS: r.end_s,
    startTime: r.start_local_ms === null ? null : formatWallTime(r.start_local_ms + r.start_s * 1000, offset),
    score: r.score,
    reviewState: r.review_state,
    reviewedAt: r.reviewed_at,
  }
}

/** A stable cache key: the same filter written in another key order is the same filter. */
function filterKey(filter: DetectionFilter | undefined): string {
  if (!filter) return '{}'
  const entries = Object.entries(filter).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))
  entries.sort(([a], [b]) => a.localeCompare(b))
  return JSON.stringify(entries.map(([k, v]) => [k, Array.isArray(v) ? [...v].sort() : v]))
}

export interface ReviewResult {
  row: DetectionRow
  recordingId: number
}

export class DetectionRepository {
  readonly freshness: DataFreshness
  private readonly statements = new Map<string, Statement>()
  private readonly totals: FreshCache<number>
  private readonly facetsCache: FreshCache<DetectionFacets>
  private readonly histograms: FreshCache<ScoreHistogram>

  constructor(private readonly db: Database) {
    this.freshness = new DataFreshness(db)
    this.totals = new FreshCache(this.freshness, 128)
    this.facetsCache = new FreshCache(this.freshness, 1)
    this.histograms = new FreshCache(this.freshness, 64)
  }

  /** Statements by SQL text: a filter's shape decides the text, and shapes repeat. */
  private statement(sql: string): Statement {
    let st = this.statements.get(sql)
    if (!st) {
      if (this.statements.size >= 256) this.statements.clear()
      st = this.db.prepare(sql)
      this.statements.set(sql, st)
    }
    return st
  }

  count(filter: DetectionFilter | undefined): number {
    return this.totals.get(filterKey(filter), () => {
      const q = countSelected(filter)
      return this.statement(q.sql).pluck().get(q.params) as number
    })
  }

  pageIds(filter: DetectionFilter | undefined, sort: DetectionSort | undefined, offset: number, limit: number): number[] {
    const q = selectIds(filter, sort)
    const params: SqlParams = { ...q.params, limit, offset }
    return this.statement(`${q.sql} LIMIT @limit OFFSET @offset`).pluck().all(params) as number[]
  }

  rowsByIds(ids: readonly number[]): DetectionRow[] {
    if (ids.length === 0) return []
    const rows = this.statement(ROWS_BY_IDS).all(JSON.stringify(ids)) as JoinedRow[]
    return rows.map(toDetectionRow)
  }

  list(filter: DetectionFilter | undefined, sort: DetectionSort | undefined, offset: number, limit: number): { total: number; items: DetectionRow[] } {
    const total = this.count(filter)
    const items = offset >= total ? [] : this.rowsByIds(this.pageIds(filter, sort, offset, limit))
    return { total, items }
  }

  get(id: number): DetectionRow {
    const [row] = this.rowsByIds([id])
    if (!row) throw new AppError('NOT_FOUND', `detection #${id} does not exist (deleted by a rescore, or from another project)`)
    return row
  }

  /**
   * Stores a decision. Relabelling keeps the model's label in original_label_id (the first time;
   * relabelling back to it clears it); going back to unreviewed clears the review time. Cached
   * answers the decision cannot have changed stay cached, so reviewing row after row does not
   * recount a million rows each time.
   */
  review(id: number, state: ReviewState, labelId: number | undefined, now: string): ReviewResult {
    const before = this.freshness.stamp()
    const apply = this.db.transaction(() => {
      const current = this.statement('SELECT recording_id, label_id, original_label_id, review_state FROM detections WHERE id = ?').get(id) as
        | { recording_id: number; label_id: number; original_label_id: number | null; review_state: ReviewState }
        | undefined
      if (!current) throw new AppError('NOT_FOUND', `detection #${id} does not exist (deleted by a rescore, or from another project)`)
      let label = current.label_id
      let original = current.original_label_id
      if (labelId !== undefined && labelId !== current.label_id) {
        const exists = this.statement('SELECT 1 FROM labels WHERE id = ?').pluck().get(labelId)
        if (!exists) throw new AppError('NOT_FOUND', `label #${labelId} does not exist; pick a label of this project`)
        const modelLabel = current.original_label_id ?? current.label_id
        label = labelId
        original = labelId === modelLabel ? null : modelLabel
      }
      this.statement('UPDATE detections SET review_state = ?, reviewed_at = ?, label_id = ?, original_label_id = ? WHERE id = ?').run(
        state,
        state === 'unreviewed' ? null : now,
        label,
        original,
        id,
      )
      return { recordingId: current.recording_id, fromState: current.review_state, fromLabel: current.label_id, toLabel: label }
    })
    const change = apply()
    this.freshness.bump()
    const stateMoved = change.fromState !== state
    const labelMoved = change.fromLabel !== change.toLabel
    const unaffected = (key: string) => !(stateMoved && key.includes('"reviewStates"')) && !(labelMoved && (key.includes('"labelIds"') || key.startsWith('label:') || key.startsWith('hist:')))
    this.totals.carry(before, unaffected)
    this.histograms.carry(before, unaffected)
    this.facetsCache.carry(before, (_key, facets) => {
      facets.reviewStates[change.fromState] -= 1
      facets.reviewStates[state] += 1
      if (labelMoved) {
        const to = facets.labels.find((l) => l.id === change.toLabel)
        // A label that had no detections yet is not in the list: recount then.
        if (!to) return false
        to.count += 1
        const from = facets.labels.find((l) => l.id === change.fromLabel)
        if (from) from.count -= 1
        facets.labels = facets.labels.filter((l) => l.count > 0)
      }
      return true
    })
    return { row: this.get(id), recordingId: change.recordingId }
  }

  histogram(labelId: number, modelId: number | undefined, bins: number, filter: DetectionFilter | undefined): ScoreHistogram {
    const key = `hist:${labelId}|${modelId ?? ''}|${bins}|${filterKey(filter)}`
    return this.histograms.get(key, () => {
      const q = labelScores(labelId, filter, modelId)
      // Scores are probabilities; anything outside [0, 1] lands in the first or last bin.
      const sql = `SELECT max(0, min(@bins - 1, CAST(d.score * @bins AS INTEGER))) AS bin, count(*) AS n FROM ${q.from} ${q.where} GROUP BY bin`
      const counts = this.statement(sql).all({ ...q.params, bins }) as Array<{ bin: number; n: number }>
      const out = Array.from({ length: bins }, (_, i) => ({ from: i / bins, to: (i + 1) / bins, count: 0 }))
      let total = 0
      for (const c of counts) {
        out[c.bin].count = c.n
        total += c.n
      }
      return { labelId, bins: out, total }
    })
  }

  countAbove(labelId: number, threshold: number, filter: DetectionFilter | undefined): { count: number; total: number } {
    const q = labelScores(labelId, filter, undefined)
    const total = this.totals.get(`label:${labelId}|${filterKey(filter)}`, () => this.statement(`SELECT count(*) FROM ${q.from} ${q.where}`).pluck().get(q.params) as number)
    const above = `SELECT count(*) FROM ${q.from} ${q.where ? `${q.where} AND` : 'WHERE'} d.score >= @threshold`
    const count = this.statement(above).pluck().get({ ...q.params, threshold }) as number
    return { count, total }
  }

  facets(): DetectionFacets {
    // A copy: the cached one is updated in place by reviews.
    return structuredClone(this.facetsCache.get('facets', () => this.computeFacets()))
  }

  private computeFacets(): DetectionFacets {
    // One walk of the (review_state, label_id) index gives both the per-label and per-state counts.
    const byStateLabel = this.statement('SELECT review_state AS state, label_id AS labelId, count(*) AS n FROM detections INDEXED BY detections_by_review GROUP BY review_state, label_id').all() as Array<{
      state: ReviewState
      labelId: number
      n: number
    }>
    const reviewStates: Record<ReviewState, number> = { unreviewed: 0, confirmed: 0, rejected: 0, uncertain: 0 }
    const perLabel = new Map<number, number>()
    for (const g of byStateLabel) {
      reviewStates[g.state] += g.n
      perLabel.set(g.labelId, (perLabel.get(g.labelId) ?? 0) + g.n)
    }
    const labelInfo = this.statement('SELECT id, code, coalesce(common_name, scientific_name) AS name, color FROM labels WHERE id IN (SELECT value FROM json_each(?))').all(
      JSON.stringify([...perLabel.keys()]),
    ) as Array<{ id: number; code: string; name: string | null; color: string | null }>
    const labels = labelInfo
      .map((l) => ({ ...l, count: perLabel.get(l.id) ?? 0 }))
      .sort((a, b) => a.code.localeCompare(b.code, undefined, { sensitivity: 'base' }) || a.id - b.id)
    const models = this.statement(`
      SELECT m.id, m.name, m.version, (SELECT count(*) FROM detections d INDEXED BY detections_by_model_recording WHERE d.model_id = m.id) AS count
      FROM models m ORDER BY m.name, m.version`).all() as DetectionFacets['models']
    const perDeployment = this.statement(`
      SELECT r.deployment_id AS deploymentId, count(*) AS n
      FROM recordings r INDEXED BY recordings_by_deployment_local_time CROSS JOIN detections d INDEXED BY detections_by_recording ON d.recording_id = r.id
      GROUP BY r.deployment_id`).all() as Array<{ deploymentId: number | null; n: number }>
    const sites = this.statement('SELECT dep.id AS deploymentId, s.id, s.name FROM deployments dep JOIN sites s ON s.id = dep.site_id').all() as Array<{
      deploymentId: number
      id: number
      name: string
    }>
    const siteOf = new Map(sites.map((s) => [s.deploymentId, s]))
    const perSite = new Map<number, { id: number; name: string; count: number }>()
    let withoutSite = 0
    for (const g of perDeployment) {
      const site = g.deploymentId === null ? undefined : siteOf.get(g.deploymentId)
      if (!site) {
        withoutSite += g.n
        continue
      }
      const entry = perSite.get(site.id) ?? { id: site.id, name: site.name, count: 0 }
      entry.count += g.n
      perSite.set(site.id, entry)
    }
    const span = this.statement(`
      SELECT min(r.start_local_ms) AS first, max(r.start_local_ms + coalesce(r.duration_s, 0) * 1000) AS last
      FROM recordings r WHERE r.start_local_ms IS NOT NULL AND EXISTS (SELECT 1 FROM detections d INDEXED BY detections_by_recording WHERE d.recording_id = r.id)`).get() as {
      first: number | null
      last: number | null
    }
    return {
      total: Object.values(reviewStates).reduce((a, b) => a + b, 0),
      labels,
      models: models.filter((m) => m.count > 0),
      sites: [...perSite.values()].sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' })),
      withoutSite,
      reviewStates,
      firstTime: span.first === null ? null : formatWallTime(span.first, null),
      lastTime: span.last === null ? null : formatWallTime(span.last, null),
    }
  }
}
