// The two things activity statistics read: the recorded spans in scope, and detections counted per
// wall-clock hour. The hour of a detection is its recording's wall-clock start plus its offset,
// counted in SQL while walking recordings and their detections (the recording index covers every
// detection column used), so a million detections are never brought into JavaScript.
import type { Database, Statement } from 'better-sqlite3'
import type { Activity, ActivityQuery, TimeBasis } from '../../src-shared/contracts'
import { AppError } from '../errors'
import { DataFreshness, FreshCache } from './detections-freshness'
import { filterTerms, type SqlParams } from './detections-query'
import { HOUR_MS, parseWallBound } from './detections-wall-clock'
import { activityTables, recordedByHour, type RecordedSpan } from './stats-activity'

interface Scope {
  recordingTerms: string[]
  detectionTerms: string[]
  params: SqlParams
  fromMs?: number
  toMs?: number
}

function scopeOf(q: ActivityQuery): Scope {
  // The detection table's filter terms, so both views select the same detections for a filter.
  const t = filterTerms({
    siteId: q.siteId,
    labelIds: q.labelId === undefined ? undefined : [q.labelId],
    modelId: q.modelId,
    reviewStates: q.confirmedOnly ? ['confirmed'] : undefined,
    minScore: q.minScore,
  })
  const s: Scope = { recordingTerms: t.recording, detectionTerms: t.detection, params: t.params }
  if (q.from !== undefined) s.fromMs = parseWallBound(q.from, 'from')
  // A date-only upper bound includes that day (parseWallBound moves it to the next midnight).
  if (q.to !== undefined) s.toMs = parseWallBound(q.to, 'to')
  if (s.fromMs !== undefined && s.toMs !== undefined && s.toMs <= s.fromMs) {
    throw new AppError('INVALID_REQUEST', `the date range ${q.from} – ${q.to} is empty: the end must be after the start`)
  }
  return s
}

function where(terms: string[]): string {
  return terms.length > 0 ? `WHERE ${terms.join(' AND ')}` : ''
}

function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`
}

function describeBasis(b: Omit<TimeBasis, 'note' | 'zoneKnown'>): string {
  const parts: string[] = []
  if (b.recordings === 0) parts.push('No recording with a start time is in this selection.')
  else if (b.withoutZone > 0) {
    parts.push(`Hours are the recorders' local clock time; the time zone is unknown for ${b.withoutZone === b.recordings ? 'every recording' : `${plural(b.withoutZone, 'recording')} of ${b.recordings.toLocaleString('en-US')}`}.`)
  } else parts.push("Hours are the recorders' clock time; every recording states its UTC offset.")
  if (b.inUtc > 0) parts.push(`${plural(b.inUtc, 'recording')} ${b.inUtc === 1 ? 'is stamped in UTC: its' : 'are stamped in UTC: their'} hours are UTC, not necessarily local time.`)
  if (b.withoutStartTime > 0) {
    parts.push(`${plural(b.withoutStartTime, 'recording')} without a start time (${plural(b.detectionsWithoutStartTime, 'detection')}) ${b.withoutStartTime === 1 ? 'is' : 'are'} left out.`)
  }
  return parts.join(' ')
}

export class StatsRepository {
  readonly freshness: DataFreshness
  private readonly cache: FreshCache<Activity>
  private readonly statements = new Map<string, Statement>()

  constructor(private readonly db: Database) {
    this.freshness = new DataFreshness(db)
    this.cache = new FreshCache(this.freshness, 16)
  }

  private statement(sql: string): Statement {
    let st = this.statements.get(sql)
    if (!st) {
      if (this.statements.size >= 128) this.statements.clear()
      st = this.db.prepare(sql)
      this.statements.set(sql, st)
    }
    return st
  }

  activity(query: ActivityQuery): Activity {
    const key = JSON.stringify(Object.entries(query).sort(([a], [b]) => a.localeCompare(b)))
    return this.cache.get(key, () => this.compute(query))
  }

  private compute(query: ActivityQuery): Activity {
    const s = scopeOf(query)
    const spans = this.statement(`SELECT r.start_local_ms AS startLocalMs, r.start_utc_ms AS startUtcMs, r.duration_s AS durationS
      FROM recordings r ${where(['r.duration_s IS NOT NULL', ...s.recordingTerms])}`).all(s.params) as Array<{
      startLocalMs: number | null
      startUtcMs: number | null
      durationS: number
    }>
    const dated: RecordedSpan[] = []
    let withoutZone = 0
    let inUtc = 0
    let withoutStartTime = 0
    for (const r of spans) {
      if (r.startLocalMs === null) {
        withoutStartTime += 1
        continue
      }
      dated.push({ startLocalMs: r.startLocalMs, durationS: r.durationS })
      if (r.startUtcMs === null) withoutZone += 1
      else if (r.startUtcMs === r.startLocalMs) inUtc += 1
    }
    const recorded = recordedByHour(dated, s.fromMs, s.toMs)

    const wall = 'r.start_local_ms + d.start_s * 1000'
    const timeTerms = ['r.start_local_ms IS NOT NULL']
    const params: SqlParams = { ...s.params, hourMs: HOUR_MS }
    if (s.fromMs !== undefined) {
      timeTerms.push(`${wall} >= @fromMs`)
      params.fromMs = s.fromMs
    }
    if (s.toMs !== undefined) {
      timeTerms.push(`${wall} < @toMs`)
      params.toMs = s.toMs
    }
    const walk = 'FROM recordings r CROSS JOIN detections d INDEXED BY detections_by_recording ON d.recording_id = r.id'
    const byHour = this.statement(`SELECT CAST((${wall}) / @hourMs AS INTEGER) AS h, count(*) AS n ${walk}
      ${where([...s.recordingTerms, ...timeTerms, ...s.detectionTerms])} GROUP BY h`).all(params) as Array<{ h: number; n: number }>
    const detections = new Map(byHour.map((row) => [row.h, row.n]))
    const undated = this.statement(`SELECT count(*) ${walk} ${where([...s.recordingTerms, 'r.start_local_ms IS NULL', ...s.detectionTerms])}`)
      .pluck()
      .get(s.params) as number

    const basis = { recordings: dated.length, withoutZone, inUtc, withoutStartTime, detectionsWithoutStartTime: undated }
    return {
      ...activityTables(recorded, detections),
      timeBasis: { ...basis, zoneKnown: dated.length > 0 && withoutZone === 0, note: describeBasis(basis) },
    }
  }

  /** Names for exported tables: the site and label of a query, or "all". */
  describeScope(query: ActivityQuery): { site: string; label: string } {
    const site = query.siteId === undefined ? 'all sites' : ((this.statement('SELECT name FROM sites WHERE id = ?').pluck().get(query.siteId) as string | undefined) ?? `site ${query.siteId}`)
    const label = query.labelId === undefined ? 'all labels' : ((this.statement('SELECT code FROM labels WHERE id = ?').pluck().get(query.labelId) as string | undefined) ?? `label ${query.labelId}`)
    return { site, label }
  }
}
