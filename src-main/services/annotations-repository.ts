// Annotations on recordings: time segments and time–frequency boxes, checked against the audio they
// sit on (inside the recording's real-time length, below its Nyquist frequency — the effective
// rate, time expansion included) before they are stored.
import type { Database, Statement } from 'better-sqlite3'
import type { Annotation, AnnotationSource } from '../../src-shared/contracts'
import { AppError } from '../errors'

interface AnnotationRow {
  id: number
  recording_id: number
  label_id: number
  start_s: number
  end_s: number
  low_hz: number | null
  high_hz: number | null
  source: AnnotationSource
  author: string | null
  model_id: number | null
  note: string | null
  created_at: string
  updated_at: string
}

/** What an annotation is checked against. */
export interface RecordingBounds {
  id: number
  fileName: string
  durationS: number
  /** Effective sample rate / 2. */
  nyquistHz: number
}

export interface AnnotationDraft {
  recordingId: number
  labelId: number
  startS: number
  endS: number
  lowHz: number | null
  highHz: number | null
  source: AnnotationSource
  author: string | null
  modelId: number | null
  note: string | null
  createdAt?: string
}

/** Times may touch the end of the audio within float noise. */
const TIME_EPSILON_S = 1e-6

const COLUMNS = 'id, recording_id, label_id, start_s, end_s, low_hz, high_hz, source, author, model_id, note, created_at, updated_at'

function toAnnotation(r: AnnotationRow): Annotation {
  return {
    id: r.id,
    recordingId: r.recording_id,
    labelId: r.label_id,
    startS: r.start_s,
    endS: r.end_s,
    lowHz: r.low_hz,
    highHz: r.high_hz,
    source: r.source,
    author: r.author,
    modelId: r.model_id,
    note: r.note,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  }
}

function fmt(n: number): string {
  return String(Math.round(n * 1e6) / 1e6)
}

/** The reason an annotation cannot sit on the recording, or null when it fits. */
function annotationProblem(bounds: RecordingBounds, a: { startS: number; endS: number; lowHz: number | null; highHz: number | null }): string | null {
  const name = `recording ${bounds.id} (${bounds.fileName})`
  if (!Number.isFinite(a.startS) || !Number.isFinite(a.endS) || a.startS < 0) return `start ${a.startS} s is not a time within ${name}`
  if (a.endS <= a.startS) return `end ${fmt(a.endS)} s is not after start ${fmt(a.startS)} s`
  if (a.startS >= bounds.durationS) return `start ${fmt(a.startS)} s is past the end of ${name} (${fmt(bounds.durationS)} s)`
  if (a.endS > bounds.durationS + TIME_EPSILON_S) return `end ${fmt(a.endS)} s is past the end of ${name} (${fmt(bounds.durationS)} s)`
  if ((a.lowHz === null) !== (a.highHz === null)) return 'a box needs both lowHz and highHz (a time segment has neither)'
  if (a.lowHz !== null && a.highHz !== null) {
    if (a.lowHz < 0 || a.highHz <= a.lowHz) return `high frequency ${fmt(a.highHz)} Hz must be above low frequency ${fmt(a.lowHz)} Hz`
    if (a.highHz > bounds.nyquistHz + 1e-6) return `high frequency ${fmt(a.highHz)} Hz is above the Nyquist frequency ${fmt(bounds.nyquistHz)} Hz of ${name}`
  }
  return null
}

export class AnnotationsRepository {
  private readonly listStmt: Statement<[number], AnnotationRow>
  private readonly getStmt: Statement<[number], AnnotationRow>
  private readonly insertStmt: Statement<[number, number, number, number, number | null, number | null, string, string | null, number | null, string | null, string, string]>
  private readonly boundsStmt: Statement<[number], { id: number; file_name: string; duration_s: number | null; sample_rate: number | null; time_expansion: number; status: string }>
  private readonly labelExists: Statement<[number], { id: number }>
  private readonly modelExists: Statement<[number], { id: number }>

  constructor(private readonly db: Database) {
    this.listStmt = db.prepare(`SELECT ${COLUMNS} FROM annotations WHERE recording_id = ? ORDER BY start_s, end_s, id`)
    this.getStmt = db.prepare(`SELECT ${COLUMNS} FROM annotations WHERE id = ?`)
    this.insertStmt = db.prepare(`INSERT INTO annotations (recording_id, label_id, start_s, end_s, low_hz, high_hz, source, author, model_id, note, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
    this.boundsStmt = db.prepare('SELECT id, file_name, duration_s, sample_rate, time_expansion, status FROM recordings WHERE id = ?')
    this.labelExists = db.prepare('SELECT id FROM labels WHERE id = ?')
    this.modelExists = db.prepare('SELECT id FROM models WHERE id = ?')
  }

  list(recordingId: number): Annotation[] {
    this.requireRecording(recordingId)
    return this.listStmt.all(recordingId).map(toAnnotation)
  }

  get(id: number): Annotation {
    const row = this.getStmt.get(id)
    if (!row) throw new AppError('NOT_FOUND', `annotation ${id} does not exist in this project`)
    return toAnnotation(row)
  }

  private requireRecording(recordingId: number) {
    const r = this.boundsStmt.get(recordingId)
    if (!r) throw new AppError('NOT_FOUND', `recording ${recordingId} does not exist in this project`)
    return r
  }

  bounds(recordingId: number): RecordingBounds {
    const r = this.requireRecording(recordingId)
    if (r.status === 'quarantined' || r.duration_s === null || r.sample_rate === null) {
      throw new AppError('INVALID_REQUEST', `recording ${recordingId} (${r.file_name}) is quarantined: its audio could not be read, so it cannot be annotated`)
    }
    return { id: r.id, fileName: r.file_name, durationS: r.duration_s, nyquistHz: Math.max(1, Math.round(r.sample_rate * r.time_expansion)) / 2 }
  }

  private check(draft: AnnotationDraft, bounds: RecordingBounds): void {
    const problem = annotationProblem(bounds, draft)
    if (problem) throw new AppError('INVALID_REQUEST', `annotation rejected: ${problem}`, { recordingId: draft.recordingId })
    if (!this.labelExists.get(draft.labelId)) throw new AppError('NOT_FOUND', `label ${draft.labelId} does not exist in this project`)
  }

  /** Validates and inserts; `bounds` may be passed when many drafts share a recording. */
  create(draft: AnnotationDraft, bounds: RecordingBounds = this.bounds(draft.recordingId)): Annotation {
    this.check(draft, bounds)
    const now = new Date().toISOString()
    const modelId = draft.modelId !== null && this.modelExists.get(draft.modelId) ? draft.modelId : null
    const id = Number(
      this.insertStmt.run(draft.recordingId, draft.labelId, draft.startS, draft.endS, draft.lowHz, draft.highHz, draft.source, draft.author, modelId, draft.note, draft.createdAt ?? now, now).lastInsertRowid,
    )
    return this.get(id)
  }

  update(id: number, patch: Partial<Pick<AnnotationDraft, 'labelId' | 'startS' | 'endS' | 'lowHz' | 'highHz' | 'note'>>): Annotation {
    const current = this.get(id)
    const next: AnnotationDraft = { ...current, ...stripUndefined(patch) }
    this.check(next, this.bounds(current.recordingId))
    this.db
      .prepare('UPDATE annotations SET label_id = ?, start_s = ?, end_s = ?, low_hz = ?, high_hz = ?, note = ?, updated_at = ? WHERE id = ?')
      .run(next.labelId, next.startS, next.endS, next.lowHz, next.highHz, next.note, new Date().toISOString(), id)
    return this.get(id)
  }

  delete(id: number): Annotation {
    const current = this.get(id)
    this.db.prepare('DELETE FROM annotations WHERE id = ?').run(id)
    return current
  }

  clear(recordingId: number, source?: AnnotationSource): number {
    this.requireRecording(recordingId)
    const sql = source === undefined ? 'DELETE FROM annotations WHERE recording_id = ?' : 'DELETE FROM annotations WHERE recording_id = ? AND source = ?'
    return this.db.prepare(sql).run(...(source === undefined ? [recordingId] : [recordingId, source])).changes
  }
}

function stripUndefined<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<T>
}
