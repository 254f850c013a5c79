// The `models` table: encoders (model packages) and classifier heads (head packages), with the
// JSON columns parsed on every read. An encoder's config says how to feed it and which windows it
// analyses by default; a head's config holds its current scoring settings (thresholds, event
// rule, the windows it reads) and which revision of them its detections were computed with.
import type { Database } from 'better-sqlite3'
import { join } from 'node:path'
import { z } from 'zod'
import { EventRule, type HeadScoring, type ModelSummary } from '../../src-shared/contracts'
import { AppError } from '../errors'

/** Windows an encoder analyses when the user gives none: 1 s windows every 0.5 s. */
export const DEFAULT_WINDOW_S = 1
export const DEFAULT_HOP_S = 0.5

/** What analyses need to know about an encoder, kept beside its package. */
export const EncoderConfig = z.object({
  dim: z.number().int().positive(),
  layers: z.number().int().positive(),
  heads: z.number().int().positive().optional(),
  sampleRate: z.literal(16_000),
  windowS: z.number().positive(),
  hopS: z.number().positive(),
  family: z.string(),
  quantization: z.enum(['none', 'int8']),
  normalization: z.object({ mean: z.number(), std: z.number().positive() }),
  onnxSha256: z.string(),
  pretrained: z.boolean(),
  note: z.string().nullable(),
  hiddenLayer: z.number().int().nonnegative().optional(),
}).passthrough()
export type EncoderConfig = z.infer<typeof EncoderConfig>

export const HeadConfig = z.object({
  windowS: z.number().positive(),
  hopS: z.number().positive(),
  labelIds: z.array(z.number().int().positive()).min(1),
  labelCodes: z.array(z.string()).min(1),
  thresholds: z.array(z.number().min(0).max(1)).min(1),
  events: EventRule,
  revision: z.number().int().min(0),
  /** The revision its detections were last computed with everywhere; null: never, or stale. */
  scoredRevision: z.number().int().min(0).nullable(),
  task: z.enum(['multi-label', 'multi-class']),
  classes: z.number().int().positive(),
  dim: z.number().int().positive(),
  pretrained: z.boolean(),
  note: z.string().nullable(),
}).passthrough()
export type HeadConfig = z.infer<typeof HeadConfig>

export const DEFAULT_EVENT_RULE: EventRule = { maxGap: 0, minDuration: 0, score: 'max' }

interface RawModelRow {
  id: number
  kind: 'encoder' | 'head'
  name: string
  version: string
  encoder_id: number | null
  label_set_id: number | null
  files: string
  config: string
  metrics: string
  provenance: string
  active: number
  created_at: string
}

export interface ModelRow {
  id: number
  kind: 'encoder' | 'head'
  name: string
  version: string
  encoderId: number | null
  labelSetId: number | null
  /** Folders relative to the project, e.g. ["models/demo-model-1"]. */
  files: string[]
  config: Record<string, unknown>
  metrics: Record<string, unknown>
  provenance: Record<string, unknown>
  active: boolean
  createdAt: string
}

export interface EncoderRecord extends ModelRow {
  kind: 'encoder'
  encoder: EncoderConfig
}

export interface HeadRecord extends ModelRow {
  kind: 'head'
  head: HeadConfig
}

/** A row to insert: no id yet, and metrics may come later. */
export type NewModel = Omit<ModelRow, 'id' | 'metrics'> & Partial<Pick<ModelRow, 'metrics'>>

const Json = z.record(z.string(), z.unknown())
const Files = z.array(z.string())

function parseJson<T>(schema: z.ZodType<T>, text: string, what: string): T {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    throw new AppError('MODEL_INVALID', `${what} is not valid JSON`)
  }
  const parsed = schema.safeParse(value)
  if (!parsed.success) throw new AppError('MODEL_INVALID', `${what} is malformed: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).slice(0, 3).join('; ')}`)
  return parsed.data
}

function toRow(r: RawModelRow): ModelRow {
  const what = `model ${r.id}`
  return {
    id: r.id,
    kind: r.kind,
    name: r.name,
    version: r.version,
    encoderId: r.encoder_id,
    labelSetId: r.label_set_id,
    files: parseJson(Files, r.files, `${what} files`),
    config: parseJson(Json, r.config, `${what} config`),
    metrics: parseJson(Json, r.metrics, `${what} metrics`),
    provenance: parseJson(Json, r.provenance, `${what} provenance`),
    active: r.active === 1,
    createdAt: r.created_at,
  }
}

/** Lowercase ASCII letters, digits and dashes: safe in a folder name on every platform. */
export function modelSlug(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[^\x20-\x7e]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48)
    .replace(/-+$/, '')
  return slug || 'model'
}

export class ModelsRepository {
  constructor(private readonly db: Database) {}

  row(id: number): ModelRow {
    const r = this.db.prepare('SELECT * FROM models WHERE id = ?').get(id) as RawModelRow | undefined
    if (!r) throw new AppError('MODEL_NOT_FOUND', `model ${id} does not exist in this project`)
    return toRow(r)
  }

  rows(kind?: 'encoder' | 'head'): ModelRow[] {
    const raw = (kind
      ? this.db.prepare('SELECT * FROM models WHERE kind = ? ORDER BY id').all(kind)
      : this.db.prepare('SELECT * FROM models ORDER BY id').all()) as RawModelRow[]
    return raw.map(toRow)
  }

  encoder(id: number): EncoderRecord {
    const row = this.row(id)
    if (row.kind !== 'encoder') throw new AppError('INVALID_REQUEST', `model ${id} (${row.name} ${row.version}) is a head, not an encoder`)
    return { ...row, kind: 'encoder', encoder: parseJson(EncoderConfig, JSON.stringify(row.config), `encoder ${id} config`) }
  }

  head(id: number): HeadRecord {
    const row = this.row(id)
    if (row.kind !== 'head') throw new AppError('INVALID_REQUEST', `model ${id} (${row.name} ${row.version}) is an encoder, not a head`)
    return { ...row, kind: 'head', head: parseJson(HeadConfig, JSON.stringify(row.config), `head ${id} config`) }
  }

  /** The encoder `analyze` uses by default: the active one, else the only one. */
  defaultEncoder(): EncoderRecord {
    const active = this.db.prepare("SELECT id FROM models WHERE kind = 'encoder' AND active = 1 ORDER BY id LIMIT 1").pluck().get() as number | undefined
    if (active !== undefined) return this.encoder(active)
    const all = this.db.prepare("SELECT id FROM models WHERE kind = 'encoder' ORDER BY id").pluck().all() as number[]
    if (all.length === 1) return this.encoder(all[0])
    if (all.length === 0) {
      throw new AppError('MODEL_NOT_FOUND', 'this project has no encoder: import an OpenBEATs checkpoint (`models import`, or Models › Import a checkpoint in the app) or add the demo encoder (`models demo`, or Models › Add the demo encoder)')
    }
    throw new AppError('INVALID_REQUEST', `this project has ${all.length} encoders and none is active: choose one (--model ID) or activate one`)
  }

  /** Active heads trained on this encoder's embeddings, oldest first. */
  activeHeads(encoderId: number): HeadRecord[] {
    const ids = this.db.prepare("SELECT id FROM models WHERE kind = 'head' AND encoder_id = ? AND active = 1 ORDER BY id").pluck().all(encoderId) as number[]
    return ids.map((id) => this.head(id))
  }

  headsOf(encoderId: number): HeadRecord[] {
    const ids = this.db.prepare("SELECT id FROM models WHERE kind = 'head' AND encoder_id = ? ORDER BY id").pluck().all(encoderId) as number[]
    return ids.map((id) => this.head(id))
  }

  /** "1" for a new name, else one more than the highest numeric version of that name. */
  nextVersion(name: string): string {
    const versions = this.db.prepare('SELECT version FROM models WHERE name = ?').pluck().all(name) as string[]
    const numbers = versions.map((v) => Number(v)).filter((n) => Number.isInteger(n) && n > 0)
    return String(numbers.length === 0 ? 1 : Math.max(...numbers) + 1)
  }

  insert(m: NewModel): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO models (kind, name, version, encoder_id, label_set_id, files, config, metrics, provenance, active, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(m.kind, m.name, m.version, m.encoderId, m.labelSetId, JSON.stringify(m.files), JSON.stringify(m.config), JSON.stringify(m.metrics ?? {}), JSON.stringify(m.provenance), m.active ? 1 : 0, m.createdAt)
        .lastInsertRowid,
    )
  }

  setConfig(id: number, config: Record<string, unknown>): void {
    this.db.prepare('UPDATE models SET config = ? WHERE id = ?').run(JSON.stringify(config), id)
  }

  setActiveFlag(id: number, active: boolean): void {
    this.db.prepare('UPDATE models SET active = ? WHERE id = ?').run(active ? 1 : 0, id)
  }

  /** Only one encoder is active: the default for analyses. */
  activateEncoder(id: number): void {
    this.db.transaction(() => {
      this.db.prepare("UPDATE models SET active = 0 WHERE kind = 'encoder' AND id <> ?").run(id)
      this.db.prepare('UPDATE models SET active = 1 WHERE id = ?').run(id)
    })()
  }

  /** Records that every analysed recording now has detections from `revision` of the head. */
  markScored(headId: number, revision: number): void {
    const head = this.head(headId)
    if (head.head.revision !== revision) return
    this.setConfig(headId, { ...head.head, scoredRevision: revision })
  }

  /** Recordings embedded with the head's windows (what its detections could cover). */
  analysedForHead(head: HeadRecord): number {
    return this.db
      .prepare(
        `SELECT count(*) FROM analysed_recordings ar JOIN analyses a ON a.id = ar.analysis_id
         WHERE a.encoder_id = ? AND a.window_s = ? AND a.hop_s = ? AND ar.status = 'done'`,
      )
      .pluck()
      .get(head.encoderId, head.head.windowS, head.head.hopS) as number
  }

  scoring(head: HeadRecord): HeadScoring {
    const h = head.head
    return {
      windowS: h.windowS,
      hopS: h.hopS,
      thresholds: h.labelIds.map((labelId, i) => ({ labelId, code: h.labelCodes[i], threshold: h.thresholds[i] })),
      events: h.events,
      revision: h.revision,
      needsRescore: head.active && h.scoredRevision !== h.revision && this.analysedForHead(head) > 0,
    }
  }

  summary(row: ModelRow): ModelSummary {
    const pretrained = row.config.pretrained !== false
    const note = typeof row.config.note === 'string' ? row.config.note : null
    if (row.kind === 'head') {
      const head = this.head(row.id)
      return {
        id: row.id,
        kind: 'head',
        name: row.name,
        version: row.version,
        encoderId: row.encoderId,
        labelSetId: row.labelSetId,
        active: row.active,
        pretrained,
        note,
        labels: head.head.labelCodes,
        config: row.config,
        metrics: row.metrics,
        provenance: row.provenance,
        createdAt: row.createdAt,
        scoring: this.scoring(head),
        dependants: 0,
      }
    }
    const heads = this.db.prepare("SELECT count(*) FROM models WHERE kind = 'head' AND encoder_id = ?").pluck().get(row.id) as number
    return {
      id: row.id,
      kind: 'encoder',
      name: row.name,
      version: row.version,
      encoderId: null,
      labelSetId: row.labelSetId,
      active: row.active,
      pretrained,
      note,
      labels: [],
      config: row.config,
      metrics: row.metrics,
      provenance: row.provenance,
      createdAt: row.createdAt,
      scoring: null,
      dependants: heads,
    }
  }

  /** Absolute folder of a model (its first `files` entry). */
  folder(row: ModelRow, projectDir: string): string {
    if (row.files.length === 0) throw new AppError('MODEL_INVALID', `model ${row.id} (${row.name} ${row.version}) has no files recorded`)
    return join(projectDir, row.files[0])
  }
}
