// A generated season with detections, written straight into a project database: sites →
// deployments → hourly recordings → detections with scores, labels, heads and review states.
// Deterministic (seeded), so tests can compute expected answers from the same parameters, and
// fast enough to make a million rows for the review benchmark.
import type { Database } from 'better-sqlite3'

export interface SeedShape {
  sites: number
  deploymentsPerSite: number
  recordingsPerDeployment: number
  detectionsPerRecording: number
  labels: number
  /** heads that produced detections (each detection comes from one) */
  heads: number
  /** recording length in seconds; recordings follow each other without gaps */
  recordingS?: number
  seed?: number
}

export interface SeededSeason {
  siteIds: number[]
  deploymentIds: number[]
  recordingIds: number[]
  labelIds: number[]
  encoderId: number
  headIds: number[]
  detections: number
}

/** mulberry32: tiny, fast and good enough to spread synthetic rows. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const CREATED = '2024-06-01T00:00:00.000Z'
const REVIEW_STATES = ['confirmed', 'rejected', 'uncertain'] as const

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

/** Wall time (no zone) `hours` after 2024-05-01T00:00, as written by a recorder. */
function wallTime(hours: number): string {
  const d = new Date(Date.UTC(2024, 4, 1) + hours * 3_600_000)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
}

export function seedSeason(db: Database, shape: SeedShape): SeededSeason {
  const rand = seededRandom(shape.seed ?? 1)
  const recordingS = shape.recordingS ?? 3600
  const out: SeededSeason = { siteIds: [], deploymentIds: [], recordingIds: [], labelIds: [], encoderId: 0, headIds: [], detections: 0 }
  db.transaction(() => {
    const setId = Number(db.prepare("INSERT INTO label_sets (name, created_at) VALUES ('Seeded species', ?)").run(CREATED).lastInsertRowid)
    const addLabel = db.prepare('INSERT INTO labels (label_set_id, code, scientific_name, common_name, sort_order) VALUES (?, ?, ?, ?, ?)')
    for (let i = 0; i < shape.labels; i++) {
      out.labelIds.push(Number(addLabel.run(setId, `SP${pad(i + 1, 3)}`, `Species ${i + 1}`, `Bird ${i + 1}`, i).lastInsertRowid))
    }
    // Configs as the models service keeps them (it refuses to list malformed ones).
    const encoderConfig = {
      dim: 768,
      layers: 12,
      heads: 12,
      sampleRate: 16_000,
      windowS: 1,
      hopS: 0.5,
      family: 'openbeats',
      quantization: 'none',
      normalization: { mean: 0, std: 1 },
      onnxSha256: '0'.repeat(64),
      pretrained: false,
      note: 'Random weights: a stand-in encoder with no pretrained knowledge.',
    }
    out.encoderId = Number(
      db.prepare("INSERT INTO models (kind, name, version, config, active, created_at) VALUES ('encoder', 'Seed encoder', '1', ?, 1, ?)").run(JSON.stringify(encoderConfig), CREATED).lastInsertRowid,
    )
    const codes = out.labelIds.map((_, i) => `SP${pad(i + 1, 3)}`)
    const headConfig = {
      windowS: 1,
      hopS: 0.5,
      labelIds: out.labelIds,
      labelCodes: codes,
      thresholds: out.labelIds.map(() => 0.5),
      events: { maxGap: 0, minDuration: 0, score: 'max' },
      revision: 0,
      scoredRevision: 0,
      task: 'multi-label',
      classes: out.labelIds.length,
      dim: 768,
      pretrained: false,
      note: null,
    }
    const addHead = db.prepare("INSERT INTO models (kind, name, version, encoder_id, label_set_id, config, metrics, active, created_at) VALUES ('head', ?, '1', ?, ?, ?, ?, 1, ?)")
    for (let h = 0; h < shape.heads; h++) {
      const metrics = { mAP: 0.8 + h / 100, macroF1: 0.7 + h / 100 }
      out.headIds.push(Number(addHead.run(`Head ${h + 1}`, out.encoderId, setId, JSON.stringify(headConfig), JSON.stringify(metrics), CREATED).lastInsertRowid))
    }

    const addSite = db.prepare('INSERT INTO sites (name, created_at) VALUES (?, ?)')
    const addDeployment = db.prepare('INSERT INTO deployments (site_id, name, created_at) VALUES (?, ?, ?)')
    const addRecording = db.prepare(
      `INSERT INTO recordings (deployment_id, path, file_name, fingerprint, format, size_bytes, sample_rate, channels, duration_s, start_time, start_local_ms, start_utc_ms, imported_at)
       VALUES (?, ?, ?, ?, 'wav', 1000, 48000, 1, ?, ?, ?, ?, ?)`,
    )
    for (let s = 0; s < shape.sites; s++) {
      const siteId = Number(addSite.run(`Site ${pad(s + 1)}`, CREATED).lastInsertRowid)
      out.siteIds.push(siteId)
      for (let d = 0; d < shape.deploymentsPerSite; d++) {
        const depId = Number(addDeployment.run(siteId, `Deployment ${d + 1}`, CREATED).lastInsertRowid)
        out.deploymentIds.push(depId)
        for (let r = 0; r < shape.recordingsPerDeployment; r++) {
          const hours = d * 24 * 7 + (r * recordingS) / 3600
          const localMs = Date.UTC(2024, 4, 1) + hours * 3_600_000
          // Odd deployments state their zone (UTC+2), even ones do not.
          const zoned = d % 2 === 1
          const start = wallTime(hours) + (zoned ? '+02:00' : '')
          const fileName = `${wallTime(hours).replace(/[-:]/g, '').replace('T', '_')}.WAV`
          const path = `/season/site-${pad(s + 1)}/dep-${d + 1}/${fileName}`
          const id = addRecording.run(depId, path, fileName, `fp-${s}-${d}-${r}`, recordingS, start, localMs, zoned ? localMs - 2 * 3_600_000 : null, CREATED).lastInsertRowid
          out.recordingIds.push(Number(id))
        }
      }
    }

    const addDetection = db.prepare(
      'INSERT INTO detections (model_id, recording_id, label_id, start_s, end_s, score, review_state, reviewed_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    )
    for (const recordingId of out.recordingIds) {
      for (let i = 0; i < shape.detectionsPerRecording; i++) {
        const start = Math.floor(rand() * (recordingS - 3) * 10) / 10
        const label = out.labelIds[Math.floor(rand() * out.labelIds.length)]
        const head = out.headIds[Math.floor(rand() * out.headIds.length)]
        // Scores as a detector gives them: many near the threshold, few very confident.
        const score = Math.round((0.5 + 0.5 * rand() * rand()) * 10_000) / 10_000
        const reviewed = rand() < 0.1
        const state = reviewed ? REVIEW_STATES[Math.floor(rand() * 3)] : 'unreviewed'
        addDetection.run(head, recordingId, label, start, start + 3, score, state, reviewed ? CREATED : null, CREATED)
        out.detections += 1
      }
    }
  })()
  return out
}
