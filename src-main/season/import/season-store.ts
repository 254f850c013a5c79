// The import's writes: one probed file at a time into recordings, finding or creating its site and
// deployment, inside the caller's batch transaction (prepared statements, no per-file fsync).
// Decisions per file, which make re-import idempotent:
//   same path, same fingerprint, status and time expansion  → unchanged
//   same path, anything else changed                         → updated in place (id and annotations kept)
//   new path, a known fingerprint whose file is gone         → moved (the row follows the file)
//   new path, a known fingerprint whose file still exists    → a duplicate: imported, with a warning
//   new path, unknown fingerprint                            → imported (or quarantined)
import { existsSync } from 'node:fs'
import { basename, dirname, extname, sep } from 'node:path'
import type { Database, Statement } from 'better-sqlite3'
import type { RecordingMetadata } from '../metadata/merge'
import { addSeconds, formatRecordedTime, formatUtcOffset, localClockMs, parseTimestamp } from '../metadata/timestamp'
import { placeRecording } from './placement'
import type { ProbedRecording, QuarantinedFile } from './probe-recording'

type FileOutcome = 'imported' | 'updated' | 'unchanged' | 'moved' | 'duplicate' | 'quarantined'

export interface StoredFile {
  outcome: FileOutcome
  recordingId: number
  durationS: number
}

interface RecordingColumns {
  deployment_id: number | null
  path: string
  fingerprint: string
  format: string
  size_bytes: number
  sample_rate: number | null
  channels: number | null
  duration_s: number | null
  start_time: string | null
  metadata: string
  status: 'ok' | 'quarantined'
  status_reason: string | null
  status_code: string | null
  imported_at: string
  file_name: string
  time_expansion: number
  start_utc_ms: number | null
  start_local_ms: number | null
  conflicts: string
  warnings: string
  has_conflicts: number
}

interface ExistingRow {
  id: number
  path: string
  fingerprint: string
  status: string
  time_expansion: number
  deployment_id: number | null
}

const COLUMNS = [
  'deployment_id', 'path', 'fingerprint', 'format', 'size_bytes', 'sample_rate', 'channels', 'duration_s', 'start_time', 'metadata', 'status',
  'status_reason', 'status_code', 'imported_at', 'file_name', 'time_expansion', 'start_utc_ms', 'start_local_ms', 'conflicts', 'warnings', 'has_conflicts',
] as const satisfies readonly (keyof RecordingColumns)[]

/** Columns rewritten when a known row is re-read (its deployment and id stay). */
const CONTENT_COLUMNS = COLUMNS.filter((c) => c !== 'deployment_id' && c !== 'imported_at')

export class SeasonStore {
  private readonly byPath: Statement<[string], ExistingRow>
  private readonly byFingerprint: Statement<[string, string], ExistingRow>
  private readonly insert: Statement<RecordingColumns>
  private readonly updateContent: Statement<RecordingColumns & { id: number }>
  private readonly siteByKey: Statement<[string], { id: number }>
  private readonly siteByName: Statement<[string], { id: number; inference_key: string | null }>
  private readonly insertSite: Statement<[string, string, string]>
  private readonly setSiteKey: Statement<[string, number]>
  private readonly setSiteLocation: Statement<[number, number, number]>
  private readonly deploymentByKey: Statement<[string], { id: number }>
  private readonly deploymentByName: Statement<[number, string], { id: number; recorder_serial: string | null; inference_key: string | null }>
  private readonly insertDeployment: Statement<[number, string, string | null, string | null, string | null, string, string]>
  private readonly fillRecorder: Statement<[string | null, string | null, string | null, number]>
  private readonly spanStart: Statement<[number], { start_time: string }>
  private readonly spanEnd: Statement<[number], { start_time: string; duration_s: number }>
  private readonly setSpan: Statement<[string | null, string | null, number]>
  private readonly deploymentInFolder: Statement<[string, string], { deployment_id: number }>

  private readonly sites = new Map<string, number>()
  private readonly deployments = new Map<string, number>()
  private readonly locatedSites = new Set<number>()
  private readonly filledDeployments = new Set<number>()
  /** Deployments whose start/end need recomputing at the end of the batch. */
  private readonly touched = new Set<number>()
  sitesCreated = 0
  deploymentsCreated = 0

  constructor(private readonly db: Database) {
    this.byPath = db.prepare('SELECT id, path, fingerprint, status, time_expansion, deployment_id FROM recordings WHERE path = ?')
    this.byFingerprint = db.prepare('SELECT id, path, fingerprint, status, time_expansion, deployment_id FROM recordings WHERE fingerprint = ? AND path <> ? ORDER BY id')
    this.insert = db.prepare(`INSERT INTO recordings (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map((c) => '@' + c).join(', ')})`)
    this.updateContent = db.prepare(`UPDATE recordings SET ${CONTENT_COLUMNS.map((c) => `${c} = @${c}`).join(', ')} WHERE id = @id`)
    this.siteByKey = db.prepare('SELECT id FROM sites WHERE inference_key = ?')
    this.siteByName = db.prepare('SELECT id, inference_key FROM sites WHERE name = ?')
    this.insertSite = db.prepare('INSERT INTO sites (name, inference_key, created_at) VALUES (?, ?, ?)')
    this.setSiteKey = db.prepare('UPDATE sites SET inference_key = ? WHERE id = ? AND inference_key IS NULL')
    this.setSiteLocation = db.prepare('UPDATE sites SET latitude = ?, longitude = ? WHERE id = ? AND latitude IS NULL AND longitude IS NULL')
    this.deploymentByKey = db.prepare('SELECT id FROM deployments WHERE inference_key = ?')
    this.deploymentByName = db.prepare('SELECT id, recorder_serial, inference_key FROM deployments WHERE site_id = ? AND name = ?')
    this.insertDeployment = db.prepare('INSERT INTO deployments (site_id, name, recorder_model, recorder_serial, timezone, inference_key, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    this.fillRecorder = db.prepare('UPDATE deployments SET recorder_model = coalesce(recorder_model, ?), recorder_serial = coalesce(recorder_serial, ?), timezone = coalesce(timezone, ?) WHERE id = ?')
    this.spanStart = db.prepare("SELECT start_time FROM recordings WHERE deployment_id = ? AND status <> 'quarantined' AND start_local_ms IS NOT NULL ORDER BY start_local_ms LIMIT 1")
    this.spanEnd = db.prepare("SELECT start_time, duration_s FROM recordings WHERE deployment_id = ? AND status <> 'quarantined' AND start_local_ms IS NOT NULL ORDER BY start_local_ms + duration_s * 1000 DESC LIMIT 1")
    this.setSpan = db.prepare('UPDATE deployments SET started_at = ?, ended_at = ? WHERE id = ?')
    this.deploymentInFolder = db.prepare(`SELECT DISTINCT r.deployment_id FROM recordings r JOIN deployments d ON d.id = r.deployment_id
      WHERE r.path > ? AND r.path < ? AND d.recorder_serial IS NOT NULL LIMIT 2`)
  }

  /** Writes one file; call inside a transaction. */
  store(root: string, file: ProbedRecording | QuarantinedFile, now: string): StoredFile {
    const columns = file.kind === 'recording' ? recordingColumns(file, now) : quarantineColumns(file, now)
    const durationS = columns.duration_s ?? 0
    const existing = this.byPath.get(file.path)
    if (existing) {
      if (existing.deployment_id !== null) this.touched.add(existing.deployment_id)
      const same = existing.fingerprint === columns.fingerprint && existing.status === columns.status && existing.time_expansion === columns.time_expansion
      if (same) return { outcome: 'unchanged', recordingId: existing.id, durationS }
      this.updateContent.run({ ...columns, id: existing.id })
      return { outcome: file.kind === 'quarantined' && existing.status !== 'quarantined' ? 'quarantined' : 'updated', recordingId: existing.id, durationS }
    }

    // Broken files share fingerprints too easily (every empty file has the same): never "moved".
    const twins = file.kind === 'recording' ? this.byFingerprint.all(columns.fingerprint, file.path) : []
    const gone = twins.find((t) => !existsSync(t.path))
    if (gone) {
      this.updateContent.run({ ...columns, id: gone.id })
      if (gone.deployment_id !== null) this.touched.add(gone.deployment_id)
      return { outcome: 'moved', recordingId: gone.id, durationS }
    }

    const deploymentId = this.deploymentFor(root, file)
    if (twins.length > 0) {
      const warnings = JSON.parse(columns.warnings) as string[]
      warnings.push(`same content as recording ${twins[0].id} (${twins[0].path}); imported as a separate recording`)
      columns.warnings = JSON.stringify(warnings)
    }
    const id = Number(this.insert.run({ ...columns, deployment_id: deploymentId }).lastInsertRowid)
    this.touched.add(deploymentId)
    const outcome: FileOutcome = file.kind === 'quarantined' ? 'quarantined' : twins.length > 0 ? 'duplicate' : 'imported'
    return { outcome, recordingId: id, durationS }
  }

  /** Recomputes start/end of the deployments this batch touched; call inside the transaction. */
  refreshDeploymentSpans(): void {
    for (const id of this.touched) {
      const first = this.spanStart.get(id)
      const last = this.spanEnd.get(id)
      const lastStart = last ? parseTimestamp(last.start_time) : undefined
      this.setSpan.run(first?.start_time ?? null, last && lastStart ? formatRecordedTime(addSeconds(lastStart, last.duration_s)) : null, id)
    }
    this.touched.clear()
  }

  private deploymentFor(root: string, file: ProbedRecording | QuarantinedFile): number {
    const m = file.kind === 'recording' ? file.metadata : undefined
    const place = placeRecording(root, file.path, m?.serial)
    // A file that names no recorder (a broken one, say) in a folder whose recordings all went to one
    // recorder's deployment belongs with them, not in a deployment of its own.
    if (!m?.serial && place.byFolderOnly) {
      const sibling = this.siblingDeployment(dirname(file.path))
      if (sibling !== undefined) return sibling
    }
    const siteId = this.siteFor(place.site)
    if (m?.latitude !== undefined && m.longitude !== undefined && !this.locatedSites.has(siteId)) {
      this.setSiteLocation.run(m.latitude, m.longitude, siteId)
      this.locatedSites.add(siteId)
    }
    const key = `${place.site}\u001f${place.deployment}`
    let id = this.deployments.get(key)
    if (id === undefined) {
      id = this.deploymentByKey.get(key)?.id
      if (id === undefined) {
        const byName = this.deploymentByName.get(siteId, place.deployment)
        // A folder-named deployment is found again by name unless it is another recorder's.
        const compatible = byName && (!m?.serial || byName.recorder_serial === null || byName.recorder_serial.toLowerCase() === m.serial.toLowerCase())
        id = byName && compatible ? byName.id : this.createDeployment(siteId, place.deployment, key, m)
      }
      this.deployments.set(key, id)
    }
    if (m && !this.filledDeployments.has(id) && (m.serial || m.model)) {
      this.fillRecorder.run(m.model ?? null, m.serial ?? null, zoneOf(m), id)
      this.filledDeployments.add(id)
    }
    return id
  }

  private siblingDeployment(folder: string): number | undefined {
    const from = folder + sep
    // Every path below the folder sorts between "folder/" and "folder0" ('0' follows '/').
    const to = folder + String.fromCharCode(sep.charCodeAt(0) + 1)
    const found = this.deploymentInFolder.all(from, to)
    return found.length === 1 ? found[0].deployment_id : undefined
  }

  private createDeployment(siteId: number, name: string, key: string, m: RecordingMetadata | undefined): number {
    let unique = name
    for (let n = 2; this.deploymentByName.get(siteId, unique); n++) unique = `${name} (${n})`
    this.deploymentsCreated += 1
    return Number(this.insertDeployment.run(siteId, unique, m?.model ?? null, m?.serial ?? null, m ? zoneOf(m) : null, key, new Date().toISOString()).lastInsertRowid)
  }

  private siteFor(name: string): number {
    let id = this.sites.get(name)
    if (id !== undefined) return id
    id = this.siteByKey.get(name)?.id
    if (id === undefined) {
      const byName = this.siteByName.get(name)
      if (byName) {
        id = byName.id
        this.setSiteKey.run(name, id)
      } else {
        id = Number(this.insertSite.run(name, name, new Date().toISOString()).lastInsertRowid)
        this.sitesCreated += 1
      }
    }
    this.sites.set(name, id)
    return id
  }
}

function zoneOf(m: RecordingMetadata): string | null {
  const t = m.startTime === undefined ? undefined : parseTimestamp(m.startTime)
  return t?.utcOffsetMinutes === undefined ? null : `UTC${formatUtcOffset(t.utcOffsetMinutes) === 'Z' ? '' : formatUtcOffset(t.utcOffsetMinutes)}`
}

function recordingColumns(file: ProbedRecording, now: string): RecordingColumns {
  const { info, metadata } = file
  const { conflicts, warnings: _warnings, ...facts } = metadata
  const start = metadata.startTime === undefined ? undefined : parseTimestamp(metadata.startTime)
  const stored = {
    ...facts,
    audio: { container: info.container, codec: info.codec, headerSampleRate: info.sampleRate, frames: info.frames, headerDurationS: info.durationSeconds, ...(info.bitsPerSample ? { bitsPerSample: info.bitsPerSample } : {}) },
  }
  return {
    deployment_id: null,
    path: file.path,
    fingerprint: file.fingerprint,
    format: info.container,
    size_bytes: file.size,
    sample_rate: info.sampleRate,
    channels: info.channels,
    duration_s: file.durationS,
    start_time: metadata.startTime ?? null,
    metadata: JSON.stringify(stored),
    status: 'ok',
    status_reason: null,
    status_code: null,
    imported_at: now,
    file_name: basename(file.path),
    time_expansion: file.timeExpansion,
    start_utc_ms: metadata.startEpochMs === undefined ? null : Math.round(metadata.startEpochMs),
    start_local_ms: start ? Math.round(localClockMs(start)) : null,
    conflicts: JSON.stringify(conflicts),
    warnings: JSON.stringify(file.warnings),
    has_conflicts: conflicts.length > 0 ? 1 : 0,
  }
}

function quarantineColumns(file: QuarantinedFile, now: string): RecordingColumns {
  return {
    deployment_id: null,
    path: file.path,
    fingerprint: file.fingerprint,
    format: extname(file.path).slice(1).toLowerCase() || 'unknown',
    size_bytes: file.size,
    sample_rate: null,
    channels: null,
    duration_s: null,
    start_time: null,
    metadata: '{}',
    status: 'quarantined',
    status_reason: file.reason,
    status_code: file.code,
    imported_at: now,
    file_name: basename(file.path),
    time_expansion: 1,
    start_utc_ms: null,
    start_local_ms: null,
    conflicts: '[]',
    warnings: '[]',
    has_conflicts: 0,
  }
}
