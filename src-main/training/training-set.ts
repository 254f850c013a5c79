// Builds a training set: evidence intervals → labelled analysis windows → background sample →
// group splits → a report of counts per class and split with warnings, and a fingerprint of the
// examples. Features are read later (loadSplit), so a preview never touches the embedding files.
import { createHash } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import type { ClassReport, SplitName, SplitReport, TrainingReport, TrainingSetRequest, TrainingWarning } from '../../src-shared/contracts'
import { AnalysisRepository } from '../analysis/analysis-repository'
import { windowTimes } from '../analysis/window-grid'
import { throwIfAborted } from '../errors'
import { Prng } from '../numeric/prng'
import { collectEvidence, type Evidence } from './evidence'
import { resolveRequest, type ResolvedRequest } from './resolve-request'
import { assignSplits, type GroupStats } from './splits'
import { labelWindows } from './window-targets'

export interface TrainingExample {
  recordingId: number
  /** Window index in the analysis (row of the recording's embeddings file). */
  window: number
  startS: number
  endS: number
  /** Class indices with target 1 (multi-class: exactly one). */
  positives: number[]
  /** Class indices explicitly negative. */
  negatives: number[]
  background: boolean
  split: SplitName
}

// A type alias (not an interface) so it fits the JSON record it is stored as.
export type TrainingSnapshot = {
  fingerprint: string
  annotationIds: number[]
  detectionIds: number[]
  decisionIds: number[]
  recordings: number
  examples: number
}

export interface TrainingSet {
  resolved: ResolvedRequest
  report: TrainingReport
  /** Sorted by recording, then window. */
  examples: TrainingExample[]
  /** Windows and audio length of each recording with examples (to read its embeddings). */
  recordings: Map<number, { windows: number; audioS: number }>
  snapshot: TrainingSnapshot
}

export interface BuildOptions {
  signal?: AbortSignal
}

interface RecordingInfo {
  id: number
  siteId: number | null
  startLocalMs: number | null
}

function groupKey(by: ResolvedRequest['split']['by'], r: RecordingInfo): string {
  if (by === 'recording') return `recording:${r.id}`
  if (by === 'site') return r.siteId === null ? 'site:none' : `site:${r.siteId}`
  return r.startLocalMs === null ? 'date:none' : `date:${new Date(r.startLocalMs).toISOString().slice(0, 10)}`
}

const emptyCounts = () => ({ train: 0, validation: 0, test: 0 })
const emptySplit = (): SplitReport => ({ examples: 0, positive: 0, background: 0, groups: 0, recordings: 0 })

export function buildTrainingSet(db: Database, request: TrainingSetRequest, opts: BuildOptions = {}): TrainingSet {
  const resolved = resolveRequest(db, request)
  const { analysis, classes, rule } = resolved
  const classIndex = new Map(classes.map((c, i) => [c.labelId, i]))
  const evidence: Evidence = collectEvidence(db, {
    classLabelIds: classes.map((c) => c.labelId),
    noCallLabelIds: resolved.noCallLabelIds,
    sources: resolved.sources,
    useReviews: resolved.useReviews,
  })
  const analysed = new AnalysisRepository(db).analysed(analysis.id)
  const analysedIds = new Set(analysed.map((a) => a.recordingId))
  const unanalysed = [...evidence.byRecording.keys()].filter((id) => !analysedIds.has(id)).length

  // Examples and background candidates are collected in recording, then window order.
  const labelled: TrainingExample[] = []
  const backgroundPool: TrainingExample[] = []
  let ambiguous = 0
  let unassignable = 0
  let conflicts = 0
  const grid = { windowS: analysis.windowS, hopS: analysis.hopS }
  const recordings = new Map<number, { windows: number; audioS: number }>()
  const example = (recordingId: number, w: number, times: { start: Float64Array; end: Float64Array }, positives: number[], negatives: number[], background: boolean): TrainingExample => ({
    recordingId,
    window: w,
    startS: times.start[w],
    endS: times.end[w],
    positives,
    negatives,
    background,
    split: 'train',
  })
  for (const rec of analysed) {
    const intervals = evidence.byRecording.get(rec.recordingId)
    const annotated = evidence.annotatedRecordings.has(rec.recordingId)
    if (!intervals && !annotated) continue
    throwIfAborted(opts.signal)
    recordings.set(rec.recordingId, { windows: rec.windows, audioS: rec.audioS })
    const times = windowTimes(grid, rec.windows, rec.audioS)
    const labels = labelWindows(times, intervals ?? [], classIndex, rule, annotated)
    for (let w = 0; w < labels.length; w++) {
      const l = labels[w]
      if (l.kind === 'ambiguous') ambiguous++
      else if (l.kind === 'background') backgroundPool.push(example(rec.recordingId, w, times, [], [], true))
      else if (l.kind === 'example') {
        conflicts += l.conflicts
        if (resolved.task === 'multi-class') {
          const only = l.positives.length === 1 ? l.positives[0] : l.positives.length === 0 ? resolved.backgroundClass : null
          if (only === null) unassignable++
          else labelled.push(example(rec.recordingId, w, times, [only], l.negatives, false))
        } else {
          labelled.push(example(rec.recordingId, w, times, l.positives, l.negatives, false))
        }
      }
    }
  }

  // Background: a seeded sample of the unlabelled windows of annotated recordings.
  let positiveCount = 0
  for (const e of labelled) if (e.positives.some((c) => c !== resolved.backgroundClass)) positiveCount++
  const multiClassWithoutBackground = resolved.task === 'multi-class' && resolved.backgroundClass === null
  const wanted = multiClassWithoutBackground ? 0 : Math.min(backgroundPool.length, Math.round(resolved.backgroundRatio * positiveCount))
  const chosen = new Uint8Array(backgroundPool.length)
  if (wanted > 0) {
    const order = new Prng(resolved.seed ^ 0x5bd1e995).shuffle(Int32Array.from(backgroundPool.keys()))
    for (let i = 0; i < wanted; i++) chosen[order[i]] = 1
  }
  // Both lists are in (recording, window) order: merge them instead of sorting.
  const examples: TrainingExample[] = []
  let b = 0
  const nextBackground = (): TrainingExample | null => {
    while (b < backgroundPool.length && !chosen[b]) b++
    return b < backgroundPool.length ? backgroundPool[b] : null
  }
  const asBackground = (e: TrainingExample): TrainingExample => (resolved.backgroundClass === null ? e : { ...e, positives: [resolved.backgroundClass] })
  for (const e of labelled) {
    for (let bg = nextBackground(); bg && (bg.recordingId < e.recordingId || (bg.recordingId === e.recordingId && bg.window < e.window)); bg = nextBackground()) {
      examples.push(asBackground(bg))
      b++
    }
    examples.push(e)
  }
  for (let bg = nextBackground(); bg; bg = nextBackground()) {
    examples.push(asBackground(bg))
    b++
  }

  // Split by group.
  const info = recordingInfo(db, [...recordings.keys()])
  const keyOf = new Map(info.map((r) => [r.id, groupKey(resolved.split.by, r)]))
  const stats = new Map<string, GroupStats & { positives: number[] }>()
  for (const e of examples) {
    const key = keyOf.get(e.recordingId) as string
    let g = stats.get(key)
    if (!g) stats.set(key, (g = { key, examples: 0, positives: new Array<number>(classes.length).fill(0) }))
    g.examples++
    for (const c of e.positives) g.positives[c]++
  }
  const assignment = assignSplits([...stats.values()], classes.length, resolved.split, resolved.seed)
  for (const e of examples) e.split = assignment.get(keyOf.get(e.recordingId) as string) ?? 'train'

  const report = makeReport(resolved, examples, keyOf, evidence, { ambiguous, unassignable, unanalysed, conflicts })
  return {
    resolved,
    report,
    examples,
    recordings,
    snapshot: {
      fingerprint: report.fingerprint,
      annotationIds: evidence.ids.annotations,
      detectionIds: evidence.ids.detections,
      decisionIds: evidence.ids.decisions,
      recordings: new Set(examples.map((e) => e.recordingId)).size,
      examples: examples.length,
    },
  }
}

function recordingInfo(db: Database, ids: number[]): RecordingInfo[] {
  return db
    .prepare(
      `SELECT r.id, d.site_id AS siteId, r.start_local_ms AS startLocalMs FROM recordings r LEFT JOIN deployments d ON d.id = r.deployment_id
       WHERE r.id IN (SELECT value FROM json_each(?)) ORDER BY r.id`,
    )
    .all(JSON.stringify(ids)) as RecordingInfo[]
}

interface Dropped {
  ambiguous: number
  unassignable: number
  unanalysed: number
  conflicts: number
}

function makeReport(r: ResolvedRequest, examples: readonly TrainingExample[], keyOf: Map<number, string>, evidence: Evidence, d: Dropped): TrainingReport {
  const classes: ClassReport[] = r.classes.map((c) => ({ labelId: c.labelId, code: c.code, name: c.name, positives: emptyCounts(), negatives: emptyCounts() }))
  const splits = { train: emptySplit(), validation: emptySplit(), test: emptySplit() }
  const groups = { train: new Set<string>(), validation: new Set<string>(), test: new Set<string>() }
  const recs = { train: new Set<number>(), validation: new Set<number>(), test: new Set<number>() }
  const hash = createHash('sha256')
  const lines: string[] = []
  for (const e of examples) {
    const s = splits[e.split]
    s.examples++
    if (e.background) s.background++
    else if (e.positives.some((c) => c !== r.backgroundClass)) s.positive++
    for (const c of e.positives) classes[c].positives[e.split]++
    for (const c of e.negatives) classes[c].negatives[e.split]++
    groups[e.split].add(keyOf.get(e.recordingId) as string)
    recs[e.split].add(e.recordingId)
    lines.push(`${e.recordingId}:${e.window}:${e.split}:${e.positives.join(',')}\n`)
    if (lines.length === 4096) {
      hash.update(lines.join(''))
      lines.length = 0
    }
  }
  hash.update(lines.join(''))
  for (const name of ['train', 'validation', 'test'] as const) {
    splits[name].groups = groups[name].size
    splits[name].recordings = recs[name].size
  }

  const warnings: TrainingWarning[] = []
  const warn = (code: TrainingWarning['code'], message: string, labelId: number | null = null) => warnings.push({ code, message, labelId })
  const enc = `${r.encoder.name} ${r.encoder.version}`
  if (examples.length === 0) warn('NO_EXAMPLES', `no window of ${enc}'s analysis overlaps an annotation or decision of these labels: annotate some calls (or analyse the annotated recordings) first`)
  if (!r.encoder.encoder.pretrained) warn('RANDOM_ENCODER', `${enc} has random weights: a head trained on its embeddings only shows the workflow`)
  if (d.unanalysed > 0) warn('UNANALYSED_RECORDINGS', `${d.unanalysed} recording(s) with annotations or reviews have no ${r.analysis.windowS} s / ${r.analysis.hopS} s embeddings from ${enc}: analyse them to use their labels`)
  if (d.conflicts > 0) warn('CONFLICTS', `${d.conflicts} window(s) are both labelled and rejected for a class; the label wins`)
  if (r.split.validation > 0 && examples.length > 0) {
    const total = groups.train.size + groups.validation.size + groups.test.size
    if (total < 2) warn('FEW_GROUPS', `all examples come from one ${r.split.by}: nothing can be held out for validation; split by recording or label more ${r.split.by}s`)
    if (splits.validation.examples === 0) warn('EMPTY_VALIDATION', 'the validation split is empty: metrics and early stopping need held-out examples')
  }
  for (const c of classes) {
    if (c.positives.train < r.minPositives) warn('FEW_POSITIVES', `${c.code} has ${c.positives.train} training positive(s), fewer than ${r.minPositives}`, c.labelId)
    if (splits.validation.examples > 0 && c.positives.validation === 0) warn('NO_VALIDATION_POSITIVES', `${c.code} has no positive in the validation split: its AP cannot be measured`, c.labelId)
    if (r.task === 'multi-label' && splits.train.examples > 0 && c.positives.train === splits.train.examples) {
      warn('NO_NEGATIVES', `every training example is positive for ${c.code}: add background windows, "no call" annotations or rejected detections`, c.labelId)
    }
  }
  return {
    encoder: { id: r.encoder.id, name: r.encoder.name, version: r.encoder.version, pretrained: r.encoder.encoder.pretrained },
    analysis: { id: r.analysis.id, windowS: r.analysis.windowS, hopS: r.analysis.hopS, dim: r.analysis.dim, recordings: new Set(examples.map((e) => e.recordingId)).size },
    labelSet: r.labelSet,
    task: r.task,
    classes,
    splits,
    examples: examples.length,
    evidence: evidence.counts,
    dropped: { ambiguous: d.ambiguous, unassignable: d.unassignable, unanalysedRecordings: d.unanalysed },
    conflicts: d.conflicts,
    rule: r.rule,
    split: r.split,
    seed: r.seed,
    backgroundRatio: r.backgroundRatio,
    warnings,
    fingerprint: hash.digest('hex'),
  }
}
