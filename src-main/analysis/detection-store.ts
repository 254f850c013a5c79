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

/** A current row, as the raw array `existing` returns (no per-row objects: a season is ~10⁵ rows). */
type ExistingRow = [recordingId: number, id: number, labelId: number, modelLabel: number, start: number, end: number, score: number, settings: string, reviewed: number]
const REC = 0
const ID = 1
const LABEL = 2
const MODEL_LABEL = 3
const START = 4
const END = 5
const SCORE = 6
const SETTINGS = 7
const REVIEWED = 8

export interface ReplaceOutcome {
  inserted: number
  deleted: number
  /** Rows kept as they were, or with new settings only. */
  kept: number
  reviewsKept: number
}

export class DetectionStore {
  private readonly existing: Statement
  private readonly deleteIds: Statement
  private readonly insert: Statement
  private readonly update: Statement
  private readonly updateSettings: Statement

  constructor(db: Database) {
    this.existing = db
      .prepare(
        `SELECT recording_id, id, label_id, coalesce(original_label_id, label_id), start_s, end_s, score, settings,
           (review_state <> 'unreviewed' OR original_label_id IS NOT NULL)
         FROM detections WHERE model_id = ? AND recording_id IN (SELECT value FROM json_each(?)) ORDER BY recording_id, id`,
      )
      .raw(true)
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
      const list = byRecording.get(r[REC])
      if (list) list.push(r)
      else byRecording.set(r[REC], [r])
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
    const reviewed = rows.filter((r) => r[REVIEWED] === 1)
    const matchOf = matchReviews(item.detections, reviewed)
    // Unreviewed rows and the new detections no review took, both sorted by (label, start, end,
    // score) — rows then by id, detections by position — and paired off by a merge: the k-th new
    // detection with a given key keeps the k-th row with that key.
    const old = rows.filter((r) => r[REVIEWED] !== 1).sort((a, b) => compareKey(a[LABEL], a[START], a[END], a[SCORE], b[LABEL], b[START], b[END], b[SCORE]) || a[ID] - b[ID])
    const fresh: number[] = []
    item.detections.forEach((d, i) => {
      const review = matchOf.get(i)
      if (review === undefined) {
        fresh.push(i)
        return
      }
      this.update.run(d.startS, d.endS, d.score, d.settings, jobId, review)
      out.reviewsKept++
    })
    const ds = item.detections
    const byKey = [...fresh].sort((i, j) => compareKey(ds[i].labelId, ds[i].startS, ds[i].endS, ds[i].score, ds[j].labelId, ds[j].startS, ds[j].endS, ds[j].score) || i - j)
    const kept = new Map<number, ExistingRow>()
    let o = 0
    for (const i of byKey) {
      const d = ds[i]
      while (o < old.length && compareKey(old[o][LABEL], old[o][START], old[o][END], old[o][SCORE], d.labelId, d.startS, d.endS, d.score) < 0) stale.push(old[o++][ID])
      if (o < old.length && compareKey(old[o][LABEL], old[o][START], old[o][END], old[o][SCORE], d.labelId, d.startS, d.endS, d.score) === 0) kept.set(i, old[o++])
    }
    while (o < old.length) stale.push(old[o++][ID])
    // writes in detection order
    for (const i of fresh) {
      const d = ds[i]
      const same = kept.get(i)
      if (!same) {
        toInsert.push({ recordingId: item.recordingId, d })
        continue
      }
      if (same[SETTINGS] !== d.settings) this.updateSettings.run(d.settings, jobId, same[ID])
      out.kept++
    }
  }
}

/** Orders detections by label, start, end, score (numbers compared exactly). */
function compareKey(la: number, sa: number, ea: number, xa: number, lb: number, sb: number, eb: number, xb: number): number {
  return la - lb || sa - sb || ea - eb || xa - xb
}

/** New detection index → id of the reviewed row it inherits. */
function matchReviews(detections: readonly NewDetection[], reviewed: readonly ExistingRow[]): Map<number, number> {
  const out = new Map<number, number>()
  if (reviewed.length === 0) return out
  const pairs: { overlap: number; i: number; id: number }[] = []
  detections.forEach((d, i) => {
    for (const r of reviewed) {
      if (r[MODEL_LABEL] !== d.labelId) continue
      const overlap = Math.min(d.endS, r[END]) - Math.max(d.startS, r[START])
      if (overlap > 0) pairs.push({ overlap, i, id: r[ID] })
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
