// Registering models in a project: an encoder package already in place under models/, and heads
// (written here as head packages, see analysis/head-package.ts). Both are synchronous so callers
// can put several registrations in one better-sqlite3 transaction: a checkpoint with a classifier
// registers its encoder, a label set and the head together or not at all.
import type { Database } from 'better-sqlite3'
import { existsSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { EventRule } from '../../src-shared/contracts'
import { writeHeadPackage, type HeadPackage } from '../analysis/head-package'
import { checkWindowGrid } from '../analysis/window-grid'
import { AppError } from '../errors'
import type { TrainedHead } from '../heads/trained-head'
import { DEMO_MODEL_NAME, DEMO_SEED, writeRandomModel } from '../model/demo/demo-model'
import type { ModelManifest } from '../model/package/manifest'
import { DEFAULT_EVENT_RULE, DEFAULT_HOP_S, DEFAULT_WINDOW_S, modelSlug, ModelsRepository, type EncoderConfig, type HeadConfig } from './models-repository'

export const MODELS_DIR = 'models'

/** A folder name under models/ that nothing uses yet: `<slug>-<version>`, suffixed if taken. */
export function freeModelFolder(projectDir: string, name: string, version: string): string {
  const base = `${modelSlug(name)}-${modelSlug(version)}`
  for (let i = 0; ; i++) {
    const rel = join(MODELS_DIR, i === 0 ? base : `${base}-${i + 1}`)
    if (!existsSync(join(projectDir, rel))) return rel
  }
}

export interface RegisterEncoderInput {
  name: string
  version: string
  /** The package folder, relative to the project (already written and in place). */
  folder: string
  manifest: ModelManifest
  provenance: Record<string, unknown>
  windowS?: number
  hopS?: number
  /** Default: active when the project has no active encoder yet. */
  active?: boolean
}

export function registerEncoder(db: Database, input: RegisterEncoderInput): number {
  const repo = new ModelsRepository(db)
  const m = input.manifest
  const grid = { windowS: input.windowS ?? DEFAULT_WINDOW_S, hopS: input.hopS ?? DEFAULT_HOP_S }
  checkWindowGrid(grid)
  const config: EncoderConfig = {
    dim: m.architecture.dim,
    layers: m.hiddenLayer ?? m.architecture.layers,
    heads: m.architecture.heads,
    sampleRate: 16_000,
    ...grid,
    family: m.family,
    quantization: m.quantization,
    normalization: m.normalization,
    onnxSha256: m.onnxSha256,
    pretrained: m.pretrained,
    note: m.note,
    ...(m.hiddenLayer !== undefined ? { hiddenLayer: m.hiddenLayer } : {}),
    architecture: m.architecture,
  }
  const hasActive = (db.prepare("SELECT count(*) FROM models WHERE kind = 'encoder' AND active = 1").pluck().get() as number) > 0
  const active = input.active ?? !hasActive
  return db.transaction(() => {
    if (active) db.prepare("UPDATE models SET active = 0 WHERE kind = 'encoder'").run()
    return repo.insert({
      kind: 'encoder',
      name: input.name,
      version: input.version,
      encoderId: null,
      labelSetId: null,
      files: [input.folder],
      config,
      provenance: input.provenance,
      active,
      createdAt: new Date().toISOString(),
    })
  }).immediate()
}

export interface RegisterHeadInput {
  name: string
  /** Default: the next free version of the name. */
  version?: string
  encoderId: number
  labelSetId: number
  /** The project label each class writes its detections as, in class order. */
  labelIds: readonly number[]
  head: TrainedHead
  windowS: number
  hopS: number
  /** Per class; default 0.5. */
  thresholds?: readonly number[]
  events?: EventRule
  source: Record<string, unknown>
  metrics?: Record<string, unknown>
  provenance?: Record<string, unknown>
  note?: string | null
  /** Default true: analyses and rescoring use it at once. */
  active?: boolean
}

export interface RegisteredHead {
  id: number
  version: string
  /** Folder relative to the project. */
  folder: string
}

/**
 * Writes the head package and inserts its row (one transaction, nestable). If the insert fails,
 * the folder is removed again; callers that wrap this in a larger transaction remove `folder`
 * themselves when that transaction fails.
 */
export function registerHead(db: Database, projectDir: string, input: RegisterHeadInput): RegisteredHead {
  const repo = new ModelsRepository(db)
  const encoder = repo.encoder(input.encoderId)
  const grid = { windowS: input.windowS, hopS: input.hopS }
  checkWindowGrid(grid)
  const classes = input.head.classes
  if (input.head.dim !== encoder.encoder.dim) {
    throw new AppError('MODEL_INVALID', `head "${input.name}" reads ${input.head.dim}-d embeddings; encoder ${encoder.name} ${encoder.version} makes ${encoder.encoder.dim}-d ones`)
  }
  if (input.labelIds.length !== classes) throw new AppError('INVALID_REQUEST', `${input.labelIds.length} label ids for a head with ${classes} classes`)
  const thresholds = input.thresholds ? [...input.thresholds] : new Array<number>(classes).fill(0.5)
  if (thresholds.length !== classes || thresholds.some((t) => !(t >= 0 && t <= 1))) throw new AppError('INVALID_REQUEST', `a head with ${classes} classes needs ${classes} thresholds in 0…1`)
  const labelOf = db.prepare('SELECT code FROM labels WHERE id = ? AND label_set_id = ?').pluck()
  const codes = input.labelIds.map((id) => {
    const code = labelOf.get(id, input.labelSetId) as string | undefined
    if (code === undefined) throw new AppError('INVALID_REQUEST', `label ${id} is not in label set ${input.labelSetId}`)
    return code
  })
  const events = input.events ?? DEFAULT_EVENT_RULE
  const version = input.version ?? repo.nextVersion(input.name)
  const folder = freeModelFolder(projectDir, input.name, version)
  const abs = join(projectDir, folder)
  const createdAt = new Date().toISOString()
  const pkg: HeadPackage = {
    format: 'openbeats-head-package',
    formatVersion: 1,
    name: input.name,
    head: input.head,
    labels: codes.map((code, i) => ({ code, labelId: input.labelIds[i] })),
    encoder: { id: encoder.id, name: encoder.name, version: encoder.version, onnxSha256: encoder.encoder.onnxSha256 },
    ...grid,
    thresholds,
    events,
    source: input.source,
    ...(input.metrics ? { metrics: input.metrics } : {}),
    createdAt,
  }
  const config: HeadConfig = {
    ...grid,
    labelIds: [...input.labelIds],
    labelCodes: codes,
    thresholds,
    events,
    revision: 0,
    scoredRevision: null,
    task: input.head.task,
    classes,
    dim: input.head.dim,
    pretrained: encoder.encoder.pretrained,
    note: input.note ?? (encoder.encoder.pretrained ? null : 'Trained on the embeddings of a random-weight encoder: good for trying the app, not for real detections.'),
  }
  let written = false
  try {
    return db.transaction(() => {
      writeHeadPackage(abs, pkg)
      written = true
      const id = repo.insert({
        kind: 'head',
        name: input.name,
        version,
        encoderId: encoder.id,
        labelSetId: input.labelSetId,
        files: [folder],
        config,
        metrics: input.metrics ?? {},
        provenance: { encoder: `${encoder.name} ${encoder.version}`, ...input.source, ...input.provenance },
        active: input.active ?? true,
        createdAt,
      })
      return { id, version, folder }
    }).immediate()
  } catch (err) {
    if (written) rmSync(abs, { recursive: true, force: true })
    throw err
  }
}

/** The demo encoder of this project (random weights), registered on first use. */
export async function ensureDemoEncoder(db: Database, projectDir: string, signal?: AbortSignal): Promise<number> {
  const repo = new ModelsRepository(db)
  const existing = repo.rows('encoder').find((r) => r.provenance.source === 'demo')
  if (existing) return existing.id
  const version = repo.nextVersion(DEMO_MODEL_NAME)
  const folder = freeModelFolder(projectDir, 'demo-model', version)
  const manifest = await writeRandomModel(join(projectDir, folder), { signal })
  try {
    return registerEncoder(db, {
      name: DEMO_MODEL_NAME,
      version,
      folder,
      manifest,
      provenance: { source: 'demo', generator: 'randomEncoderWeights', seed: DEMO_SEED, onnxSha256: manifest.onnxSha256, converterVersion: manifest.converterVersion },
    })
  } catch (err) {
    rmSync(join(projectDir, folder), { recursive: true, force: true })
    throw err
  }
}
