// A reviewer's verdicts on single windows (table window_decisions, migration 005). 'present'
// creates a 'review' annotation of the window, so the label shows in the annotate view and counts
// for training like any annotation; the decision row lives as long as that annotation. 'absent'
// stores an explicit negative. One decision per window span and label; a new one replaces it.
import type { Database } from 'better-sqlite3'
import type { WindowDecision, WindowDecisionKind } from '../../src-shared/contracts'
import { AppError } from '../errors'
import { AnnotationsRepository } from '../services/annotations-repository'

export interface WindowRef {
  recordingId: number
  startS: number
  endS: number
}

export interface DecisionInput extends WindowRef {
  labelId: number
  decision: WindowDecisionKind | 'clear'
  origin: 'active-learning' | 'search'
  modelId?: number
}

export interface StoredDecision extends WindowDecision {
  startS: number
  endS: number
}

export class WindowDecisionsRepository {
  private readonly annotations: AnnotationsRepository

  constructor(private readonly db: Database) {
    this.annotations = new AnnotationsRepository(db)
  }

  forWindow(w: WindowRef): WindowDecision[] {
    return this.db
      .prepare(
        `SELECT label_id AS labelId, decision, annotation_id AS annotationId FROM window_decisions
         WHERE recording_id = ? AND start_s = ? AND end_s = ? ORDER BY label_id`,
      )
      .all(w.recordingId, w.startS, w.endS) as WindowDecision[]
  }

  /** Every decision on the given recordings, by recording, in time order. */
  forRecordings(recordingIds: readonly number[]): Map<number, StoredDecision[]> {
    const rows = this.db
      .prepare(
        `SELECT recording_id AS recordingId, start_s AS startS, end_s AS endS, label_id AS labelId, decision, annotation_id AS annotationId
         FROM window_decisions WHERE recording_id IN (SELECT value FROM json_each(?)) ORDER BY recording_id, start_s, label_id`,
      )
      .all(JSON.stringify(recordingIds)) as (StoredDecision & { recordingId: number })[]
    const out = new Map<number, StoredDecision[]>()
    for (const { recordingId, ...d } of rows) {
      const list = out.get(recordingId)
      if (list) list.push(d)
      else out.set(recordingId, [d])
    }
    return out
  }

  /** Stores (or clears) one decision; returns every decision now on the window. */
  decide(input: DecisionInput): WindowDecision[] {
    if (!(input.endS > input.startS)) throw new AppError('INVALID_REQUEST', `window end ${input.endS} s is not after its start ${input.startS} s`)
    const bounds = this.annotations.bounds(input.recordingId)
    if (input.startS >= bounds.durationS) throw new AppError('INVALID_REQUEST', `window start ${input.startS} s is past the end of ${bounds.fileName} (${bounds.durationS} s)`)
    if (!this.db.prepare('SELECT 1 FROM labels WHERE id = ?').get(input.labelId)) throw new AppError('NOT_FOUND', `label ${input.labelId} does not exist in this project`)
    this.db.transaction(() => {
      const existing = this.db
        .prepare('SELECT id, annotation_id AS annotationId FROM window_decisions WHERE recording_id = ? AND label_id = ? AND start_s = ? AND end_s = ?')
        .get(input.recordingId, input.labelId, input.startS, input.endS) as { id: number; annotationId: number | null } | undefined
      if (existing) {
        this.db.prepare('DELETE FROM window_decisions WHERE id = ?').run(existing.id)
        if (existing.annotationId !== null) this.db.prepare('DELETE FROM annotations WHERE id = ?').run(existing.annotationId)
      }
      if (input.decision === 'clear') return
      let annotationId: number | null = null
      if (input.decision === 'present') {
        annotationId = this.annotations.create(
          {
            recordingId: input.recordingId,
            labelId: input.labelId,
            startS: input.startS,
            endS: Math.min(input.endS, bounds.durationS),
            lowHz: null,
            highHz: null,
            source: 'review',
            author: null,
            modelId: input.modelId ?? null,
            note: input.origin === 'search' ? 'confirmed in search by example' : 'confirmed in the active-learning queue',
          },
          bounds,
        ).id
      }
      this.db
        .prepare(
          `INSERT INTO window_decisions (recording_id, start_s, end_s, label_id, decision, origin, model_id, annotation_id, created_at)
           VALUES (?, ?, ?, ?, ?, ?, (SELECT id FROM models WHERE id = ?), ?, ?)`,
        )
        .run(input.recordingId, input.startS, input.endS, input.labelId, input.decision, input.origin, input.modelId ?? null, annotationId, new Date().toISOString())
      // IMMEDIATE: workers write to the project meanwhile; a read-then-write deferred transaction could not upgrade.
    }).immediate()
    return this.forWindow(input)
  }
}
