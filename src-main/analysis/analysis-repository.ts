// Analyses and which recordings they cover (tables `analyses` and `analysed_recordings`).
import type { Database, Statement } from 'better-sqlite3'
import { z } from 'zod'
import { AppError } from '../errors'
import type { WindowGrid } from './window-grid'

export interface AnalysisRow {
  id: number
  encoderId: number
  windowS: number
  hopS: number
  dim: number
  settings: Record<string, unknown>
}

export interface PendingRecording {
  id: number
  path: string
  fingerprint: string
  durationS: number
  timeExpansion: number
}

export interface AnalysedRecording {
  recordingId: number
  windows: number
  audioS: number
}

export interface DoneFields {
  analysisId: number
  recordingId: number
  fingerprint: string
  windows: number
  audioS: number
  sha256: string
  jobId: number | null
}

export interface FailedFields {
  analysisId: number
  recordingId: number
  fingerprint: string
  code: string
  message: string
  jobId: number | null
}

const Settings = z.record(z.string(), z.unknown())

export class AnalysisRepository {
  private readonly upsertDone: Statement
  private readonly upsertFailed: Statement

  constructor(private readonly db: Database) {
    this.upsertDone = db.prepare(
      `INSERT INTO analysed_recordings (analysis_id, recording_id, status, fingerprint, windows, audio_s, embeddings_sha256, error_code, error, job_id, analysed_at)
       VALUES (@analysisId, @recordingId, 'done', @fingerprint, @windows, @audioS, @sha256, NULL, NULL, @jobId, @at)
       ON CONFLICT (analysis_id, recording_id) DO UPDATE SET status = 'done', fingerprint = excluded.fingerprint, windows = excluded.windows,
         audio_s = excluded.audio_s, embeddings_sha256 = excluded.embeddings_sha256, error_code = NULL, error = NULL, job_id = excluded.job_id, analysed_at = excluded.analysed_at`,
    )
    this.upsertFailed = db.prepare(
      `INSERT INTO analysed_recordings (analysis_id, recording_id, status, fingerprint, windows, audio_s, embeddings_sha256, error_code, error, job_id, analysed_at)
       VALUES (@analysisId, @recordingId, 'failed', @fingerprint, 0, 0, NULL, @code, @message, @jobId, @at)
       ON CONFLICT (analysis_id, recording_id) DO UPDATE SET status = 'failed', fingerprint = excluded.fingerprint, windows = 0, audio_s = 0,
         embeddings_sha256 = NULL, error_code = excluded.error_code, error = excluded.error, job_id = excluded.job_id, analysed_at = excluded.analysed_at`,
    )
  }

  get(id: number): AnalysisRow {
    const r = this.db.prepare('SELECT id, encoder_id, window_s, hop_s, dim, settings FROM analyses WHERE id = ?').get(id) as
      | { id: number; encoder_id: number; window_s: number; hop_s: number; dim: number; settings: string }
      | undefined
    if (!r) throw new AppError('NOT_FOUND', `analysis ${id} does not exist in this project`)
    return { id: r.id, encoderId: r.encoder_id, windowS: r.window_s, hopS: r.hop_s, dim: r.dim, settings: Settings.parse(JSON.parse(r.settings)) }
  }

  find(encoderId: number, grid: WindowGrid): AnalysisRow | null {
    const id = this.db.prepare('SELECT id FROM analyses WHERE encoder_id = ? AND window_s = ? AND hop_s = ?').pluck().get(encoderId, grid.windowS, grid.hopS) as number | undefined
    return id === undefined ? null : this.get(id)
  }

  findOrCreate(encoderId: number, grid: WindowGrid, dim: number, settings: Record<string, unknown>): AnalysisRow {
    const found = this.find(encoderId, grid)
    if (found) {
      if (found.dim !== dim) throw new AppError('MODEL_INVALID', `analysis ${found.id} stores ${found.dim}-d embeddings, the encoder now makes ${dim}-d ones`)
      return found
    }
    const id = Number(
      this.db
        .prepare('INSERT INTO analyses (encoder_id, window_s, hop_s, dim, settings, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(encoderId, grid.windowS, grid.hopS, dim, JSON.stringify(settings), new Date().toISOString()).lastInsertRowid,
    )
    return this.get(id)
  }

  analysesOf(encoderId: number): AnalysisRow[] {
    const ids = this.db.prepare('SELECT id FROM analyses WHERE encoder_id = ? ORDER BY id').pluck().all(encoderId) as number[]
    return ids.map((id) => this.get(id))
  }

  /**
   * Readable recordings without a finished analysis of their current content, by id: never
   * analysed, analysed when the file had another fingerprint, or failed before (a file that has
   * been quarantined since is not `ok` and is left out).
   */
  pending(analysisId: number, recordingIds?: readonly number[]): PendingRecording[] {
    const filter = recordingIds ? 'AND r.id IN (SELECT value FROM json_each(@ids))' : ''
    return this.db
      .prepare(
        `SELECT r.id, r.path, r.fingerprint, r.duration_s AS durationS, r.time_expansion AS timeExpansion
         FROM recordings r
         LEFT JOIN analysed_recordings ar ON ar.analysis_id = @analysisId AND ar.recording_id = r.id
         WHERE r.status = 'ok' ${filter} AND (ar.recording_id IS NULL OR ar.status <> 'done' OR ar.fingerprint <> r.fingerprint)
         ORDER BY r.id`,
      )
      .all({ analysisId, ...(recordingIds ? { ids: JSON.stringify(recordingIds) } : {}) }) as PendingRecording[]
  }

  /** Recordings the analysis has embeddings of, by id. */
  analysed(analysisId: number, recordingIds?: readonly number[]): AnalysedRecording[] {
    const filter = recordingIds ? 'AND recording_id IN (SELECT value FROM json_each(@ids))' : ''
    return this.db
      .prepare(`SELECT recording_id AS recordingId, windows, audio_s AS audioS FROM analysed_recordings WHERE analysis_id = @analysisId AND status = 'done' ${filter} ORDER BY recording_id`)
      .all({ analysisId, ...(recordingIds ? { ids: JSON.stringify(recordingIds) } : {}) }) as AnalysedRecording[]
  }

  doneCount(analysisId: number): number {
    return this.db.prepare("SELECT count(*) FROM analysed_recordings WHERE analysis_id = ? AND status = 'done'").pluck().get(analysisId) as number
  }

  markDone(f: DoneFields): void {
    this.upsertDone.run({ ...f, at: new Date().toISOString() })
  }

  /**
   * Records the failure and takes the recording out of the season the way the import does: a file
   * that is gone becomes `missing` (relink it), any other unreadable one `quarantined`.
   */
  markFailed(f: FailedFields): void {
    this.upsertFailed.run({ ...f, at: new Date().toISOString() })
    const status = f.code === 'AUDIO_NOT_FOUND' ? 'missing' : 'quarantined'
    this.db.prepare('UPDATE recordings SET status = ?, status_code = ?, status_reason = ? WHERE id = ?').run(status, f.code, f.message, f.recordingId)
  }
}
