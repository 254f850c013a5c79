// Annotations and detections out of the project, as the tools researchers use read them:
//   raven     per recording `<site>/<deployment>/<file>.<content>.selections.txt`, and per deployment
//             `<site>/<deployment>.<content>.combined.selections.txt` (recordings end to end:
//             cumulative `Begin Time (s)`, with `Begin Path` and `File Offset (s)`)
//   audacity  per recording `<site>/<deployment>/<file>.<content>.txt` (boxes get their `\ low high` line)
//   csv       `annotations.csv` / `detections.csv` with wall-clock ISO 8601 times, place, label,
//             score, review state, model and threshold
// Raven and Audacity show a file at its header rate, so time-expanded recordings are written in
// file time (real time × factor, frequencies ÷ factor); the annotation import turns them back.
// Every file is written beside its final name and renamed into place, so a reader never sees half
// a table. Detections below their threshold are left out; rejected ones are left out of Raven and
// Audacity tables but kept (with their review state) in the CSV.
import type { Database } from 'better-sqlite3'
import { createWriteStream, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { z } from 'zod'
import type { ExportParams, ExportResult } from '../../../src-shared/contracts'
import { AppError, throwIfAborted } from '../../errors'
import { writeAudacityLabels } from '../formats/audacity'
import { writeDetectionsCsv, type DetectionCsvRow } from '../formats/detections-csv'
import { writeCombinedRavenTable, writeRavenTable } from '../formats/raven-writer'
import type { ParsedAnnotation } from '../formats/types'

type Params = Omit<z.infer<typeof ExportParams>, 'type'>

export interface ExportHooks {
  signal?: AbortSignal
  onProgress?(done: number, total: number, unit: string): void
  /** The folder's timestamp (default: now). */
  now?: Date
}

interface RecordingRow {
  id: number
  path: string
  file_name: string
  sample_rate: number
  time_expansion: number
  duration_s: number
  start_time: string | null
  deployment_id: number | null
  deployment: string | null
  site: string | null
  latitude: number | null
  longitude: number | null
}

interface AnnotationRow {
  start_s: number
  end_s: number
  low_hz: number | null
  high_hz: number | null
  source: string
  note: string | null
  code: string
  scientific_name: string | null
  common_name: string | null
  model: string | null
  model_version: string | null
}

interface DetectionRow {
  start_s: number
  end_s: number
  score: number
  review_state: string
  code: string
  scientific_name: string | null
  common_name: string | null
  model: string
  model_version: string
  threshold: number | null
}

interface Content {
  kind: 'annotations' | 'detections'
  rows: ParsedAnnotation[]
}

interface DeploymentGroup {
  key: string
  folder: string
  members: { rec: RecordingRow; contents: Content[] }[]
}

const UNPLACED = 'no deployment'

/** A folder or file name from free text (site names may hold slashes, colons …). */
function safeName(text: string): string {
  const cleaned = text.replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '_').replace(/^[.\s]+|[.\s]+$/g, '').slice(0, 120)
  return cleaned === '' ? '_' : cleaned
}

function stem(fileName: string): string {
  const dot = fileName.lastIndexOf('.')
  return dot > 0 ? fileName.slice(0, dot) : fileName
}

function stamp(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0')
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}-${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}`
}

function writeAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true })
  const temp = `${path}.partial-${process.pid}`
  writeFileSync(temp, text)
  renameSync(temp, path)
}

/** Big CSVs are streamed into their temp file, then renamed. */
class AtomicStream {
  private readonly temp: string
  private readonly stream: ReturnType<typeof createWriteStream>
  constructor(private readonly path: string, header: string) {
    mkdirSync(dirname(path), { recursive: true })
    this.temp = `${path}.partial-${process.pid}`
    writeFileSync(this.temp, header)
    this.stream = createWriteStream(this.temp, { flags: 'a' })
  }

  async write(text: string): Promise<void> {
    if (!this.stream.write(text)) await new Promise<void>((resolve) => this.stream.once('drain', resolve))
  }

  /** A failed export leaves no half-written file behind. The stream may still be opening its
   *  file: wait until it has closed, or it would recreate the temp file after we removed it. */
  async abort(): Promise<void> {
    if (!this.stream.closed) await new Promise<void>((resolve) => this.stream.once('close', () => resolve()).destroy())
    rmSync(this.temp, { force: true })
  }

  async close(): Promise<void> {
    await new Promise<void>((resolve, reject) => this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())))
    renameSync(this.temp, this.path)
  }
}

const CSV_HEADER = writeDetectionsCsv([])

/** writeDetectionsCsv prints its header each time; the streamed file has it once. */
function csvBody(rows: DetectionCsvRow[]): string {
  return writeDetectionsCsv(rows).slice(CSV_HEADER.length)
}

export async function exportSeason(db: Database, projectDir: string, params: Params, hooks: ExportHooks = {}): Promise<ExportResult> {
  const content = params.content ?? 'annotations'
  const wantAnnotations = content !== 'detections'
  const wantDetections = content !== 'annotations'
  const dir = params.outDir ?? uniqueDir(join(projectDir, 'exports', stamp(hooks.now ?? new Date())))
  mkdirSync(dir, { recursive: true })

  const where: string[] = ["r.status <> 'quarantined'", 'r.duration_s IS NOT NULL']
  const args: string[] = []
  if (params.deploymentIds) {
    where.push('r.deployment_id IN (SELECT value FROM json_each(?))')
    args.push(JSON.stringify(params.deploymentIds))
  }
  if (params.recordingIds) {
    where.push('r.id IN (SELECT value FROM json_each(?))')
    args.push(JSON.stringify(params.recordingIds))
  }
  const recordings = db
    .prepare(`SELECT r.id, r.path, r.file_name, r.sample_rate, r.time_expansion, r.duration_s, r.start_time, r.deployment_id,
        d.name AS deployment, s.name AS site, s.latitude, s.longitude
      FROM recordings r LEFT JOIN deployments d ON d.id = r.deployment_id LEFT JOIN sites s ON s.id = d.site_id
      WHERE ${where.join(' AND ')}
      ORDER BY s.name IS NULL, s.name, d.name, r.deployment_id, r.start_local_ms IS NULL, r.start_local_ms, r.file_name, r.id`)
    .all(...args) as RecordingRow[]
  if (recordings.length === 0) throw new AppError('EXPORT_FAILED', 'nothing to export: no readable recordings match the selection')

  const annotationsOf = db.prepare(`SELECT a.start_s, a.end_s, a.low_hz, a.high_hz, a.source, a.note, l.code, l.scientific_name, l.common_name, m.name AS model, m.version AS model_version
    FROM annotations a JOIN labels l ON l.id = a.label_id LEFT JOIN models m ON m.id = a.model_id WHERE a.recording_id = ? ORDER BY a.start_s, a.end_s, a.id`)
  const detectionsOf = db.prepare(`SELECT x.start_s, x.end_s, x.score, x.review_state, l.code, l.scientific_name, l.common_name, m.name AS model, m.version AS model_version,
      CASE WHEN json_type(x.settings, '$.threshold') IN ('real', 'integer') THEN json_extract(x.settings, '$.threshold') END AS threshold
    FROM detections x JOIN labels l ON l.id = x.label_id JOIN models m ON m.id = x.model_id WHERE x.recording_id = ? ORDER BY x.start_s, l.code, x.id`)

  const result: ExportResult = { dir, files: [], annotations: 0, detections: 0, recordings: 0 }
  const csv = params.format === 'csv'
  const annotationCsv = csv && wantAnnotations ? new AtomicStream(join(dir, 'annotations.csv'), CSV_HEADER) : null
  const detectionCsv = csv && wantDetections ? new AtomicStream(join(dir, 'detections.csv'), CSV_HEADER) : null
  const usedNames = new Set<string>()
  // The deployment being written (a holder: the closure below reads it).
  const open: { group: DeploymentGroup | null } = { group: null }

  const flushDeployment = (): void => {
    const deployment = open.group
    if (!deployment || params.format !== 'raven') return
    for (const kind of ['annotations', 'detections'] as const) {
      const withRows = deployment.members.some((m) => m.contents.some((c) => c.kind === kind && c.rows.length > 0))
      if (!withRows) continue
      const rates = new Set(deployment.members.map((m) => m.rec.sample_rate))
      const text = writeCombinedRavenTable(
        deployment.members.map((m) => ({ path: m.rec.path, durationSeconds: m.rec.duration_s * m.rec.time_expansion, annotations: m.contents.find((c) => c.kind === kind)?.rows ?? [] })),
        { sampleRate: rates.size === 1 ? [...rates][0] : undefined },
      )
      const rel = `raven/${deployment.folder}.${kind}.combined.selections.txt`
      writeAtomic(join(dir, rel), text)
      result.files.push({ path: rel, kind: `raven-combined-${kind}`, rows: deployment.members.reduce((n, m) => n + (m.contents.find((c) => c.kind === kind)?.rows.length ?? 0), 0) })
    }
  }

  try {
    for (const [index, rec] of recordings.entries()) {
      throwIfAborted(hooks.signal)
      const site = rec.site ?? UNPLACED
      const key = `${rec.deployment_id ?? 'none'}`
      let deployment = open.group
      if (deployment?.key !== key) {
        flushDeployment()
        deployment = { key, folder: `${safeName(site)}/${safeName(rec.deployment ?? UNPLACED)}`, members: [] }
        open.group = deployment
      }
      const te = rec.time_expansion
      const contents: Content[] = []
      const csvRows: { annotations: DetectionCsvRow[]; detections: DetectionCsvRow[] } = { annotations: [], detections: [] }
      const base: Omit<DetectionCsvRow, 'start' | 'end' | 'label'> = {
        recording: rec.path,
        ...(rec.start_time ? { recordingStart: rec.start_time } : {}),
        ...(rec.site ? { site: rec.site } : {}),
        ...(rec.deployment ? { deployment: rec.deployment } : {}),
        ...(rec.latitude !== null ? { latitude: rec.latitude } : {}),
        ...(rec.longitude !== null ? { longitude: rec.longitude } : {}),
      }
      if (wantAnnotations) {
        const rows = annotationsOf.all(rec.id) as AnnotationRow[]
        result.annotations += rows.length
        contents.push({ kind: 'annotations', rows: rows.map((a) => annotationRow(a, te)) })
        if (csv) {
          for (const a of rows) {
            csvRows.annotations.push({ ...base, start: a.start_s, end: a.end_s, label: a.code, ...(a.low_hz !== null && a.high_hz !== null ? { lowHz: a.low_hz, highHz: a.high_hz } : {}), reviewState: a.source, ...(a.model ? { modelId: a.model, modelVersion: a.model_version ?? '' } : {}) })
          }
        }
      }
      if (wantDetections) {
        const rows = (detectionsOf.all(rec.id) as DetectionRow[]).filter((d) => d.threshold === null || d.score >= d.threshold)
        result.detections += rows.length
        contents.push({ kind: 'detections', rows: rows.filter((d) => d.review_state !== 'rejected').map((d) => detectionRow(d, te)) })
        if (csv) {
          for (const d of rows) {
            csvRows.detections.push({ ...base, start: d.start_s, end: d.end_s, label: d.code, score: d.score, reviewState: d.review_state, modelId: d.model, modelVersion: d.model_version, ...(d.threshold !== null ? { threshold: d.threshold } : {}) })
          }
        }
      }
      result.recordings += 1

      if (csv) {
        if (annotationCsv && csvRows.annotations.length > 0) await annotationCsv.write(csvBody(csvRows.annotations))
        if (detectionCsv && csvRows.detections.length > 0) await detectionCsv.write(csvBody(csvRows.detections))
      } else {
        deployment.members.push({ rec, contents })
        let name = stem(rec.file_name)
        if (usedNames.has(`${deployment.folder}/${name}`.toLowerCase())) name = `${name}-${rec.id}`
        usedNames.add(`${deployment.folder}/${name}`.toLowerCase())
        for (const c of contents) {
          if (c.rows.length === 0) continue
          const raven = params.format === 'raven'
          const rel = `${params.format}/${deployment.folder}/${safeName(name)}.${c.kind}.${raven ? 'selections.txt' : 'txt'}`
          writeAtomic(join(dir, rel), raven ? writeRavenTable(c.rows, { sampleRate: rec.sample_rate }) : writeAudacityLabels(c.rows))
          result.files.push({ path: rel, kind: `${params.format}-${c.kind}`, rows: c.rows.length })
        }
      }
      hooks.onProgress?.(index + 1, recordings.length, 'recordings')
    }
    flushDeployment()
  } catch (err) {
    await annotationCsv?.abort()
    await detectionCsv?.abort()
    throw err
  }
  if (annotationCsv) {
    await annotationCsv.close()
    result.files.push({ path: 'annotations.csv', kind: 'csv-annotations', rows: result.annotations })
  }
  if (detectionCsv) {
    await detectionCsv.close()
    result.files.push({ path: 'detections.csv', kind: 'csv-detections', rows: result.detections })
  }
  return result
}

function uniqueDir(base: string): string {
  mkdirSync(dirname(base), { recursive: true })
  let dir = base
  // Two exports in the same second get their own folders.
  for (let n = 2; existsDir(dir); n++) dir = `${base}-${n}`
  return dir
}

function existsDir(path: string): boolean {
  try {
    mkdirSync(path)
    return false
  } catch (err) {
    if (err && typeof err === 'object' && 'code' in err && err.code === 'EEXIST') return true
    throw err
  }
}

function annotationRow(a: AnnotationRow, te: number): ParsedAnnotation {
  const extra: Record<string, string> = {}
  if (a.scientific_name) extra['Scientific Name'] = a.scientific_name
  if (a.common_name) extra['Common Name'] = a.common_name
  extra.Source = a.source
  if (a.note) extra.Note = a.note
  const row: ParsedAnnotation = { start: a.start_s * te, end: a.end_s * te, label: a.code, extra }
  if (a.low_hz !== null && a.high_hz !== null) {
    row.lowHz = a.low_hz / te
    row.highHz = a.high_hz / te
  }
  return row
}

function detectionRow(d: DetectionRow, te: number): ParsedAnnotation {
  const extra: Record<string, string> = { Review: d.review_state, Model: `${d.model} ${d.model_version}` }
  if (d.common_name) extra['Common Name'] = d.common_name
  return { start: d.start_s * te, end: d.end_s * te, label: d.code, score: d.score, extra }
}
