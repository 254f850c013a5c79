// Projects for the analyze benchmarks: generated WAVs imported into a fresh project with a given
// encoder package, and a synthetic "analysed season" (embedding files + rows, no audio) for
// rescoring. No vitest import: the bench runner and the RSS child process load it.
import type { Database } from 'better-sqlite3'
import { mkdirSync, openSync, closeSync, writeSync, ftruncateSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { embeddingsFile } from '../../src-main/analysis/embedding-files'
import { wavHeader } from '../../src-main/audio/wav-header'
import { openProjectDatabase } from '../../src-main/db/connection'
import { readModelPackage } from '../../src-main/model/package/read-package'
import { Prng } from '../../src-main/numeric/prng'
import { importSeason } from '../../src-main/season/import/import-season'
import { registerEncoder } from '../../src-main/services/models-register'
import { cpSync } from 'node:fs'

/** A 16-bit mono WAV of chirps over noise (every sample written). */
export function writeBusyWav(path: string, rate: number, seconds: number, seed = 1): void {
  const n = Math.round(rate * seconds)
  const data = Buffer.alloc(2 * n)
  const rng = new Prng(seed)
  let phase = 0
  for (let i = 0; i < n; i++) {
    const t = i / rate
    phase += (2 * Math.PI * (3000 + 1200 * Math.sin(2 * Math.PI * 5 * t))) / rate
    const call = t % 2.3 < 0.4 ? 0.25 : 0
    data.writeInt16LE(Math.round(32767 * (call * Math.sin(phase) + 0.01 * (rng.nextFloat() - 0.5))), 2 * i)
  }
  writeFileSync(path, Buffer.concat([wavHeader({ rate, frames: n, encoding: 'pcm16' }), data]))
}

/**
 * A long WAV that is mostly a hole in the file (zeros the disk never stores), with a one-second
 * tone burst every ten minutes: hours of high-rate audio in a few megabytes.
 */
export function writeSparseWav(path: string, rate: number, seconds: number): void {
  const frames = Math.round(rate * seconds)
  const fd = openSync(path, 'w')
  try {
    writeSync(fd, wavHeader({ rate, frames, encoding: 'pcm16' }), 0, 44, 0)
    ftruncateSync(fd, 44 + 2 * frames)
    const burst = Buffer.alloc(2 * rate)
    for (let i = 0; i < rate; i++) burst.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 4000 * i) / rate)), 2 * i)
    for (let s = 60; s + 1 < seconds; s += 600) writeSync(fd, burst, 0, burst.length, 44 + 2 * Math.round(s * rate))
  } finally {
    closeSync(fd)
  }
}

export interface BenchProject {
  dir: string
  db: Database
  encoderId: number
}

/** A project whose recordings are the files under `audioDir`, with the model package copied in as its encoder. */
export async function benchProject(dir: string, audioDir: string, modelDir: string): Promise<BenchProject> {
  mkdirSync(join(dir, 'models'), { recursive: true })
  const db = openProjectDatabase(join(dir, 'project.sqlite'), { create: true })
  await importSeason(db, { folders: [audioDir] })
  cpSync(modelDir, join(dir, 'models', 'encoder'), { recursive: true })
  const { manifest } = await readModelPackage(join(dir, 'models', 'encoder'), { verify: false })
  const encoderId = registerEncoder(db, { name: manifest.name, version: '1', folder: join('models', 'encoder'), manifest, provenance: { source: 'bench' } })
  return { dir, db, encoderId }
}

/**
 * A season as rescoring sees it, without audio: `recordings` rows of `windows` windows each, an
 * analysis of `encoderId` with 1 s / 0.5 s windows, and random `dim`-d embedding files.
 */
export function syntheticAnalysis(p: BenchProject, recordings: number, windows: number, dim: number): number {
  const { db, dir } = p
  const now = new Date().toISOString()
  const analysisId = Number(db.prepare('INSERT INTO analyses (encoder_id, window_s, hop_s, dim, created_at) VALUES (?, 1, 0.5, ?, ?)').run(p.encoderId, dim, now).lastInsertRowid)
  const insertRec = db.prepare("INSERT INTO recordings (path, fingerprint, format, size_bytes, sample_rate, channels, duration_s, imported_at) VALUES (?, ?, 'wav', 0, 16000, 1, ?, ?)")
  const insertDone = db.prepare("INSERT INTO analysed_recordings (analysis_id, recording_id, status, fingerprint, windows, audio_s, embeddings_sha256, analysed_at) VALUES (?, ?, 'done', 'f', ?, ?, 'synthetic', ?)")
  const rng = new Prng(11)
  const vectors = new Float32Array(windows * dim)
  const seconds = windows / 2 + 0.5
  db.transaction(() => {
    for (let r = 0; r < recordings; r++) {
      const id = Number(insertRec.run(`/synthetic/${r}.wav`, `f${r}`, seconds, now).lastInsertRowid)
      insertDone.run(analysisId, id, windows, seconds, now)
      for (let i = 0; i < vectors.length; i++) vectors[i] = rng.normal()
      mkdirSync(join(dir, 'embeddings', `analysis-${analysisId}`), { recursive: true })
      writeFileSync(embeddingsFile(dir, analysisId, id), Buffer.from(vectors.buffer))
    }
  })()
  return analysisId
}
