// What a training set is made from, read from the project database as labelled time intervals per
// recording:
//  - annotations of the chosen sources: positive for their label; annotations of "no call" labels
//    are negatives for every class;
//  - reviewed detections (when reviews are used): confirmed → positive for the (possibly new)
//    label, and negative for the model's label when a reviewer relabelled it; rejected → negative;
//    uncertain → the overlapping windows are left out for that label;
//  - window decisions: 'absent' → negative for the label ('present' ones live on as the 'review'
//    annotation they created).
// A recording counts as annotated (its unlabelled windows may become background negatives) only
// through annotations a person drew or imported on it: confirming one window or one detection
// says nothing about the rest of the recording.
import type { Database } from 'better-sqlite3'
import type { AnnotationSource } from '../../src-shared/contracts'

export type EvidenceKind = 'positive' | 'negative' | 'uncertain'

export interface EvidenceInterval {
  labelId: number
  startS: number
  endS: number
  kind: EvidenceKind
  /** Negative for every class (a "no call" annotation). */
  allClasses: boolean
  /** A window decision: applies with DECISION_RULE instead of the overlap rule. */
  decision: boolean
}

export interface EvidenceCounts {
  annotations: number
  noCallAnnotations: number
  confirmedDetections: number
  rejectedDetections: number
  relabelledDetections: number
  presentDecisions: number
  absentDecisions: number
}

export interface Evidence {
  byRecording: Map<number, EvidenceInterval[]>
  annotatedRecordings: Set<number>
  counts: EvidenceCounts
  /** Rows used, for the version's training-set snapshot. */
  ids: { annotations: number[]; detections: number[]; decisions: number[] }
}

export interface EvidenceOptions {
  classLabelIds: readonly number[]
  noCallLabelIds: readonly number[]
  sources: readonly AnnotationSource[]
  useReviews: boolean
}

interface AnnotationRow {
  id: number
  recordingId: number
  labelId: number
  startS: number
  endS: number
  fromDecision: number
}

interface DetectionRow {
  id: number
  recordingId: number
  labelId: number
  originalLabelId: number | null
  startS: number
  endS: number
  state: 'unreviewed' | 'confirmed' | 'rejected' | 'uncertain'
}

interface DecisionRow {
  id: number
  recordingId: number
  labelId: number
  startS: number
  endS: number
}

export function collectEvidence(db: Database, o: EvidenceOptions): Evidence {
  const classes = new Set(o.classLabelIds)
  const noCall = new Set(o.noCallLabelIds.filter((id) => !classes.has(id)))
  const relevant = [...classes, ...noCall]
  const byRecording = new Map<number, EvidenceInterval[]>()
  const annotatedRecordings = new Set<number>()
  const counts: EvidenceCounts = { annotations: 0, noCallAnnotations: 0, confirmedDetections: 0, rejectedDetections: 0, relabelledDetections: 0, presentDecisions: 0, absentDecisions: 0 }
  const ids = { annotations: [] as number[], detections: [] as number[], decisions: [] as number[] }
  const add = (recordingId: number, iv: EvidenceInterval): void => {
    const list = byRecording.get(recordingId)
    if (list) list.push(iv)
    else byRecording.set(recordingId, [iv])
  }
  const labels = JSON.stringify(relevant)

  const annotations = db
    .prepare(
      `SELECT a.id, a.recording_id AS recordingId, a.label_id AS labelId, a.start_s AS startS, a.end_s AS endS,
              EXISTS (SELECT 1 FROM window_decisions d WHERE d.annotation_id = a.id) AS fromDecision
       FROM annotations a
       WHERE a.label_id IN (SELECT value FROM json_each(?)) AND a.source IN (SELECT value FROM json_each(?))
       ORDER BY a.recording_id, a.start_s, a.id`,
    )
    .all(labels, JSON.stringify(o.sources)) as AnnotationRow[]
  for (const a of annotations) {
    const isNoCall = noCall.has(a.labelId)
    add(a.recordingId, { labelId: a.labelId, startS: a.startS, endS: a.endS, kind: isNoCall ? 'negative' : 'positive', allClasses: isNoCall, decision: false })
    if (isNoCall) counts.noCallAnnotations++
    else if (a.fromDecision) counts.presentDecisions++
    else counts.annotations++
    if (!a.fromDecision) annotatedRecordings.add(a.recordingId)
    ids.annotations.push(a.id)
  }

  if (o.useReviews) {
    const detections = db
      .prepare(
        `SELECT id, recording_id AS recordingId, label_id AS labelId, original_label_id AS originalLabelId, start_s AS startS, end_s AS endS, review_state AS state
         FROM detections
         WHERE review_state <> 'unreviewed'
           AND (label_id IN (SELECT value FROM json_each(@labels)) OR original_label_id IN (SELECT value FROM json_each(@labels)))
         ORDER BY recording_id, start_s, id`,
      )
      .all({ labels }) as DetectionRow[]
    for (const d of detections) {
      const iv = (labelId: number, kind: EvidenceKind): void => {
        if (classes.has(labelId)) add(d.recordingId, { labelId, startS: d.startS, endS: d.endS, kind, allClasses: false, decision: false })
      }
      const relabelled = d.originalLabelId !== null && d.originalLabelId !== d.labelId
      if (d.state === 'confirmed') {
        // Confirmed as a "no call" label: the window holds none of the classes.
        if (noCall.has(d.labelId)) add(d.recordingId, { labelId: d.labelId, startS: d.startS, endS: d.endS, kind: 'negative', allClasses: true, decision: false })
        else iv(d.labelId, 'positive')
        counts.confirmedDetections++
      } else if (d.state === 'rejected') {
        iv(d.labelId, 'negative')
        counts.rejectedDetections++
      } else {
        iv(d.labelId, 'uncertain')
      }
      if (relabelled) {
        iv(d.originalLabelId as number, 'negative')
        counts.relabelledDetections++
      }
      ids.detections.push(d.id)
    }

    const decisions = db
      .prepare(
        `SELECT id, recording_id AS recordingId, label_id AS labelId, start_s AS startS, end_s AS endS FROM window_decisions
         WHERE decision = 'absent' AND label_id IN (SELECT value FROM json_each(?)) ORDER BY recording_id, start_s, id`,
      )
      .all(JSON.stringify([...classes])) as DecisionRow[]
    for (const d of decisions) {
      add(d.recordingId, { labelId: d.labelId, startS: d.startS, endS: d.endS, kind: 'negative', allClasses: false, decision: true })
      counts.absentDecisions++
      ids.decisions.push(d.id)
    }
  }
  return { byRecording, annotatedRecordings, counts, ids }
}
