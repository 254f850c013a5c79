// A project whose window embeddings are made up rather than computed: sites, deployments and
// recordings rows, one analysis, and embedding files in which every window is noise plus the
// centre of each species whose call it overlaps (weighted by how much of the window the call
// covers). Ground truth is known, nothing is decoded and no encoder runs, so training-set, head,
// queue, search and package tests take milliseconds to set up. Deterministic for a seed.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { wavHeader } from '../../src-main/audio/wav-header'
import type { SqliteDatabase } from '../../src-main/db/connection'
import { openProjectDatabase } from '../../src-main/db/connection'
import { projectDbPath } from '../../src-main/db/project-layout'
import { ProjectMetaRepository } from '../../src-main/db/project-meta-repository'
import { AnalysisRepository } from '../../src-main/analysis/analysis-repository'
import { EmbeddingFileWriter, embeddingsFile } from '../../src-main/analysis/embedding-files'
import { windowTimes } from '../../src-main/analysis/window-grid'
import { Prng } from '../../src-main/numeric/prng'
import { AnnotationsRepository } from '../../src-main/services/annotations-repository'
import { LabelsRepository } from '../../src-main/services/labels-repository'
import { ensureDemoEncoder } from '../../src-main/services/models-register'
import { ModelsRepository } from '../../src-main/services/models-repository'

export interface SyntheticCall {
  species: string
  startS: number
  endS: number
}

export interface SyntheticRecording {
  id: number
  site: number
  day: number
  durationS: number
  calls: SyntheticCall[]
}

export interface SyntheticOptions {
  sites?: number
  recordingsPerSite?: number
  recordingS?: number
  species?: readonly string[]
  callsPerRecording?: number
  /** Standard deviation of the noise around the species centres (centres have norm ≈ √dim). */
  noise?: number
  seed?: number
  /** 'fake': an encoder row only (any dim); 'demo': the real demo model package (dim 192). */
  encoder?: 'fake' | 'demo'
  dim?: number
  /** Encoder weights identity of a fake encoder (two projects share it to exchange heads). */
  onnxSha256?: string
  /** Which recordings get their calls as manual annotations (default: all). */
  annotate?: (r: SyntheticRecording, index: number) => boolean
  /** Also write a 16 kHz WAV per recording (for views that play audio). */
  writeAudio?: boolean
  windowS?: number
  hopS?: number
}

export interface SyntheticProject {
  dir: string
  db: SqliteDatabase
  encoderId: number
  analysisId: number
  labelSetId: number
  /** Label id by species code. */
  labels: Map<string, number>
  recordings: SyntheticRecording[]
  dim: number
  windowS: number
  hopS: number
  close(): void
}

export const FAKE_ONNX_SHA = 'a'.repeat(64)
const CREATED = '2024-05-01T00:00:00.000Z'

function silentWav(seconds: number, rng: Prng): Buffer {
  const rate = 16_000
  const n = Math.round(seconds * rate)
  const data = Buffer.alloc(n * 2)
  for (let i = 0; i < n; i++) data.writeInt16LE(Math.round((rng.nextFloat() - 0.5) * 600), i * 2)
  return Buffer.concat([wavHeader({ rate, frames: n, encoding: 'pcm16' }), data])
}

export async function syntheticProject(dir: string, o: SyntheticOptions = {}): Promise<SyntheticProject> {
  const sites = o.sites ?? 2
  const perSite = o.recordingsPerSite ?? 4
  const durationS = o.recordingS ?? 30
  const species = o.species ?? ['AAA', 'BBB', 'CCC']
  const callsPer = o.callsPerRecording ?? 4
  const noise = o.noise ?? 0.6
  const seed = o.seed ?? 7
  const windowS = o.windowS ?? 1
  const hopS = o.hopS ?? 0.5
  mkdirSync(dir, { recursive: true })
  const db = openProjectDatabase(projectDbPath(dir), { create: true })
  const meta = new ProjectMetaRepository(db)
  meta.set('name', 'Synthetic season')
  meta.set('created_at', CREATED)
  meta.set('created_by_version', 'test')
  for (const sub of ['models', 'cache', 'exports']) mkdirSync(join(dir, sub), { recursive: true })

  let encoderId: number
  let dim: number
  if (o.encoder === 'demo') {
    encoderId = await ensureDemoEncoder(db, dir)
    dim = new ModelsRepository(db).encoder(encoderId).encoder.dim
  } else {
    dim = o.dim ?? 32
    encoderId = new ModelsRepository(db).insert({
      kind: 'encoder',
      name: 'Synthetic encoder',
      version: '1',
      encoderId: null,
      labelSetId: null,
      files: ['models/synthetic-encoder-1'],
      config: { dim, layers: 1, sampleRate: 16_000, windowS, hopS, family: 'random', quantization: 'none', normalization: { mean: 0, std: 1 }, onnxSha256: o.onnxSha256 ?? FAKE_ONNX_SHA, pretrained: true, note: null },
      provenance: { source: 'test' },
      active: true,
      createdAt: CREATED,
    })
  }

  const labelsRepo = new LabelsRepository(db)
  const set = labelsRepo.createSet('Synthetic species')
  const labels = new Map(species.map((code) => [code, labelsRepo.upsertLabel(set.id, code, { commonName: `${code} bird` }).label.id]))

  const rng = new Prng(seed)
  const centres = species.map(() => Float32Array.from({ length: dim }, () => rng.normal()))
  const siteOffsets = Array.from({ length: sites }, () => Float32Array.from({ length: dim }, () => 0.2 * rng.normal()))
  const analyses = new AnalysisRepository(db)
  const analysis = analyses.findOrCreate(encoderId, { windowS, hopS }, dim, { synthetic: true })
  const annotations = new AnnotationsRepository(db)
  const recordings: SyntheticRecording[] = []
  const audioDir = join(dir, '..', `${'audio'}-${seed}`)
  db.transaction(() => {
    for (let s = 0; s < sites; s++) {
      const siteId = Number(db.prepare('INSERT INTO sites (name, created_at) VALUES (?, ?)').run(`Site ${s + 1}`, CREATED).lastInsertRowid)
      const deploymentId = Number(db.prepare('INSERT INTO deployments (site_id, name, created_at) VALUES (?, ?, ?)').run(siteId, `Recorder ${s + 1}`, CREATED).lastInsertRowid)
      for (let i = 0; i < perSite; i++) {
        const day = i % 2
        const startLocal = Date.UTC(2024, 4, 14 + day, 5, 0, 0) + Math.floor(i / 2) * 3_600_000
        const fileName = `S${s + 1}_${String(i).padStart(3, '0')}.wav`
        const path = o.writeAudio ? join(audioDir, fileName) : `/synthetic/${seed}/${fileName}`
        const id = Number(
          db
            .prepare(
              `INSERT INTO recordings (deployment_id, path, fingerprint, format, size_bytes, sample_rate, channels, duration_s, start_time, status, imported_at, file_name, start_local_ms)
               VALUES (?, ?, ?, 'wav', ?, 16000, 1, ?, ?, 'ok', ?, ?, ?)`,
            )
            .run(deploymentId, path, `fp-${seed}-${s}-${i}`, Math.round(durationS * 32_000) + 44, durationS, new Date(startLocal).toISOString().slice(0, 19), CREATED, fileName, startLocal).lastInsertRowid,
        )
        const calls: SyntheticCall[] = []
        for (let c = 0; c < callsPer * 20 && calls.length < callsPer; c++) {
          const sp = species[(s + i + calls.length) % species.length]
          const len = 0.4 + 0.8 * rng.nextFloat()
          const start = Math.round((0.5 + rng.nextFloat() * (durationS - len - 1)) * 1000) / 1000
          const end = Math.round((start + len) * 1000) / 1000
          if (calls.some((x) => start < x.endS + 1.2 && x.startS < end + 1.2)) continue
          calls.push({ species: sp, startS: start, endS: end })
        }
        calls.sort((a, b) => a.startS - b.startS)
        recordings.push({ id, site: s, day, durationS, calls })
        if (o.writeAudio) {
          mkdirSync(audioDir, { recursive: true })
          writeFileSync(path, silentWav(durationS, rng))
        }
      }
    }
  })()

  for (const rec of recordings) {
    const windows = Math.floor((rec.durationS - windowS) / hopS + 1e-9) + 1
    const t = windowTimes({ windowS, hopS }, windows, rec.durationS)
    const writer = new EmbeddingFileWriter(embeddingsFile(dir, analysis.id, rec.id), dim)
    const v = new Float32Array(dim)
    for (let w = 0; w < windows; w++) {
      for (let d = 0; d < dim; d++) v[d] = noise * rng.normal() + siteOffsets[rec.site][d]
      for (const c of rec.calls) {
        const overlap = Math.min(t.end[w], c.endS) - Math.max(t.start[w], c.startS)
        if (overlap <= 0) continue
        const weight = Math.min(1, overlap / Math.min(c.endS - c.startS, t.end[w] - t.start[w]))
        const centre = centres[species.indexOf(c.species)]
        for (let d = 0; d < dim; d++) v[d] += weight * centre[d]
      }
      writer.append(v)
    }
    const sha = writer.commit()
    const fingerprint = db.prepare('SELECT fingerprint FROM recordings WHERE id = ?').pluck().get(rec.id) as string
    analyses.markDone({ analysisId: analysis.id, recordingId: rec.id, fingerprint, windows, audioS: rec.durationS, sha256: sha, jobId: null })
  }

  const annotate = o.annotate ?? (() => true)
  db.transaction(() => {
    recordings.forEach((rec, index) => {
      if (!annotate(rec, index)) return
      for (const c of rec.calls) {
        annotations.create({ recordingId: rec.id, labelId: labels.get(c.species) as number, startS: c.startS, endS: c.endS, lowHz: null, highHz: null, source: 'manual', author: 'test', modelId: null, note: null })
      }
    })
  })()

  return { dir, db, encoderId, analysisId: analysis.id, labelSetId: set.id, labels, recordings, dim, windowS, hopS, close: () => db.close() }
}
