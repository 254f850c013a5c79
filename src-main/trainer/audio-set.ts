// Unlabelled training audio (pre-training, tokenizer training): every readable recording cut into
// consecutive segments of `segmentS` seconds, one item each (a last piece shorter than 1 s is
// dropped unless it is the whole recording). With more than `maxItems` segments, a seeded sample is
// kept. Splits by recording, as for labelled data.
import type { Database } from 'better-sqlite3'
import type { TrainingDataSummary } from '../../src-shared/contracts'
import { AppError } from '../errors'
import { READABLE_BY_TRAINER, seededUnit, splitRecordings, summarise, type DataManifest, type ManifestItem } from './data-manifest'

export interface AudioSetOptions {
  recordingIds?: readonly number[]
  segmentS: number
  maxItems: number
  valFraction: number
  seed: number
}

const MIN_PIECE_S = 1

export function buildAudioSet(db: Database, o: AudioSetOptions): { data: DataManifest; summary: TrainingDataSummary } {
  const filter = o.recordingIds ? 'AND r.id IN (SELECT value FROM json_each(@ids))' : ''
  const args = o.recordingIds ? { ids: JSON.stringify(o.recordingIds) } : {}
  const recordings = db
    .prepare(`SELECT r.id, r.path, r.duration_s AS durationS FROM recordings r WHERE ${READABLE_BY_TRAINER} AND r.duration_s > 0 ${filter} ORDER BY r.id`)
    .all(args) as { id: number; path: string; durationS: number }[]
  const left = db.prepare(`SELECT count(*) FROM recordings r WHERE NOT (${READABLE_BY_TRAINER}) ${filter}`).pluck().get(args) as number
  if (recordings.length === 0) throw new AppError('TRAINING_DATA', 'no readable recordings to train on: import recordings first (missing, quarantined and time-expanded ones are not used)')

  let pieces: { recordingId: number; path: string; k: number; segment: [number, number] }[] = []
  for (const r of recordings) {
    const count = Math.max(1, Math.ceil(r.durationS / o.segmentS))
    for (let k = 0; k < count; k++) {
      const start = k * o.segmentS
      const end = Math.min(r.durationS, start + o.segmentS)
      if (end - start < MIN_PIECE_S && k > 0) continue
      pieces.push({ recordingId: r.id, path: r.path, k, segment: [start, end] })
    }
  }
  const total = pieces.length
  if (total > o.maxItems) {
    const key = (p: (typeof pieces)[number]) => seededUnit(o.seed, `${p.recordingId}@${p.k}`)
    pieces = pieces.sort((a, b) => key(a) - key(b)).slice(0, o.maxItems).sort((a, b) => a.recordingId - b.recordingId || a.k - b.k)
  }
  const split = splitRecordings(pieces.map((p) => p.recordingId), o.seed, o.valFraction, 0)
  const items: ManifestItem[] = pieces.map((p) => ({ id: `r${p.recordingId}@${p.k}`, path: p.path, segment: p.segment, labels: [], split: split.get(p.recordingId) ?? 'train' }))
  const data: DataManifest = { labels: [], multi_label: false, items }
  const warnings: string[] = []
  if (left > 0) warnings.push(`${left} missing, quarantined or time-expanded recording(s) were left out`)
  if (total > o.maxItems) warnings.push(`${total} segments of ${o.segmentS} s: a seeded sample of ${o.maxItems} is used`)
  return { data, summary: summarise(data, split.size, warnings) }
}
