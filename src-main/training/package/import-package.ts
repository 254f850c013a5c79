// Imports a model package zip into the open project. Everything is checked before anything is
// written: the manifest's schema, that the zip holds exactly the files it lists with their sizes
// and sha256, the head package itself, the encoder (by ONNX hash: one already in the project, or
// the one the zip carries), and the head's labels (by code, in one label set). Then the encoder
// (if new) and the head are registered in one transaction; on any failure nothing is registered
// and no folder is left behind.
import { createHash, randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { Database } from 'better-sqlite3'
import { unzipSync } from 'fflate'
import type { HeadEvaluation } from '../../../src-shared/contracts'
import { parseHeadPackage, type HeadPackage } from '../../analysis/head-package'
import { AppError, throwIfAborted } from '../../errors'
import { MANIFEST_FILE, MODEL_FILE, ModelManifestSchema, type ModelManifest } from '../../model/package/manifest'
import { freeModelFolder, registerEncoder, registerHead } from '../../services/models-register'
import { ModelsRepository } from '../../services/models-repository'
import { HeadTrainingsRepository } from '../head-trainings'
import { ENCODER_MANIFEST, ENCODER_ONNX, HEAD_JSON, PACKAGE_FILES, PACKAGE_MANIFEST, PackageManifestSchema, PackageTrainingSchema, TRAINING_JSON, type PackageManifest, type PackageTraining } from './package-manifest'

export interface ImportPackageOptions {
  db: Database
  projectDir: string
  path: string
  /** Map the head's labels into this label set (default: a set holding every code, preferring the package's set name). */
  labelSetId?: number
  /** Default true (and other versions of the name are left as they are). */
  activate?: boolean
  signal?: AbortSignal
}

export interface ImportedPackage {
  encoderId: number
  encoderCreated: boolean
  headId: number | null
  labelSetId: number | null
  name: string
  version: string
  warnings: string[]
}

/** Zips larger than this are refused before reading (an encoder is a few hundred MB). */
const MAX_ZIP_BYTES = 3 * 2 ** 30
const MAX_JSON_BYTES = 64 * 2 ** 20

function invalid(path: string, reason: string): AppError {
  return new AppError('PACKAGE_INVALID', `${basename(path)} is not a valid model package: ${reason}`, { path })
}

function parseJson(bytes: Uint8Array, what: string, path: string): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'))
  } catch (err) {
    throw invalid(path, `${what} is not valid JSON (${err instanceof Error ? err.message : String(err)})`)
  }
}

/** Reads and verifies the zip: returns the manifest and every listed file's bytes. */
export function readModelPackageZip(path: string): { manifest: PackageManifest; files: Map<string, Uint8Array> } {
  let size: number
  try {
    size = statSync(path).size
  } catch {
    throw new AppError('NOT_FOUND', `model package ${path} does not exist`)
  }
  if (size > MAX_ZIP_BYTES) throw invalid(path, `${size} bytes is more than a model package may hold`)
  const unexpected: string[] = []
  let entries: Record<string, Uint8Array>
  try {
    entries = unzipSync(readFileSync(path), {
      filter: (f) => {
        const known = f.name === PACKAGE_MANIFEST || (PACKAGE_FILES as readonly string[]).includes(f.name)
        if (!known) unexpected.push(f.name)
        const limit = f.name === ENCODER_ONNX ? MAX_ZIP_BYTES : MAX_JSON_BYTES
        if (known && f.originalSize > limit) throw invalid(path, `${f.name} unpacks to ${f.originalSize} bytes`)
        return known
      },
    })
  } catch (err) {
    if (err instanceof AppError) throw err
    throw invalid(path, `the zip cannot be read (${err instanceof Error ? err.message : String(err)})`)
  }
  if (unexpected.length > 0) throw invalid(path, `it holds files no model package has: ${unexpected.slice(0, 5).join(', ')}`)
  const rawManifest = entries[PACKAGE_MANIFEST]
  if (!rawManifest) throw invalid(path, `${PACKAGE_MANIFEST} is missing`)
  const parsed = PackageManifestSchema.safeParse(parseJson(rawManifest, PACKAGE_MANIFEST, path))
  if (!parsed.success) throw invalid(path, `${PACKAGE_MANIFEST}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).slice(0, 3).join('; ')}`)
  const manifest = parsed.data
  const files = new Map<string, Uint8Array>()
  for (const f of manifest.files) {
    const bytes = entries[f.path]
    if (!bytes) throw invalid(path, `${f.path} is listed in the manifest but missing from the zip`)
    if (bytes.byteLength !== f.bytes) throw invalid(path, `${f.path} has ${bytes.byteLength} bytes, the manifest says ${f.bytes} (damaged or altered)`)
    const sha = createHash('sha256').update(bytes).digest('hex')
    if (sha !== f.sha256) throw invalid(path, `${f.path} does not match its sha256 in the manifest (damaged or altered)`)
    files.set(f.path, bytes)
  }
  for (const name of Object.keys(entries)) if (name !== PACKAGE_MANIFEST && !files.has(name)) throw invalid(path, `${name} is in the zip but not listed in the manifest`)
  if (manifest.head && !files.has(HEAD_JSON)) throw invalid(path, `a head package without ${HEAD_JSON}`)
  if (manifest.encoder.included !== (files.has(ENCODER_MANIFEST) && files.has(ENCODER_ONNX))) throw invalid(path, 'the manifest and the encoder files disagree on whether the encoder is included')
  return { manifest, files }
}

interface LabelRow {
  id: number
  labelSetId: number
  code: string
  setName: string
}

/** The project's labels for the head's codes, all from one set. */
function mapLabels(db: Database, codes: readonly string[], preferredSet: string | null, labelSetId: number | undefined): { labelSetId: number; labelIds: number[] } {
  const rows = db
    .prepare('SELECT l.id, l.label_set_id AS labelSetId, l.code, s.name AS setName FROM labels l JOIN label_sets s ON s.id = l.label_set_id WHERE l.code IN (SELECT value FROM json_each(?))')
    .all(JSON.stringify(codes)) as LabelRow[]
  const bySet = new Map<number, { name: string; ids: Map<string, number> }>()
  for (const r of rows) {
    const s = bySet.get(r.labelSetId) ?? { name: r.setName, ids: new Map<string, number>() }
    s.ids.set(r.code, r.id)
    bySet.set(r.labelSetId, s)
  }
  const complete = [...bySet.entries()].filter(([, s]) => codes.every((c) => s.ids.has(c)))
  let chosen: [number, { name: string; ids: Map<string, number> }] | undefined
  if (labelSetId !== undefined) {
    const set = bySet.get(labelSetId)
    const name = (db.prepare('SELECT name FROM label_sets WHERE id = ?').pluck().get(labelSetId) as string | undefined) ?? null
    if (name === null) throw new AppError('NOT_FOUND', `label set ${labelSetId} does not exist in this project`)
    const missing = codes.filter((c) => !set?.ids.has(c))
    if (missing.length > 0) throw new AppError('LABELS_MISSING', `label set "${name}" lacks ${missing.length} of the head's labels: ${missing.join(', ')}; add them (or choose another set) and import again`, { missing })
    chosen = [labelSetId, set as { name: string; ids: Map<string, number> }]
  } else {
    chosen = complete.find(([, s]) => s.name === preferredSet) ?? complete.sort((a, b) => a[0] - b[0])[0]
  }
  if (!chosen) {
    const best = [...bySet.values()].sort((a, b) => b.ids.size - a.ids.size)[0]
    const missing = codes.filter((c) => !best?.ids.has(c))
    throw new AppError(
      'LABELS_MISSING',
      `no label set of this project has all of the head's labels (${codes.join(', ')}); missing${best ? ` from "${best.name}"` : ''}: ${missing.join(', ')}. Create them (e.g. import the species list) and import again`,
      { missing },
    )
  }
  const [id, set] = chosen
  return { labelSetId: id, labelIds: codes.map((c) => set.ids.get(c) as number) }
}

/** Writes the encoder's two files into a new models/ folder, atomically (hidden sibling, renamed). */
function writeEncoderFolder(projectDir: string, folder: string, manifestBytes: Uint8Array, onnx: Uint8Array): void {
  const dest = join(projectDir, folder)
  const tmp = join(dirname(dest), `.${basename(dest)}.partial-${randomBytes(4).toString('hex')}`)
  try {
    mkdirSync(tmp, { recursive: true })
    for (const [name, bytes] of [[MODEL_FILE, onnx], [MANIFEST_FILE, manifestBytes]] as const) {
      const file = join(tmp, name)
      writeFileSync(file, bytes)
      const fd = openSync(file, 'r')
      try {
        fsyncSync(fd)
      } finally {
        closeSync(fd)
      }
    }
    renameSync(tmp, dest)
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true })
    throw new AppError('INTERNAL', `cannot write the encoder package ${dest}: ${err instanceof Error ? err.message : String(err)}`)
  }
}

export function importModelPackage(o: ImportPackageOptions): ImportedPackage {
  const { db, path } = o
  const { manifest, files } = readModelPackageZip(path)
  throwIfAborted(o.signal)
  const warnings: string[] = []
  const models = new ModelsRepository(db)

  // The encoder: already here (same weights), or carried by the zip.
  const local = models.rows('encoder').find((e) => models.encoder(e.id).encoder.onnxSha256 === manifest.encoder.onnxSha256)
  let encoderManifest: ModelManifest | null = null
  if (!local) {
    if (!manifest.encoder.included) {
      throw new AppError(
        'ENCODER_MISMATCH',
        `this package's head was trained on encoder ${manifest.encoder.name} ${manifest.encoder.version} (ONNX sha256 ${manifest.encoder.onnxSha256.slice(0, 12)}…), and this project has no encoder with those weights: import that encoder first, or export the head with its encoder`,
        { onnxSha256: manifest.encoder.onnxSha256 },
      )
    }
    const m = ModelManifestSchema.safeParse(parseJson(files.get(ENCODER_MANIFEST) as Uint8Array, ENCODER_MANIFEST, path))
    if (!m.success) throw invalid(path, `${ENCODER_MANIFEST} is not a valid encoder manifest: ${m.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).slice(0, 3).join('; ')}`)
    encoderManifest = m.data
    const onnx = files.get(ENCODER_ONNX) as Uint8Array
    const sha = createHash('sha256').update(onnx).digest('hex')
    if (sha !== encoderManifest.onnxSha256 || sha !== manifest.encoder.onnxSha256 || onnx.byteLength !== encoderManifest.onnxBytes) {
      throw invalid(path, `the encoder's ${MODEL_FILE} does not match the hash its manifests state`)
    }
  } else if (manifest.encoder.included) {
    warnings.push(`the encoder ${manifest.encoder.name} ${manifest.encoder.version} is already in this project (as ${local.name} ${local.version}); its copy in the package was not imported again`)
  }

  // The head: its package must parse and name the same encoder weights; its labels must map.
  let head: HeadPackage | null = null
  let training: PackageTraining | null = null
  let labels: { labelSetId: number; labelIds: number[] } | null = null
  if (manifest.head) {
    head = parseHeadPackage(parseJson(files.get(HEAD_JSON) as Uint8Array, HEAD_JSON, path), `${basename(path)}:${HEAD_JSON}`)
    if (head.encoder.onnxSha256 !== manifest.encoder.onnxSha256) throw invalid(path, `${HEAD_JSON} names other encoder weights than the manifest`)
    if (head.head.dim !== manifest.encoder.dim) throw invalid(path, `the head reads ${head.head.dim}-d embeddings, the manifest's encoder makes ${manifest.encoder.dim}-d ones`)
    const codes = manifest.head.labels.map((l) => l.code)
    if (codes.length !== head.head.classes || codes.some((c, i) => c !== head?.labels[i].code)) throw invalid(path, 'the manifest lists other labels than the head package')
    if (manifest.head.thresholds.length !== head.head.classes) throw invalid(path, `${manifest.head.thresholds.length} thresholds for ${head.head.classes} classes`)
    if (files.has(TRAINING_JSON)) {
      const t = PackageTrainingSchema.safeParse(parseJson(files.get(TRAINING_JSON) as Uint8Array, TRAINING_JSON, path))
      if (!t.success) throw invalid(path, `${TRAINING_JSON}: ${t.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).slice(0, 3).join('; ')}`)
      training = t.data
    }
    labels = mapLabels(db, codes, manifest.head.labelSetName, o.labelSetId)
  }
  throwIfAborted(o.signal)

  const written: string[] = []
  try {
    return db.transaction((): ImportedPackage => {
      let encoderId: number
      let encoderCreated = false
      if (local) encoderId = local.id
      else {
        const em = encoderManifest as ModelManifest
        const taken = models.rows('encoder').some((e) => e.name === manifest.encoder.name && e.version === manifest.encoder.version)
        const version = taken ? models.nextVersion(manifest.encoder.name) : manifest.encoder.version
        const folder = freeModelFolder(o.projectDir, manifest.encoder.name, version)
        writeEncoderFolder(o.projectDir, folder, files.get(ENCODER_MANIFEST) as Uint8Array, files.get(ENCODER_ONNX) as Uint8Array)
        written.push(folder)
        encoderId = registerEncoder(db, {
          name: manifest.encoder.name,
          version,
          folder,
          manifest: em,
          provenance: { source: 'package', importedFrom: basename(path), importedAt: new Date().toISOString(), onnxSha256: em.onnxSha256, pretrained: em.pretrained },
        })
        encoderCreated = true
      }
      if (!manifest.head || !head || !labels) {
        const row = models.row(encoderId)
        return { encoderId, encoderCreated, headId: null, labelSetId: null, name: row.name, version: row.version, warnings }
      }
      const mh = manifest.head
      const taken = models.rows('head').some((h) => h.name === mh.name && h.version === mh.version)
      if (taken) warnings.push(`a head "${mh.name}" version ${mh.version} already exists here; imported as the next version`)
      const importedAt = new Date().toISOString()
      const registered = registerHead(db, o.projectDir, {
        name: mh.name,
        ...(taken ? {} : { version: mh.version }),
        encoderId,
        labelSetId: labels.labelSetId,
        labelIds: labels.labelIds,
        head: head.head,
        windowS: mh.windowS,
        hopS: mh.hopS,
        thresholds: mh.thresholds,
        events: mh.events,
        source: { ...head.source, importedFrom: basename(path), importedAt },
        metrics: mh.metrics,
        provenance: { ...mh.provenance, importedFrom: basename(path), importedAt, exportedVersion: mh.version },
        active: o.activate ?? true,
      })
      written.push(registered.folder)
      if (training) {
        const ids = labels.labelIds
        const remap = (e: HeadEvaluation): HeadEvaluation => {
          const idOf = (code: string): number => ids[mh.labels.findIndex((l) => l.code === code)] ?? ids[0]
          const split = (s: HeadEvaluation['validation']) => (s ? { ...s, classes: s.classes.map((c) => ({ ...c, labelId: idOf(c.code) })) } : null)
          return { ...e, labels: e.labels.map((l) => ({ code: l.code, labelId: idOf(l.code) })), validation: split(e.validation), test: split(e.test) }
        }
        new HeadTrainingsRepository(db).insert({
          modelId: registered.id,
          origin: 'imported',
          jobId: null,
          previousModelId: null,
          params: null,
          report: training.report,
          snapshot: { fingerprint: training.report?.fingerprint, examples: training.report?.examples },
          evaluation: remap(training.evaluation),
          createdAt: importedAt,
        })
      }
      return { encoderId, encoderCreated, headId: registered.id, labelSetId: labels.labelSetId, name: mh.name, version: registered.version, warnings }
      // IMMEDIATE: workers write to the project meanwhile; take the write lock before reading.
    }).immediate()
  } catch (err) {
    for (const folder of written) rmSync(join(o.projectDir, folder), { recursive: true, force: true })
    throw err
  }
}
