// Windows as the review lists show them (ReviewWindow): file, site, wall-clock start, the proposed
// label and every decision already stored on the window.
import type { Database } from 'better-sqlite3'
import type { ReviewWindow } from '../../src-shared/contracts'
import { formatWallTime, offsetMinutes } from '../services/detections-wall-clock'
import { WindowDecisionsRepository } from './window-decisions'

export interface WindowToDescribe {
  recordingId: number
  startS: number
  endS: number
  labelId: number | null
  score: number
  uncertainty: number | null
}

interface RecordingRow {
  id: number
  fileName: string
  siteName: string | null
  startLocalMs: number | null
  startUtcMs: number | null
}

export function describeWindows(db: Database, windows: readonly WindowToDescribe[]): ReviewWindow[] {
  const ids = [...new Set(windows.map((w) => w.recordingId))]
  const recordings = new Map(
    (
      db
        .prepare(
          `SELECT r.id, r.file_name AS fileName, s.name AS siteName, r.start_local_ms AS startLocalMs, r.start_utc_ms AS startUtcMs
           FROM recordings r LEFT JOIN deployments d ON d.id = r.deployment_id LEFT JOIN sites s ON s.id = d.site_id
           WHERE r.id IN (SELECT value FROM json_each(?))`,
        )
        .all(JSON.stringify(ids)) as RecordingRow[]
    ).map((r) => [r.id, r]),
  )
  const labelIds = [...new Set(windows.map((w) => w.labelId).filter((id): id is number => id !== null))]
  const codes = new Map(
    (db.prepare('SELECT id, code FROM labels WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(labelIds)) as { id: number; code: string }[]).map((l) => [l.id, l.code]),
  )
  const decisions = new WindowDecisionsRepository(db).forRecordings(ids)
  return windows.map((w) => {
    const r = recordings.get(w.recordingId)
    const here = (decisions.get(w.recordingId) ?? []).filter((d) => d.startS === w.startS && d.endS === w.endS)
    return {
      recordingId: w.recordingId,
      fileName: r?.fileName ?? `recording ${w.recordingId}`,
      siteName: r?.siteName ?? null,
      startS: w.startS,
      endS: w.endS,
      startTime: r && r.startLocalMs !== null ? formatWallTime(r.startLocalMs + w.startS * 1000, offsetMinutes(r.startLocalMs, r.startUtcMs)) : null,
      labelId: w.labelId,
      labelCode: w.labelId === null ? null : (codes.get(w.labelId) ?? null),
      score: w.score,
      uncertainty: w.uncertainty,
      decisions: here.map((d) => ({ labelId: d.labelId, decision: d.decision, annotationId: d.annotationId })),
    }
  })
}
