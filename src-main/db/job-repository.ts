// The jobs table: the single source of truth about every job (workers are disposable).
import type { Database, Statement } from 'better-sqlite3'
import { JobError, JobLogLine, JobProgress, JobStatus, type JobSnapshot } from '../../src-shared/contracts'

export interface JobRecord extends JobSnapshot {
  checkpoint: unknown
  attempts: number
}

interface JobRow {
  id: number
  type: string
  status: string
  resource: string
  params: string
  progress: string | null
  result: string | null
  error: string | null
  checkpoint: string | null
  attempts: number
  created_at: string
  started_at: string | null
  finished_at: string | null
}

type LogLevel = JobLogLine['level']
const LOG_LEVEL = JobLogLine.shape.level

function parseJson(text: string | null): unknown {
  if (text === null) return null
  try {
    return JSON.parse(text) as unknown
  } catch {
    return null
  }
}

function toJson(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value)
}

// Stored JSON is validated on the way out like any file we read: a bad value becomes null
// rather than a malformed snapshot.
function toRecord(row: JobRow): JobRecord {
  const params = parseJson(row.params)
  const progress = JobProgress.safeParse(parseJson(row.progress))
  const error = JobError.safeParse(parseJson(row.error))
  const status = JobStatus.safeParse(row.status)
  return {
    id: row.id,
    type: row.type,
    status: status.success ? status.data : 'failed',
    params: params !== null && typeof params === 'object' && !Array.isArray(params) ? (params as Record<string, unknown>) : {},
    progress: progress.success ? progress.data : null,
    result: parseJson(row.result),
    error: error.success ? error.data : null,
    resource: row.resource,
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    checkpoint: parseJson(row.checkpoint),
    attempts: row.attempts,
  }
}

export function toSnapshot(record: JobRecord): JobSnapshot {
  const { checkpoint: _checkpoint, attempts: _attempts, ...snapshot } = record
  return snapshot
}

export interface FinishFields {
  status: 'succeeded' | 'failed' | 'cancelled' | 'interrupted'
  at: string
  result?: unknown
  error?: JobSnapshot['error']
}

export class JobRepository {
  private readonly insertStmt: Statement<[string, string, string, string, string]>
  private readonly getStmt: Statement<[number], JobRow>
  private readonly listStmt: Statement<[number], JobRow>
  private readonly filteredListStmt: Statement<[string, number], JobRow>
  private readonly queuedStmt: Statement<[], JobRow>
  private readonly statusStmt: Statement<[string, string, number]>
  private readonly runningStmt: Statement<[{ at: string; id: number }]>
  private readonly progressStmt: Statement<[string | null, string, number]>
  private readonly checkpointStmt: Statement<[string | null, string, number]>
  private readonly finishStmt: Statement<[{ status: string; result: string | null; error: string | null; at: string; id: number }]>
  private readonly requeueStmt: Statement<[{ at: string; id: number }]>
  private readonly interruptStmt: Statement<[{ at: string }]>
  private readonly logStmt: Statement<[number, string, string, string]>
  private readonly logsStmt: Statement<[number, number], { at: string; level: string; message: string }>

  constructor(db: Database) {
    this.insertStmt = db.prepare(`INSERT INTO jobs (type, status, resource, params, created_at, updated_at)
      VALUES (?, 'queued', ?, ?, ?, ?)`)
    this.getStmt = db.prepare('SELECT * FROM jobs WHERE id = ?')
    this.listStmt = db.prepare('SELECT * FROM jobs ORDER BY id DESC LIMIT ?')
    // json_each keeps one prepared statement for any number of statuses.
    this.filteredListStmt = db.prepare('SELECT * FROM jobs WHERE status IN (SELECT value FROM json_each(?)) ORDER BY id DESC LIMIT ?')
    this.queuedStmt = db.prepare(`SELECT * FROM jobs WHERE status = 'queued' ORDER BY id`)
    this.statusStmt = db.prepare('UPDATE jobs SET status = ?, updated_at = ? WHERE id = ?')
    this.runningStmt = db.prepare(`UPDATE jobs SET status = 'running', started_at = @at, finished_at = NULL, error = NULL,
      result = NULL, attempts = attempts + 1, updated_at = @at WHERE id = @id`)
    this.progressStmt = db.prepare('UPDATE jobs SET progress = ?, updated_at = ? WHERE id = ?')
    this.checkpointStmt = db.prepare('UPDATE jobs SET checkpoint = ?, updated_at = ? WHERE id = ?')
    this.finishStmt = db.prepare('UPDATE jobs SET status = @status, result = @result, error = @error, finished_at = @at, updated_at = @at WHERE id = @id')
    this.requeueStmt = db.prepare(`UPDATE jobs SET status = 'queued', error = NULL, result = NULL, finished_at = NULL, updated_at = @at WHERE id = @id`)
    this.interruptStmt = db.prepare(`UPDATE jobs SET status = 'interrupted', finished_at = @at, updated_at = @at WHERE status IN ('running', 'cancelling')`)
    this.logStmt = db.prepare('INSERT INTO job_logs (job_id, at, level, message) VALUES (?, ?, ?, ?)')
    this.logsStmt = db.prepare('SELECT at, level, message FROM (SELECT * FROM job_logs WHERE job_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id')
  }

  insert(type: string, resource: string, params: unknown, at: string): number {
    return Number(this.insertStmt.run(type, resource, JSON.stringify(params), at, at).lastInsertRowid)
  }

  get(id: number): JobRecord | null {
    const row = this.getStmt.get(id)
    return row ? toRecord(row) : null
  }

  /** Newest first, optionally only some statuses. */
  list(limit: number, statuses?: readonly string[]): JobRecord[] {
    if (!statuses || statuses.length === 0) return this.listStmt.all(limit).map(toRecord)
    return this.filteredListStmt.all(JSON.stringify(statuses), limit).map(toRecord)
  }

  /** Queued jobs, oldest first: the order they start in. */
  queued(): JobRecord[] {
    return this.queuedStmt.all().map(toRecord)
  }

  setStatus(id: number, status: JobSnapshot['status'], at: string): void {
    this.statusStmt.run(status, at, id)
  }

  markRunning(id: number, at: string): void {
    this.runningStmt.run({ at, id })
  }

  saveProgress(id: number, progress: JobSnapshot['progress'], at: string): void {
    this.progressStmt.run(toJson(progress), at, id)
  }

  saveCheckpoint(id: number, checkpoint: unknown, at: string): void {
    this.checkpointStmt.run(toJson(checkpoint), at, id)
  }

  finish(id: number, fields: FinishFields): void {
    this.finishStmt.run({ status: fields.status, result: toJson(fields.result), error: toJson(fields.error), at: fields.at, id })
  }

  requeue(id: number, at: string): void {
    this.requeueStmt.run({ at, id })
  }

  /** After a crash of the app: jobs that were running have no worker any more. */
  interruptLeftovers(at: string): number {
    return this.interruptStmt.run({ at }).changes
  }

  appendLog(jobId: number, level: LogLevel, message: string, at: string): void {
    this.logStmt.run(jobId, at, level, message)
  }

  /** The last `limit` lines, oldest first. */
  logs(jobId: number, limit: number): JobLogLine[] {
    return this.logsStmt.all(jobId, limit).map((r) => ({ at: r.at, level: LOG_LEVEL.catch('info').parse(r.level), message: r.message }))
  }
}
