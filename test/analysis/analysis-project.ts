// A small project for the analysis tests: a few generated recordings (the demo season's
// generator), imported with the season importer, the demo encoder, and optionally a random linear
// head over two labels. Everything lives in a temp dir; `cleanup` removes it.
import type { Database } from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { openProjectDatabase } from '../../src-main/db/connection'
import { generateDemoSeason } from '../../src-main/demo/demo-season'
import { encodeF32, type TrainedHead } from '../../src-main/heads/trained-head'
import { Prng } from '../../src-main/numeric/prng'
import { importSeason } from '../../src-main/season/import/import-season'
import { LabelsRepository } from '../../src-main/services/labels-repository'
import { ensureDemoEncoder, registerHead } from '../../src-main/services/models-register'
import { ModelsRepository } from '../../src-main/services/models-repository'
import { tempDir } from '../helpers/main-services'

export interface AnalysisProject {
  dir: string
  db: Database
  encoderId: number
  recordings: { id: number; path: string }[]
  /** The folder the recordings were imported from. */
  season: string
  cleanup(): void
}

/** A linear head with seeded random weights (standard deviation `scale`) over `dim`-d embeddings. */
export function randomLinearHead(dim: number, classes: number, seed: number, scale = 3): TrainedHead {
  const rng = new Prng(seed)
  const w = Float32Array.from({ length: dim * classes }, () => rng.normal() * scale)
  return {
    format: 'openbeats-head',
    version: 1,
    kind: 'linear',
    task: 'multi-label',
    dim,
    classes,
    inputMean: encodeF32(new Float32Array(dim)),
    inputStd: encodeF32(new Float32Array(dim).fill(1)),
    layers: [{ inputs: dim, outputs: classes, weights: encodeF32(w), bias: encodeF32(new Float32Array(classes)) }],
  }
}

export async function analysisProject(opts: { files?: number; seconds?: number; seed?: number } = {}): Promise<AnalysisProject> {
  const t = tempDir('obs-analysis-')
  const dir = join(t.path, 'project')
  mkdirSync(join(dir, 'models'), { recursive: true })
  const db = openProjectDatabase(join(dir, 'project.sqlite'), { create: true })
  const files = opts.files ?? 2
  const seconds = opts.seconds ?? 10
  // One site over the generator's two days: files split between them.
  const season = join(t.path, 'season')
  generateDemoSeason(season, { hours: (files * seconds) / 3600, sites: 1, fileSeconds: seconds, seed: opts.seed ?? 5, sampleRate: 16_000 })
  await importSeason(db, { folders: [season] })
  const encoderId = await ensureDemoEncoder(db, dir)
  const recordings = db.prepare('SELECT id, path FROM recordings ORDER BY id').all() as { id: number; path: string }[]
  return {
    dir,
    db,
    encoderId,
    recordings,
    season,
    cleanup() {
      db.close()
      t.cleanup()
    },
  }
}

/** Registers a random two-label head ("A", "B") for the project's encoder; returns its id. */
export function addRandomHead(p: Pick<AnalysisProject, 'db' | 'dir' | 'encoderId'>, opts: { seed?: number; windowS?: number; hopS?: number; thresholds?: number[]; name?: string; scale?: number } = {}): { headId: number; labelIds: number[] } {
  const labels = new LabelsRepository(p.db)
  const set = labels.setNamed('Test labels').set
  const labelIds = ['A', 'B'].map((code) => labels.upsertLabel(set.id, code, {}).label.id)
  const dim = new ModelsRepository(p.db).encoder(p.encoderId).encoder.dim
  const { id } = registerHead(p.db, p.dir, {
    name: opts.name ?? 'Random head',
    encoderId: p.encoderId,
    labelSetId: set.id,
    labelIds,
    head: randomLinearHead(dim, 2, opts.seed ?? 3, opts.scale),
    windowS: opts.windowS ?? 1,
    hopS: opts.hopS ?? 0.5,
    thresholds: opts.thresholds ?? [0.8, 0.6],
    source: { source: 'test' },
  })
  return { headId: id, labelIds }
}
