// Raven / Audacity / BirdNET text into annotations: parse (format detected from the content), find
// each row's recording (the given one, or by the file names the rows or the file carry), turn file
// time into real time for time-expanded recordings (what Raven and Audacity show is the file at
// its header rate), resolve labels (by code or name, see LabelResolver), and
// insert in one transaction. Nothing a row does wrong stops the others: rows past the end of the
// audio, above Nyquist, naming unknown files or repeating an annotation already present are
// clipped or skipped and said so in `problems`.
import type { Database } from 'better-sqlite3'
import type { AnnotationImportReport, Label } from '../../src-shared/contracts'
import { AppError } from '../errors'
import { parseAnnotationFile } from '../season/formats/detect'
import { recordingRelativeTimes } from '../season/formats/raven'
import type { ParsedAnnotation } from '../season/formats/types'
import { RecordingMatcher, type MatchResult } from '../season/exchange/recording-matcher'
import { AnnotationsRepository, type AnnotationDraft, type RecordingBounds } from './annotations-repository'
import { LabelsRepository } from './labels-repository'

const IMPORTED_LABEL_SET = 'Imported labels'

export interface AnnotationTextImport {
  fileName: string
  text: string
  target: { recordingId: number } | { matchByName: true }
  labelSetId?: number
}

const MAX_PROBLEMS = 1000
const MAX_CODE = 64
/** Rows matched by name may start this far past the end (rounding, a last partial window) before the match is doubted. */
const MISNAMED_TOLERANCE_S = 1

interface TargetRecording {
  bounds: RecordingBounds
  /** Header rate (what Raven/Audacity call the sample rate of the file). */
  headerRate: number
  timeExpansion: number
  existing: Set<string>
}

function describeRow(i: number, row: ParsedAnnotation): string {
  return `row ${i + 1} (${row.start}–${row.end} s${row.label ? `, "${row.label}"` : ''})`
}

function duplicateKey(labelId: number, startS: number, endS: number, lowHz: number | null, highHz: number | null): string {
  const r = (v: number | null): string => (v === null ? '-' : v.toPrecision(12))
  return `${labelId}|${r(startS)}|${r(endS)}|${r(lowHz)}|${r(highHz)}`
}

/**
 * Labels by the text a row carries: the code, the species code, then the scientific and common
 * names, in the given set, or in every set (oldest first) when none is given. A label found
 * nowhere is created in the given set, or in "Imported labels" (made when first needed).
 */
class LabelResolver {
  private readonly byKey = new Map<string, Label>()
  readonly created: string[] = []
  private createIn: number | undefined

  constructor(private readonly labels: LabelsRepository, setId: number | undefined) {
    this.createIn = setId
    const known = setId === undefined ? labels.sets().flatMap((s) => s.labels) : labels.set(setId).labels
    // Codes first, so a code is never shadowed by another label's name.
    for (const l of known) this.remember(l, [l.code])
    for (const l of known) this.remember(l, [l.scientificName, l.commonName])
  }

  private remember(l: Label, keys: (string | null)[]): void {
    for (const key of keys) {
      const k = key?.trim().toLowerCase()
      if (k && !this.byKey.has(k)) this.byKey.set(k, l)
    }
  }

  resolve(row: ParsedAnnotation): Label {
    const scientific = row.extra['Scientific Name'] ?? row.extra['Scientific name']
    const common = row.extra['Common Name'] ?? row.extra['Common name']
    for (const key of [row.label, row.extra['Species Code'], scientific, common]) {
      const found = key ? this.byKey.get(key.trim().toLowerCase()) : undefined
      if (found) return found
    }
    this.createIn ??= this.labels.setNamed(IMPORTED_LABEL_SET).set.id
    const code = row.label.slice(0, MAX_CODE)
    const { label } = this.labels.upsertLabel(this.createIn, code, {
      scientificName: scientific?.slice(0, 200) ?? null,
      commonName: (common ?? (row.label.length > MAX_CODE ? row.label : undefined))?.slice(0, 200) ?? null,
    })
    this.created.push(label.code)
    this.remember(label, [label.code, label.scientificName, label.commonName])
    return label
  }
}

export function importAnnotationText(db: Database, req: AnnotationTextImport): { report: AnnotationImportReport; recordingIds: number[] } {
  const annotations = new AnnotationsRepository(db)
  const labels = new LabelsRepository(db)
  const parsed = parseAnnotationFile(req.text, { fileName: req.fileName })
  const problems = [...parsed.warnings]
  const report: AnnotationImportReport = { fileName: req.fileName, format: parsed.format, imported: 0, skipped: parsed.skipped, problems, createdLabels: [] }
  const problem = (text: string): void => {
    if (problems.length < MAX_PROBLEMS) problems.push(text)
    else if (problems.length === MAX_PROBLEMS) problems.push('… further problems are not listed')
  }

  const targets = new Map<number, TargetRecording>()
  const recordingRow = db.prepare('SELECT sample_rate, time_expansion FROM recordings WHERE id = ?')
  const existingRows = db.prepare('SELECT label_id, start_s, end_s, low_hz, high_hz FROM annotations WHERE recording_id = ?')
  const target = (id: number): TargetRecording => {
    let t = targets.get(id)
    if (!t) {
      const bounds = annotations.bounds(id)
      const r = recordingRow.get(id) as { sample_rate: number; time_expansion: number }
      const existing = new Set((existingRows.all(id) as Array<{ label_id: number; start_s: number; end_s: number; low_hz: number | null; high_hz: number | null }>).map((a) => duplicateKey(a.label_id, a.start_s, a.end_s, a.low_hz, a.high_hz)))
      t = { bounds, headerRate: r.sample_rate, timeExpansion: r.time_expansion, existing }
      targets.set(id, t)
    }
    return t
  }

  // Which recording each row belongs to.
  const rowTargets: (number | null)[] = []
  if ('recordingId' in req.target) {
    const id = req.target.recordingId
    const t = target(id)
    const own = t.bounds.fileName.toLowerCase()
    for (const [i, row] of parsed.rows.entries()) {
      // A combined table names each row's file: only this recording's rows belong here.
      const other = row.fileOffset !== undefined && row.sourceFile !== undefined && (row.sourceFile.split(/[\\/]/).pop() ?? '').toLowerCase() !== own
      if (other) problem(`${describeRow(i, row)}: belongs to ${row.sourceFile}, not to ${t.bounds.fileName}; skipped`)
      rowTargets.push(other ? null : id)
    }
  } else {
    const matcher = RecordingMatcher.fromDatabase(db)
    const byFile = new Map<string, MatchResult>()
    let whole: MatchResult | undefined
    const unmatched = new Map<string, number>()
    for (const row of parsed.rows) {
      let m: MatchResult
      if (row.sourceFile !== undefined) {
        m = byFile.get(row.sourceFile) ?? matcher.matchReference(row.sourceFile)
        byFile.set(row.sourceFile, m)
      } else {
        whole ??= matcher.matchFileName(req.fileName)
        m = whole
      }
      if (m.ok) rowTargets.push(m.recording.id)
      else {
        rowTargets.push(null)
        unmatched.set(m.reason, (unmatched.get(m.reason) ?? 0) + 1)
      }
    }
    for (const [reason, n] of unmatched) problem(`${n} row(s) skipped: ${reason}`)
    rejectMisnamed(parsed.rows, rowTargets, target, problem)
  }

  const resolver = new LabelResolver(labels, req.labelSetId)
  db.transaction(() => {
    let duplicates = 0
    for (const [i, row] of parsed.rows.entries()) {
      const id = rowTargets[i]
      if (id === null) {
        report.skipped += 1
        continue
      }
      let t: TargetRecording
      try {
        t = target(id)
      } catch (err) {
        problem(`${describeRow(i, row)}: ${err instanceof AppError ? err.message : String(err)}; skipped`)
        report.skipped += 1
        continue
      }
      const draft = toDraft(i, row, t, parsed.format, problem)
      if (!draft) {
        report.skipped += 1
        continue
      }
      const label = resolver.resolve(row)
      const key = duplicateKey(label.id, draft.startS, draft.endS, draft.lowHz, draft.highHz)
      if (t.existing.has(key)) {
        duplicates += 1
        report.skipped += 1
        continue
      }
      annotations.create({ ...draft, recordingId: id, labelId: label.id }, t.bounds)
      t.existing.add(key)
      report.imported += 1
    }
    if (duplicates > 0) problem(`${duplicates} row(s) already present on their recording; skipped`)
    report.createdLabels = resolver.created
  }).immediate()
  return { report, recordingIds: [...targets.keys()].filter((id) => rowTargets.includes(id)) }
}

/**
 * A name is only a guess: when rows matched to a recording by name start past its end, the table is
 * about another recording of that name (BirdNET's 120 s example vs a 10 s clip called the same), so
 * none of its rows go there.
 */
function rejectMisnamed(rows: readonly ParsedAnnotation[], rowTargets: (number | null)[], target: (id: number) => TargetRecording, problem: (text: string) => void): void {
  const reach = new Map<number, { end: number; rows: number }>()
  rows.forEach((row, i) => {
    const id = rowTargets[i]
    if (id === null) return
    let t: TargetRecording
    try {
      t = target(id)
    } catch {
      return
    }
    const r = reach.get(id) ?? { end: 0, rows: 0 }
    reach.set(id, { end: Math.max(r.end, recordingRelativeTimes(row).start / t.timeExpansion), rows: r.rows + 1 })
  })
  for (const [id, r] of reach) {
    const t = target(id)
    if (r.end < t.bounds.durationS + MISNAMED_TOLERANCE_S) continue
    rowTargets.forEach((target, i) => {
      if (target === id) rowTargets[i] = null
    })
    problem(`${r.rows} row(s) skipped: they reach ${round(r.end)} s but ${t.bounds.fileName} (matched by name) is ${round(t.bounds.durationS)} s long; the table is probably about another recording with that name`)
  }
}

/** File time → real time, clipped to the recording; null (with a problem) when nothing is left. */
function toDraft(i: number, row: ParsedAnnotation, t: TargetRecording, format: string, problem: (text: string) => void): Omit<AnnotationDraft, 'recordingId' | 'labelId'> | null {
  const where = describeRow(i, row)
  if (row.label.trim() === '') {
    problem(`${where}: empty label; skipped`)
    return null
  }
  const te = t.timeExpansion
  const rel = recordingRelativeTimes(row)
  let startS = rel.start / te
  let endS = rel.end / te
  const { durationS, nyquistHz } = t.bounds
  if (startS >= durationS) {
    problem(`${where}: starts at ${round(startS)} s, past the end of ${t.bounds.fileName} (${round(durationS)} s); skipped`)
    return null
  }
  if (endS > durationS + 1e-6) {
    problem(`${where}: ends at ${round(endS)} s, past the end of ${t.bounds.fileName} (${round(durationS)} s); clipped`)
    endS = durationS
  }
  if (!(endS > startS)) {
    problem(`${where}: has no length; skipped`)
    return null
  }
  startS = Math.max(0, startS)
  let lowHz: number | null = null
  let highHz: number | null = null
  // Raven has no time-only selection: 0 … Nyquist of the file is how one is written, and read back.
  const fullBand = format === 'raven' && row.lowHz === 0 && row.highHz !== undefined && Math.abs(row.highHz - t.headerRate / 2) <= 0.5
  if (row.lowHz !== undefined && row.highHz !== undefined && !fullBand) {
    lowHz = row.lowHz * te
    highHz = row.highHz * te
    if (lowHz >= nyquistHz) {
      problem(`${where}: low frequency ${round(lowHz)} Hz is at or above the Nyquist frequency ${round(nyquistHz)} Hz; imported as a time segment`)
      lowHz = null
      highHz = null
    } else if (highHz > nyquistHz) {
      problem(`${where}: high frequency ${round(highHz)} Hz is above the Nyquist frequency ${round(nyquistHz)} Hz; clipped`)
      highHz = nyquistHz
    }
  } else if ((row.lowHz === undefined) !== (row.highHz === undefined)) {
    problem(`${where}: only one frequency edge given; imported as a time segment`)
  }
  const note = row.extra.Note ?? row.extra.Notes ?? row.extra.Comment ?? null
  return { startS, endS, lowHz, highHz, source: 'imported', author: null, modelId: null, note }
}

function round(n: number): number {
  return Math.round(n * 1000) / 1000
}
