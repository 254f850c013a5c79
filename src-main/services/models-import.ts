// Checkpoint → registered model, all or nothing: load the checkpoint (nothing in it executes),
// convert it into a package in a hidden staging folder, self-check the package
// (models-parity.ts), move it to models/<slug>-<version>/, then register the encoder — and, when
// the checkpoint carries a classifier, a label set with its labels and the head (its own
// models/<slug>-<version>/head.json) — in one transaction. Any failure removes every folder this
// import created and leaves the database as it was.
import type { Database } from 'better-sqlite3'
import { randomBytes } from 'node:crypto'
import { mkdirSync, renameSync, rmSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { ModelImportParams, ModelImportResult } from '../../src-shared/contracts'
import type { z } from 'zod'
import { trainedHeadFromClassifier } from '../analysis/head-package'
import { throwIfAborted } from '../errors'
import { loadCheckpoint } from '../model/checkpoint/load-checkpoint'
import { convertCheckpoint } from '../model/package/convert-checkpoint'
import { CONVERTER_VERSION } from '../model/package/manifest'
import { checkConvertedModel, type EngineMaker } from './models-parity'
import { DEFAULT_HOP_S, DEFAULT_WINDOW_S, ModelsRepository } from './models-repository'
import { freeModelFolder, MODELS_DIR, registerEncoder, registerHead } from './models-register'

export interface ImportCheckpointOptions {
  db: Database
  projectDir: string
  params: Omit<z.input<typeof ModelImportParams>, 'type'>
  jobId: number | null
  signal?: AbortSignal
  onProgress?: (done: number, total: number, unit: string, message: string) => void
  log?: (level: 'info' | 'warn', message: string) => void
  createEngine?: EngineMaker
}

function defaultName(checkpointPath: string): string {
  return basename(checkpointPath).replace(/\.(pt|pth|ckpt|bin)$/i, '') || basename(checkpointPath)
}

function uniqueLabelSetName(db: Database, wanted: string): string {
  const exists = db.prepare('SELECT 1 FROM label_sets WHERE name = ?').pluck()
  for (let i = 1; ; i++) {
    const name = i === 1 ? wanted : `${wanted} (${i})`
    if (!exists.get(name)) return name
  }
}

/** Label codes as the checkpoint lists them, made unique within the set (a repeat gets "#2"…). */
function uniqueCodes(labels: readonly string[]): string[] {
  const seen = new Map<string, number>()
  return labels.map((raw, i) => {
    const base = raw.trim() || `class_${i}`
    const n = (seen.get(base) ?? 0) + 1
    seen.set(base, n)
    return n === 1 ? base : `${base}#${n}`
  })
}

export async function importCheckpoint(o: ImportCheckpointOptions): Promise<ModelImportResult> {
  const { db, projectDir, params, signal } = o
  const progress = (done: number, message: string) => o.onProgress?.(done, 100, '%', message)
  progress(0, 'Reading the checkpoint…')
  const loaded = await loadCheckpoint(
    { checkpointPath: params.checkpointPath, configPath: params.configPath, tokenListPath: params.tokenListPath },
    { signal, onProgress: (f) => progress(Math.round(50 * f), 'Reading the checkpoint…') },
  )
  for (const w of loaded.warnings) o.log?.('warn', w)
  const repo = new ModelsRepository(db)
  const name = params.name ?? defaultName(params.checkpointPath)
  const version = repo.nextVersion(name)
  const folder = freeModelFolder(projectDir, name, version)
  const staging = join(projectDir, MODELS_DIR, `.staging-${o.jobId ?? process.pid}-${randomBytes(4).toString('hex')}`)
  const created: string[] = []
  try {
    mkdirSync(staging, { recursive: true })
    const staged = join(staging, 'encoder')
    progress(55, 'Building the ONNX model…')
    const manifest = await convertCheckpoint(loaded, staged, { sourceFileName: basename(params.checkpointPath), name, quantization: params.quantize ? 'int8' : 'none', signal })
    progress(75, 'Checking the converted model…')
    const parity = await checkConvertedModel(loaded, join(staged, 'model.onnx'), manifest, { signal, createEngine: o.createEngine })
    throwIfAborted(signal)
    progress(95, 'Registering…')
    renameSync(staged, join(projectDir, folder))
    created.push(join(projectDir, folder))
    const importedAt = new Date().toISOString()
    const source = {
      source: 'checkpoint',
      checkpoint: basename(params.checkpointPath),
      checkpointPath: params.checkpointPath,
      sha256: loaded.sourceSha256,
      family: loaded.family,
      ...(params.configPath ? { config: params.configPath } : {}),
      ...(params.tokenListPath ? { tokenList: params.tokenListPath } : {}),
      converterVersion: CONVERTER_VERSION,
      convertedAt: importedAt,
      ...(o.jobId !== null ? { jobId: o.jobId } : {}),
    }
    const registered = db.transaction(() => {
      const encoderId = registerEncoder(db, {
        name,
        version,
        folder,
        manifest,
        provenance: { ...source, architectureSource: loaded.architectureSource, normalization: loaded.normalization, onnxSha256: manifest.onnxSha256, warnings: manifest.warnings, parity },
      })
      if (!loaded.head) return { encoderId, headId: null, labelSetId: null }
      const head = loaded.head
      const setName = uniqueLabelSetName(db, `${name} ${version} classes`)
      const labelSetId = Number(
        db.prepare('INSERT INTO label_sets (name, description, created_at) VALUES (?, ?, ?)').run(setName, `Classes of the classifier in ${basename(params.checkpointPath)}`, importedAt).lastInsertRowid,
      )
      const insertLabel = db.prepare('INSERT INTO labels (label_set_id, code, sort_order) VALUES (?, ?, ?)')
      const labelIds = uniqueCodes(head.labels).map((code, i) => Number(insertLabel.run(labelSetId, code, i).lastInsertRowid))
      const registeredHead = registerHead(db, projectDir, {
        name: `${name} classifier`,
        encoderId,
        labelSetId,
        labelIds,
        head: trainedHeadFromClassifier(head),
        windowS: DEFAULT_WINDOW_S,
        hopS: DEFAULT_HOP_S,
        source: { ...source, classifier: `${head.labels.length}-class ${head.activation}` },
        note: `The checkpoint's own ${head.labels.length}-class classifier, applied to each ${DEFAULT_WINDOW_S} s window.`,
      })
      created.push(join(projectDir, registeredHead.folder))
      return { encoderId, headId: registeredHead.id, labelSetId }
    }).immediate()
    progress(100, 'Imported')
    o.log?.('info', `registered ${name} ${version} (encoder ${registered.encoderId}${registered.headId ? `, head ${registered.headId}` : ''}) in ${folder}`)
    return { ...registered, name, version, dir: folder, warnings: manifest.warnings, parity: { ...parity } }
  } catch (err) {
    for (const dir of created) rmSync(dir, { recursive: true, force: true })
    throw err
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}
