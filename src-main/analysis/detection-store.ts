// Replaces one head's detections in one recording, keeping every review decision.
//
// A reviewed detection (any state other than unreviewed, or relabelled) is matched to a new
// detection of the same model label (its original label when a reviewer relabelled it) whose time
// span overlaps it; pairs are taken greedily by largest overlap (ties: earlier new detection, then
// lower id). A matched review keeps its row — id, decision, reviewer, relabelling — and takes the
// new times, score and settings. A reviewed detection that nothing matches any more stays as it
// is: rescoring never deletes a person's decision.
//
// Unreviewed detections are brought to the new set with as few writes as possible (rescoring a
// season is mostly writes): a new detection equal to an old one in label, times and score keeps
// the old row (its settings updated if they changed), old rows left over are deleted, the rest
// inserted. The outcome is the same rows as deleting everything and inserting the new set.
import type { Database, Statement } from 'better-sqlite3'

export interface NewDetection {
  labelId: number
  startS: number
  endS: number
  score: number
  /** JSON: how the detection was made (see RecordingScorer). */
  settings: string
}

interface ExistingRow {
  recordingId: number
  id: number
  labelId: number
  modelLabel: number
  start: number
  end: number
  score: number
  settings: string
  reviewed: number
}

export interface ReplaceOutcome {
  inserted: number
  deleted: number
  /** Rows kept as they were, or with new settings only. */
  kept: number
  reviewsKept: number
}

const key = (labelId: number, start: number, end: number, score: number): string => `${labelId} ${start} ${end} ${score}`

export class DetectionStore {
  private readonly existing: Statement
  private readonly deleteIds: Statement
  private readonly insert: Statement
  private readonly update: Statement
  private readonly updateSettings: Statement

  constructor(db: Database) {
    this.existing = db.prepare(
      `SELECT recording_id AS recordingId, id, label_id AS labelId, coalesce(original_label_id, label_id) AS modelLabel, start_s AS start, end_s AS end, score, settings,
         (review_state <> 'unreviewed' OR original_label_id IS NOT NULL) AS reviewed
       FROM detections WHERE model_id = ? AND recording_id IN (SELECT value FROM json_each(?)) ORDER BY recording_id, id`,
    )
    this.deleteIds = db.prepare('DELETE FROM detections WHERE id IN (SELECT value FROM json_each(?))')
    this.insert = db.prepare(
      'INSERT INTO detections (model_id, recording_id, label_id, start_s, end_s, score, settings, job_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    this.update = db.prepare('UPDATE detections SET start_s = ?, end_s = ?, score = ?, settings = ?, job_id = ? WHERE id = ?')
    this.updateSettings = db.prepare('UPDATE detections SET settings = ?, job_id = ? WHERE id = ?')
  }

  /** Call inside a transaction. */
  replace(headId: number, recordingId: number, detections: readonly NewDetection[], jobId: number | null, now: string): ReplaceOutcome {
    return this.replaceMany(headId, [{ recordingId, detections }], jobId, now)
  }

  /** The same for several recordings, reading their current rows in one query. Call inside a transaction. */
  replaceMany(headId: number, items: readonly { recordingId: number; detections: readonly NewDetection[] }[], jobId: number | null, now: string): ReplaceOutcome {
    const byRecording = new Map<number, ExistingRow[]>()
    for (const r of this.existing.all(headId, JSON.stringify(items.map((i) => i.recordingId))) as ExistingRow[]) {
      const list = byRecording.get(r.recordingId)
      if (list) list.push(r)
      else byRecording.set(r.recordingId, [r])
    }
    const out: ReplaceOutcome = { inserted: 0, deleted: 0, kept: 0, reviewsKept: 0 }
    const stale: number[] = []
    const toInsert: { recordingId: number; d: NewDetection }[] = []
    for (const item of items) this.diff(byRecording.get(item.recordingId) ?? [], item, jobId, out, stale, toInsert)
    if (stale.length > 0) this.deleteIds.run(JSON.stringify(stale))
    out.deleted = stale.length
    for (const { recordingId, d } of toInsert) this.insert.run(headId, recordingId, d.labelId, d.startS, d.endS, d.score, d.settings, jobId, now)
    out.inserted = toInsert.length
    return out
  }

  private diff(rows: readonly ExistingRow[], item: { recordingId: number; detections: readonly NewDetection[] }, jobId: number | null, out: ReplaceOutcome, stale: number[], toInsert: { recordingId: number; d: NewDetection }[]): void {
    const reviewed = rows.filter((r) => r.reviewed === 1)
    const unreviewed = new Map<string, ExistingRow[]>()
    for (const r of rows) {
      if (r.reviewed === 1) continue
      const k = key(r.labelId, r.start, r.end, r.score)
      const list = unreviewed.get(k)
      if (list) list.push(r)
      else unreviewed.set(k, [r])
    }
    const matchOf = matchReviews(item.detections, reviewed)
    item.detections.forEach((d, i) => {
      const review = matchOf.get(i)
      if (review !== undefined) {
        this.update.run(d.startS, d.endS, d.score, d.settings, jobId, review)
        out.reviewsKept++
        return
      }
      const same = unreviewed.get(key(d.labelId, d.startS, d.endS, d.score))?.shift()
      if (!same) {
        toInsert.push({ recordingId: item.recordingId, d })
        return
      }
      if (same.settings !== d.settings) this.updateSettings.run(d.settings, jobId, same.id)
      out.kept++
    })
    for (const list of unreviewed.values()) for (const r of list) stale.push(r.id)
  }
}

/** New detection index → id of the reviewed row it inherits. */
function matchReviews(detections: readonly NewDetection[], reviewed: readonly ExistingRow[]): Map<number, number> {
  const out = new Map<number, number>()
  if (reviewed.length === 0) return out
  const pairs: { overlap: number; i: number; id: number }[] = []
  detections.forEach((d, i) => {
    for (const r of reviewed) {
      if (r.modelLabel !== d.labelId) continue
      const overlap = Math.min(d.endS, r.end) - Math.max(d.startS, r.start)
      if (overlap > 0) pairs.push({ overlap, i, id: r.id })
    }
  })
  pairs.sort((a, b) => b.overlap - a.overlap || a.i - b.i || a.id - b.id)
  const taken = new Set<number>()
  for (const p of pairs) {
    if (out.has(p.i) || taken.has(p.id)) continue
    out.set(p.i, p.id)
    taken.add(p.id)
  }
  return out
}
