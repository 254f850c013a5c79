// Writes a model package zip (see package-manifest.ts): a head with its stored evaluation and,
// optionally, its encoder; or an encoder alone. JSON is deflated; the ONNX graph is stored (it
// barely compresses) and streamed from disk in blocks, so a large encoder is never held whole.
import { createHash } from 'node:crypto'
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import type { Database } from 'better-sqlite3'
import { Zip, ZipDeflate, ZipPassThrough } from 'fflate'
import { HEAD_FILE } from '../../analysis/head-package'
import { AppError, throwIfAborted } from '../../errors'
import { MANIFEST_FILE, MODEL_FILE } from '../../model/package/manifest'
import { APP_VERSION } from '../../runtime/app-version'
import { ModelsRepository, modelSlug, type EncoderRecord } from '../../services/models-repository'
import { HeadTrainingsRepository } from '../head-trainings'
import { ENCODER_MANIFEST, ENCODER_ONNX, HEAD_JSON, PACKAGE_FILES, PACKAGE_MANIFEST, TRAINING_JSON, type PackageManifest, type PackageTraining } from './package-manifest'

export interface ExportPackageOptions {
  db: Database
  projectDir: string
  modelId: number
  /** Heads: put the encoder's package in the zip too (default false). */
  includeEncoder?: boolean
  /** Default <project>/exports/models. */
  outDir?: string
  signal?: AbortSignal
}

export interface ExportedPackage {
  path: string
  bytes: number
  files: { path: string; bytes: number; sha256: string }[]
}

const BLOCK = 4 << 20

type PackageFile = (typeof PACKAGE_FILES)[number]
type Source = { path: PackageFile; bytes: Uint8Array } | { path: PackageFile; file: string }

function sha256OfFile(file: string, signal?: AbortSignal): { sha256: string; bytes: number } {
  const hash = createHash('sha256')
  const fd = openSync(file, 'r')
  const buf = Buffer.alloc(BLOCK)
  let total = 0
  try {
    for (;;) {
      throwIfAborted(signal)
      const n = readSync(fd, buf, 0, BLOCK, total)
      if (n <= 0) break
      hash.update(buf.subarray(0, n))
      total += n
    }
  } finally {
    closeSync(fd)
  }
  return { sha256: hash.digest('hex'), bytes: total }
}

function freePath(dir: string, stem: string): string {
  for (let i = 1; ; i++) {
    const p = join(dir, `${stem}${i === 1 ? '' : `-${i}`}.zip`)
    if (!existsSync(p)) return p
  }
}

function encoderSources(projectDir: string, models: ModelsRepository, encoder: EncoderRecord): Source[] {
  const dir = models.folder(encoder, projectDir)
  return [
    { path: ENCODER_MANIFEST, file: join(dir, MANIFEST_FILE) },
    { path: ENCODER_ONNX, file: join(dir, MODEL_FILE) },
  ]
}

export function exportModelPackage(o: ExportPackageOptions): ExportedPackage {
  const { db } = o
  const models = new ModelsRepository(db)
  const row = models.row(o.modelId)
  const sources: Source[] = []
  let manifestHead: PackageManifest['head'] = null
  let encoder: EncoderRecord
  if (row.kind === 'head') {
    const head = models.head(row.id)
    if (head.encoderId === null) throw new AppError('MODEL_INVALID', `head ${row.name} ${row.version} has no encoder`)
    encoder = models.encoder(head.encoderId)
    const folder = models.folder(head, o.projectDir)
    sources.push({ path: HEAD_JSON, bytes: readFileSync(join(folder, HEAD_FILE)) })
    const training = new HeadTrainingsRepository(db).get(row.id)
    if (training) {
      const content: PackageTraining = { evaluation: training.evaluation, report: training.report }
      sources.push({ path: TRAINING_JSON, bytes: Buffer.from(JSON.stringify(content)) })
    }
    const labelRows = db
      .prepare('SELECT id, code, common_name AS commonName, scientific_name AS scientificName FROM labels WHERE id IN (SELECT value FROM json_each(?))')
      .all(JSON.stringify(head.head.labelIds)) as { id: number; code: string; commonName: string | null; scientificName: string | null }[]
    const byId = new Map(labelRows.map((l) => [l.id, l]))
    const setName = row.labelSetId === null ? null : ((db.prepare('SELECT name FROM label_sets WHERE id = ?').pluck().get(row.labelSetId) as string | undefined) ?? null)
    manifestHead = {
      name: row.name,
      version: row.version,
      labelSetName: setName,
      labels: head.head.labelIds.map((id, i) => ({ code: head.head.labelCodes[i], commonName: byId.get(id)?.commonName ?? null, scientificName: byId.get(id)?.scientificName ?? null })),
      task: head.head.task,
      windowS: head.head.windowS,
      hopS: head.head.hopS,
      thresholds: head.head.thresholds,
      events: head.head.events,
      metrics: row.metrics,
      provenance: row.provenance,
    }
    if (o.includeEncoder) sources.push(...encoderSources(o.projectDir, models, encoder))
  } else {
    encoder = models.encoder(row.id)
    sources.push(...encoderSources(o.projectDir, models, encoder))
  }

  const files = sources.map((s) => {
    throwIfAborted(o.signal)
    if ('bytes' in s) return { path: s.path, bytes: s.bytes.byteLength, sha256: createHash('sha256').update(s.bytes).digest('hex') }
    if (!existsSync(s.file)) throw new AppError('MODEL_NOT_FOUND', `${s.file} is missing: the model's files are incomplete`)
    return { path: s.path, ...sha256OfFile(s.file, o.signal) }
  })
  const manifest: PackageManifest = {
    format: 'openbeats-model-package',
    formatVersion: 1,
    createdAt: new Date().toISOString(),
    appVersion: APP_VERSION,
    files,
    encoder: { name: encoder.name, version: encoder.version, onnxSha256: encoder.encoder.onnxSha256, dim: encoder.encoder.dim, included: sources.some((s) => s.path === ENCODER_ONNX) },
    head: manifestHead,
  }

  const outDir = o.outDir ?? join(o.projectDir, 'exports', 'models')
  mkdirSync(outDir, { recursive: true })
  const path = freePath(outDir, `${modelSlug(row.name)}-${modelSlug(row.version)}`)
  const tmp = `${path}.partial-${process.pid}`
  const fd = openSync(tmp, 'w')
  let failure: unknown = null
  try {
    const zip = new Zip((err, chunk) => {
      if (err) failure = err
      else writeSync(fd, chunk)
    })
    const addBytes = (name: string, bytes: Uint8Array): void => {
      const entry = new ZipDeflate(name, { level: 6 })
      zip.add(entry)
      entry.push(bytes, true)
    }
    addBytes(PACKAGE_MANIFEST, Buffer.from(JSON.stringify(manifest, null, 1)))
    for (const s of sources) {
      if ('bytes' in s) {
        addBytes(s.path, s.bytes)
        continue
      }
      const entry = new ZipPassThrough(s.path)
      zip.add(entry)
      const size = statSync(s.file).size
      const src = openSync(s.file, 'r')
      try {
        const buf = Buffer.alloc(BLOCK)
        let at = 0
        do {
          throwIfAborted(o.signal)
          const n = readSync(src, buf, 0, BLOCK, at)
          at += n
          entry.push(Uint8Array.from(buf.subarray(0, n)), at >= size)
          if (n === 0) break
        } while (at < size)
      } finally {
        closeSync(src)
      }
    }
    zip.end()
    if (failure) throw failure
    fsyncSync(fd)
    closeSync(fd)
    renameSync(tmp, path)
  } catch (err) {
    try {
      closeSync(fd)
    } catch {
      // already closed
    }
    rmSync(tmp, { force: true })
    if (err instanceof AppError) throw err
    throw new AppError('EXPORT_FAILED', `cannot write ${path}: ${err instanceof Error ? err.message : String(err)}`)
  }
  return { path, bytes: statSync(path).size, files }
}
