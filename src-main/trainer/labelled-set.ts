// The fine-tuning data of a project: one audio clip per piece of human evidence. What counts as
// evidence is issue 6's rule (training/evidence.ts, shared with in-app head training): annotations
// made by people (sources manual, imported, review) are positives; with `useReviews`, confirmed
// detections are positives of their (possibly new) label, rejected ones and the old label of a
// relabelled one are negatives, "absent" window decisions are negatives; uncertain ones are left
// out. On top of that, for clips:
//  - the same label's evidence overlapping by half of the shorter interval is one call (kept once);
//  - each clip is the interval widened around its centre to `minSegmentS`, clipped to the recording;
//  - multi-label clips carry every positive label covering half of them; a negative interval no
//    positive covers becomes a clip without labels (one that a positive clip covers adds nothing,
//    and one covered by a positive of its own label is contradictory: both left out);
//    multi-class training uses positives only;
//  - splits by recording (splitRecordings), so a recording's clips are never in two splits;
//  - only recordings the trainer can read (status ok, no time expansion) are used.
import type { Database } from 'better-sqlite3'
import type { TrainingDataSummary } from '../../src-shared/contracts'
import { AppError } from '../errors'
import { collectEvidence } from '../training/evidence'
import { READABLE_BY_TRAINER, splitRecordings, summarise, type DataManifest, type ManifestItem } from './data-manifest'

export interface LabelledSetOptions {
  labelIds: readonly number[]
  multiLabel: boolean
  valFraction: number
  testFraction: number
  minSegmentS: number
  useReviews: boolean
  seed: number
}

export interface LabelledSet {
  data: DataManifest
  labelSetId: number
  /** Project label of each class, in data.labels order. */
  labelIds: number[]
  summary: TrainingDataSummary
}

interface Span {
  recordingId: number
  labelId: number
  start: number
  end: number
  /** Negative for every class ("no call"). */
  allClasses: boolean
}

interface Readable {
  path: string
  durationS: number
}

const FEW_EXAMPLES = 5

function overlap(a: { start: number; end: number }, b: { start: number; end: number }): number {
  return Math.max(0, Math.min(a.end, b.end) - Math.max(a.start, b.start))
}

function covers(by: { start: number; end: number }, span: { start: number; end: number }): boolean {
  return overlap(by, span) >= 0.5 * (span.end - span.start)
}

function widen(s: Span, durationS: number, min: number): [number, number] {
  let start = Math.max(0, s.start)
  let end = Math.min(s.end, durationS)
  if (end - start < min) {
    const centre = (start + end) / 2
    start = Math.max(0, centre - min / 2)
    end = Math.min(durationS, start + min)
    start = Math.max(0, end - min)
  }
  return [start, end]
}

export function buildLabelledSet(db: Database, o: LabelledSetOptions): LabelledSet {
  const ids = [...new Set(o.labelIds)]
  if (ids.length !== o.labelIds.length) throw new AppError('INVALID_REQUEST', 'a label is listed twice')
  const labels = db.prepare('SELECT id, label_set_id AS setId, code FROM labels WHERE id IN (SELECT value FROM json_each(?))').all(JSON.stringify(ids)) as { id: number; setId: number; code: string }[]
  const byId = new Map(labels.map((l) => [l.id, l]))
  const missing = ids.filter((id) => !byId.has(id))
  if (missing.length > 0) throw new AppError('INVALID_REQUEST', `label(s) ${missing.join(', ')} do not exist in this project`)
  if (new Set(labels.map((l) => l.setId)).size !== 1) throw new AppError('INVALID_REQUEST', 'the labels of one training job must come from one label set')
  if (!o.multiLabel && ids.length < 2) throw new AppError('TRAINING_DATA', 'multi-class training needs at least two labels (train one label as multi-label, with rejected detections as negatives)')
  const codes = ids.map((id) => (byId.get(id) as { code: string }).code)
  const code = (labelId: number) => (byId.get(labelId) as { code: string }).code

  const evidence = collectEvidence(db, { classLabelIds: ids, noCallLabelIds: [], sources: ['manual', 'imported', 'review'], useReviews: o.useReviews })
  const readable = new Map(
    (db.prepare(`SELECT r.id, r.path, r.duration_s AS durationS FROM recordings r WHERE r.id IN (SELECT value FROM json_each(?)) AND ${READABLE_BY_TRAINER}`).all(JSON.stringify([...evidence.byRecording.keys()])) as (Readable & { id: number })[]).map((r) => [r.id, r]),
  )

  let unreadable = 0
  let duplicates = 0
  let contradictory = 0
  let uncertain = 0
  const clips: { id: string; recordingId: number; path: string; segment: [number, number]; labels: string[] }[] = []
  for (const [recordingId, intervals] of [...evidence.byRecording].sort((a, b) => a[0] - b[0])) {
    const rec = readable.get(recordingId)
    if (!rec) {
      unreadable += intervals.length
      continue
    }
    const positives: Span[] = []
    const negatives: Span[] = []
    for (const iv of intervals) {
      const span: Span = { recordingId, labelId: iv.labelId, start: iv.startS, end: iv.endS, allClasses: iv.allClasses }
      if (iv.kind === 'uncertain') uncertain++
      else if (iv.kind === 'negative') negatives.push(span)
      else if (positives.some((p) => p.labelId === span.labelId && overlap(p, span) >= 0.5 * Math.min(p.end - p.start, span.end - span.start))) duplicates++
      else positives.push(span)
    }
    const kept: [Span, boolean][] = positives.map((p) => [p, true])
    if (o.multiLabel) {
      for (const n of negatives) {
        const coveredBy = positives.filter((p) => covers(p, n))
        // A positive clip already says which labels are absent; the same label present is a contradiction.
        if (coveredBy.some((p) => n.allClasses || p.labelId === n.labelId)) contradictory++
        else if (coveredBy.length === 0) kept.push([n, false])
      }
    }
    kept.sort((a, b) => a[0].start - b[0].start || a[0].labelId - b[0].labelId)
    kept.forEach(([s, isPositive], k) => {
      if (s.start >= rec.durationS) return
      const segment = widen(s, rec.durationS, o.minSegmentS)
      const clip = { start: segment[0], end: segment[1] }
      let labels: string[] = isPositive ? [code(s.labelId)] : []
      if (o.multiLabel) {
        const others = positives.filter((p) => p !== s && covers(p, clip))
        const present = new Set([...labels, ...others.map((p) => code(p.labelId))])
        labels = codes.filter((c) => present.has(c))
      }
      clips.push({ id: `r${recordingId}#${k}`, recordingId, path: rec.path, segment, labels })
    })
  }

  const split = splitRecordings(clips.map((c) => c.recordingId), o.seed, o.valFraction, o.testFraction)
  const items: ManifestItem[] = clips.map((c) => ({ id: c.id, path: c.path, segment: c.segment, labels: c.labels, split: split.get(c.recordingId) ?? 'train' }))
  const data: DataManifest = { labels: codes, multi_label: o.multiLabel, items }

  const warnings: string[] = []
  if (unreadable > 0) warnings.push(`${unreadable} labelled interval(s) on missing, quarantined or time-expanded recordings were left out`)
  if (duplicates > 0) warnings.push(`${duplicates} labelled interval(s) repeat a call already counted (an annotation and its confirmed detection) and were counted once`)
  if (contradictory > 0) warnings.push(`${contradictory} negative interval(s) overlap a positive label and were left out`)
  if (uncertain > 0) warnings.push(`${uncertain} detection(s) reviewed as uncertain were left out`)
  for (const c of codes) {
    const train = items.filter((i) => i.split === 'train' && i.labels.includes(c)).length
    if (train === 0) throw new AppError('TRAINING_DATA', `label ${c} has no training examples: annotate some calls of it (or confirm detections) first`, { label: c })
    if (train < FEW_EXAMPLES) warnings.push(`label ${c} has only ${train} training example(s)`)
  }
  if (o.valFraction > 0 && !items.some((i) => i.split === 'val')) warnings.push('no validation clips: all examples come from one recording, so there are no metrics')
  if (o.multiLabel && !items.some((i) => i.labels.length < codes.length)) warnings.push('no negative examples: every clip carries every label')
  return { data, labelSetId: labels[0].setId, labelIds: ids, summary: summarise(data, split.size, warnings) }
}
