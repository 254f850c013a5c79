// Reads and edits of recordings, sites and deployments for the browser. Queries are shaped for a
// season of 100k recordings: counts per deployment in one GROUP BY, annotation counts kept on the
// row by triggers, detection counts from the (recording_id, start_s) index for the rows of a page
// (or for every row only when sorting or filtering on them), filters on indexed columns.
import type { Database, Statement } from 'better-sqlite3'
import { z } from 'zod'
import {
  MetadataConflict,
  type DeploymentNode,
  type RecordingDetail,
  type RecordingFilter,
  type RecordingSummary,
  type SiteNode,
} from '../../src-shared/contracts'
import { AppError } from '../errors'
import { localClockMs, parseTimestamp } from '../season/metadata/timestamp'

export type RecordingSortSpec = { by: 'startTime' | 'fileName' | 'duration' | 'detections' | 'annotations'; dir: 'asc' | 'desc' }

interface SummaryRow {
  id: number
  deployment_id: number | null
  site_id: number | null
  file_name: string
  path: string
  format: string
  sample_rate: number | null
  time_expansion: number
  channels: number | null
  duration_s: number | null
  start_time: string | null
  status: RecordingSummary['status']
  status_reason: string | null
  annotation_count: number
  detection_count: number
  has_conflicts: number
}

interface DetailRow extends SummaryRow {
  site_name: string | null
  deployment_name: string | null
  size_bytes: number
  fingerprint: string
  metadata: string
  conflicts: string
  warnings: string
  imported_at: string
}

interface DeploymentRow {
  id: number
  site_id: number
  name: string
  recorder_model: string | null
  recorder_serial: string | null
  started_at: string | null
  ended_at: string | null
  recording_count: number
  total_duration_s: number
  quarantined_count: number
}

interface SiteRow {
  id: number
  name: string
  latitude: number | null
  longitude: number | null
}

export interface CoverageRow {
  id: number
  start_utc_ms: number | null
  start_local_ms: number | null
  duration_s: number | null
}

const DETECTION_COUNT = '(SELECT count(*) FROM detections x WHERE x.recording_id = r.id)'
const SUMMARY_COLUMNS = `r.id, r.deployment_id, d.site_id, r.file_name, r.path, r.format, r.sample_rate, r.time_expansion, r.channels, r.duration_s,
  r.start_time, r.status, r.status_reason, r.annotation_count, ${DETECTION_COUNT} AS detection_count, r.has_conflicts`

const DEPLOYMENT_COLUMNS = `d.id, d.site_id, d.name, d.recorder_model, d.recorder_serial, d.started_at, d.ended_at,
  coalesce(a.n, 0) AS recording_count, coalesce(a.seconds, 0) AS total_duration_s, coalesce(a.quarantined, 0) AS quarantined_count`
const DEPLOYMENT_COUNTS = `SELECT deployment_id, count(*) AS n, total(duration_s) AS seconds, sum(status = 'quarantined') AS quarantined FROM recordings`

const SORT_SQL: Record<RecordingSortSpec['by'], string> = {
  startTime: 'r.start_local_ms',
  fileName: 'r.file_name COLLATE NOCASE',
  duration: 'r.duration_s',
  detections: DETECTION_COUNT,
  annotations: 'r.annotation_count',
}

const StringArray = z.array(z.string())
const Conflicts = z.array(MetadataConflict)

function parseJson<T>(text: string, schema: z.ZodType<T>, fallback: T): T {
  try {
    const parsed = schema.safeParse(JSON.parse(text))
    return parsed.success ? parsed.data : fallback
  } catch {
    return fallback
  }
}

function toSummary(row: SummaryRow): RecordingSummary {
  return {
    id: row.id,
    deploymentId: row.deployment_id,
    siteId: row.site_id,
    fileName: row.file_name,
    path: row.path,
    format: row.format,
    sampleRate: row.sample_rate,
    effectiveSampleRate: row.sample_rate === null ? null : Math.max(1, Math.round(row.sample_rate * row.time_expansion)),
    channels: row.channels,
    durationS: row.duration_s,
    startTime: row.start_time,
    status: row.status,
    statusReason: row.status_reason,
    annotationCount: row.annotation_count,
    detectionCount: row.detection_count,
    hasConflicts: row.has_conflicts === 1,
  }
}

function toDeployment(row: DeploymentRow): DeploymentNode {
  return {
    id: row.id,
    siteId: row.site_id,
    name: row.name,
    recorderModel: row.recorder_model,
    recorderSerial: row.recorder_serial,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    recordingCount: row.recording_count,
    totalDurationS: row.total_duration_s,
    quarantinedCount: row.quarantined_count,
  }
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/

/** A filter bound as epoch ms, and whether it names its zone (then it is compared with UTC starts). */
function timeBound(text: string, edge: 'from' | 'to'): { ms: number; zoned: boolean } {
  const day = DATE_ONLY.exec(text.trim())
  if (day) {
    const start = Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]))
    if (Number.isNaN(start)) throw new AppError('INVALID_REQUEST', `filter ${edge} "${text}" is not a date`)
    // A date-only `to` includes the whole day.
    return { ms: edge === 'from' ? start : start + 86_400_000 - 1, zoned: false }
  }
  const t = parseTimestamp(text)
  if (!t) throw new AppError('INVALID_REQUEST', `filter ${edge} "${text}" is not an ISO 8601 date or date-time`)
  return t.utcOffsetMinutes === undefined ? { ms: localClockMs(t), zoned: false } : { ms: localClockMs(t) - t.utcOffsetMinutes * 60_000, zoned: true }
}

export class RecordingsRepository {
  private readonly sitesStmt: Statement<[], SiteRow>
  private readonly siteStmt: Statement<[number], SiteRow>
  private readonly deploymentsStmt: Statement<[], DeploymentRow>
  private readonly deploymentStmt: Statement<[{ id: number }], DeploymentRow>
  private readonly detailStmt: Statement<[number], DetailRow>
  private readonly coverageStmt: Statement<[number], CoverageRow>
  private readonly deploymentExists: Statement<[number], { id: number }>
  private readonly pageStmt: Statement<[string], SummaryRow>

  constructor(private readonly db: Database) {
    this.sitesStmt = db.prepare('SELECT id, name, latitude, longitude FROM sites ORDER BY name COLLATE NOCASE, id')
    this.siteStmt = db.prepare('SELECT id, name, latitude, longitude FROM sites WHERE id = ?')
    this.deploymentsStmt = db.prepare(`SELECT ${DEPLOYMENT_COLUMNS} FROM deployments d LEFT JOIN (${DEPLOYMENT_COUNTS} GROUP BY deployment_id) a ON a.deployment_id = d.id
      ORDER BY d.started_at IS NULL, d.started_at, d.name COLLATE NOCASE, d.id`)
    this.deploymentStmt = db.prepare(`SELECT ${DEPLOYMENT_COLUMNS} FROM deployments d LEFT JOIN (${DEPLOYMENT_COUNTS} WHERE deployment_id = @id) a ON a.deployment_id = d.id WHERE d.id = @id`)
    this.detailStmt = db.prepare(`SELECT ${SUMMARY_COLUMNS}, s.name AS site_name, d.name AS deployment_name, r.size_bytes, r.fingerprint, r.metadata, r.conflicts, r.warnings, r.imported_at
      FROM recordings r LEFT JOIN deployments d ON d.id = r.deployment_id LEFT JOIN sites s ON s.id = d.site_id WHERE r.id = ?`)
    this.coverageStmt = db.prepare("SELECT id, start_utc_ms, start_local_ms, duration_s FROM recordings WHERE deployment_id = ? AND status <> 'quarantined' ORDER BY start_local_ms, id")
    this.deploymentExists = db.prepare('SELECT id FROM deployments WHERE id = ?')
    this.pageStmt = db.prepare(`SELECT ${SUMMARY_COLUMNS} FROM recordings r LEFT JOIN deployments d ON d.id = r.deployment_id WHERE r.id IN (SELECT value FROM json_each(?))`)
  }

  tree(): SiteNode[] {
    const bySite = new Map<number, DeploymentNode[]>()
    for (const row of this.deploymentsStmt.all()) {
      const list = bySite.get(row.site_id) ?? []
      list.push(toDeployment(row))
      bySite.set(row.site_id, list)
    }
    return this.sitesStmt.all().map((s) => ({ ...s, deployments: bySite.get(s.id) ?? [] }))
  }

  list(filter: RecordingFilter = {}, sort: RecordingSortSpec = { by: 'startTime', dir: 'asc' }, page: { offset: number; limit: number }): { total: number; items: RecordingSummary[] } {
    const where: string[] = []
    const params: Record<string, string | number> = {}
    if (filter.siteId !== undefined) {
      where.push('r.deployment_id IN (SELECT id FROM deployments WHERE site_id = @siteId)')
      params.siteId = filter.siteId
    }
    if (filter.deploymentId !== undefined) {
      where.push('r.deployment_id = @deploymentId')
      params.deploymentId = filter.deploymentId
    }
    for (const edge of ['from', 'to'] as const) {
      const text = filter[edge]
      if (text === undefined) continue
      const bound = timeBound(text, edge)
      const column = bound.zoned ? 'coalesce(r.start_utc_ms, r.start_local_ms)' : 'r.start_local_ms'
      where.push(`${column} ${edge === 'from' ? '>=' : '<='} @${edge}`)
      params[edge] = bound.ms
    }
    if (filter.hasAnnotations !== undefined) where.push(filter.hasAnnotations ? 'r.annotation_count > 0' : 'r.annotation_count = 0')
    if (filter.hasDetections !== undefined) where.push(`${filter.hasDetections ? '' : 'NOT '}EXISTS (SELECT 1 FROM detections x WHERE x.recording_id = r.id)`)
    if (filter.status !== undefined) {
      where.push('r.status = @status')
      params.status = filter.status
    }
    if (filter.search !== undefined && filter.search.trim() !== '') {
      where.push("r.file_name LIKE @search ESCAPE '\\'")
      params.search = `%${filter.search.trim().replace(/[\\%_]/g, (c) => '\\' + c)}%`
    }
    const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''
    // Only filters on the deployment need the join for the count.
    const total = (this.db.prepare(`SELECT count(*) AS n FROM recordings r ${whereSql}`).get(params) as { n: number }).n
    const dir = sort.dir === 'desc' ? 'DESC' : 'ASC'
    // Two steps: the page's ids through the indexes (sort key, then id), then the page's columns.
    // Skipped rows never get their detection count computed (a deep page stays fast).
    const sortKey = SORT_SQL[sort.by]
    const ids = this.db
      .prepare(`SELECT r.id FROM recordings r ${whereSql} ORDER BY ${sortKey} ${dir}, r.id ${dir} LIMIT @limit OFFSET @offset`)
      .pluck()
      .all({ ...params, limit: page.limit, offset: page.offset }) as number[]
    if (ids.length === 0) return { total, items: [] }
    const rows = this.pageStmt.all(JSON.stringify(ids))
    const byId = new Map(rows.map((r) => [r.id, r]))
    return { total, items: ids.flatMap((id) => (byId.has(id) ? [toSummary(byId.get(id) as SummaryRow)] : [])) }
  }

  get(id: number): RecordingDetail {
    const row = this.detailStmt.get(id)
    if (!row) throw new AppError('NOT_FOUND', `recording ${id} does not exist in this project`)
    return {
      ...toSummary(row),
      siteName: row.site_name,
      deploymentName: row.deployment_name,
      sizeBytes: row.size_bytes,
      fingerprint: row.fingerprint,
      timeExpansion: row.time_expansion,
      metadata: parseJson<Record<string, unknown>>(row.metadata, z.record(z.string(), z.unknown()), {}),
      conflicts: parseJson(row.conflicts, Conflicts, []),
      warnings: parseJson(row.warnings, StringArray, []),
      importedAt: row.imported_at,
    }
  }

  coverageRows(deploymentId: number): CoverageRow[] {
    if (!this.deploymentExists.get(deploymentId)) throw new AppError('NOT_FOUND', `deployment ${deploymentId} does not exist in this project`)
    return this.coverageStmt.all(deploymentId)
  }

  site(id: number): SiteNode {
    const row = this.siteStmt.get(id)
    if (!row) throw new AppError('NOT_FOUND', `site ${id} does not exist in this project`)
    const deployments = this.deploymentsStmt.all().filter((d) => d.site_id === id).map(toDeployment)
    return { ...row, deployments }
  }

  deployment(id: number): DeploymentNode {
    const row = this.deploymentStmt.get({ id })
    if (!row) throw new AppError('NOT_FOUND', `deployment ${id} does not exist in this project`)
    return toDeployment(row)
  }

  updateSite(id: number, patch: { name?: string; latitude?: number | null; longitude?: number | null }): SiteNode {
    this.site(id)
    if (patch.name !== undefined) {
      const taken = this.db.prepare('SELECT id FROM sites WHERE name = ? AND id <> ?').get(patch.name, id)
      if (taken) throw new AppError('INVALID_REQUEST', `another site is already called "${patch.name}"`)
    }
    const sets: string[] = []
    const values: Record<string, string | number | null> = { id }
    for (const key of ['name', 'latitude', 'longitude'] as const) {
      if (patch[key] === undefined) continue
      sets.push(`${key} = @${key}`)
      values[key] = patch[key]
    }
    if (sets.length > 0) this.db.prepare(`UPDATE sites SET ${sets.join(', ')} WHERE id = @id`).run(values)
    return this.site(id)
  }

  updateDeployment(id: number, patch: { name?: string; siteId?: number }): DeploymentNode {
    const current = this.deployment(id)
    const siteId = patch.siteId ?? current.siteId
    if (patch.siteId !== undefined) this.site(patch.siteId)
    const name = patch.name ?? current.name
    const taken = this.db.prepare('SELECT id FROM deployments WHERE site_id = ? AND name = ? AND id <> ?').get(siteId, name, id)
    if (taken) throw new AppError('INVALID_REQUEST', `site ${siteId} already has a deployment called "${name}"`)
    this.db.prepare('UPDATE deployments SET name = ?, site_id = ? WHERE id = ?').run(name, siteId, id)
    return this.deployment(id)
  }
}
