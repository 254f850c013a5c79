// A trainer checkpoint → a registered encoder (and head) version, all or nothing: read it with the
// app's checkpoint reader, let the trainer embed a probe clip with it, convert it to a package in a
// staging folder (with the checkpoint kept beside model.onnx, so later jobs can train on from it),
// run the converter's self-check and the parity check against the trainer, then move the folder in
// place and register encoder, label mapping and head in one transaction. Any failure removes what
// was created and registers nothing.
import type { Database } from 'better-sqlite3'
import { randomBytes } from 'node:crypto'
import { copyFileSync, mkdirSync, renameSync, rmSync } from 'node:fs'
import { basename, join } from 'node:path'
import { trainedHeadFromClassifier } from '../analysis/head-package'
import { AppError, throwIfAborted } from '../errors'
import { loadCheckpoint } from '../model/checkpoint/load-checkpoint'
import { convertCheckpoint } from '../model/package/convert-checkpoint'
import { CONVERTER_VERSION } from '../model/package/manifest'
import type { ClassifierHead } from '../model/types'
import { checkConvertedModel } from '../services/models-parity'
import { freeModelFolder, MODELS_DIR, registerEncoder, registerHead } from '../services/models-register'
import { DEFAULT_HOP_S, DEFAULT_WINDOW_S, ModelsRepository } from '../services/models-repository'
import { PACKAGE_CHECKPOINT_FILE } from './model-source'
import { compareWithPackage, trainerProbe, type EngineMaker, type TrainerParityReport } from './trainer-parity'

export interface HeadLabels {
  labelSetId: number
  labelIds: number[]
}

export interface RegisterTrainedInput {
  db: Database
  projectDir: string
  jobId: number | null
  checkpointPath: string
  name: string
  /**
   * The project labels the head's classes are, in class order; or a label set whose labels have the
   * classes' names as codes; null: a new label set named after the model.
   */
  labels: HeadLabels | { labelSetId: number } | null
  /** False when the weights descend from random ones: the UI then says so. */
  pretrained: boolean
  provenance: Record<string, unknown>
  metrics: Record<string, unknown>
  probe: { python: string; trainerDir: string; dir: string }
  signal?: AbortSignal
  onProgress?: (percent: number, message: string) => void
  log?: (level: 'info' | 'warn', message: string) => void
  createEngine?: EngineMaker
}

export interface RegisteredTrainedModel {
  encoderId: number
  headId: number | null
  labelSetId: number | null
  name: string
  version: string
  folder: string
  parity: { selfCheck: Record<string, unknown>; trainer: TrainerParityReport }
}

/** The labels of `labelSetId` whose codes are the head's class names, in class order. */
export function labelsByCode(db: Database, labelSetId: number, codes: readonly string[]): HeadLabels {
  const rows = db.prepare('SELECT id, code FROM labels WHERE label_set_id = ?').all(labelSetId) as { id: number; code: string }[]
  if (rows.length === 0 && !db.prepare('SELECT 1 FROM label_sets WHERE id = ?').get(labelSetId)) throw new AppError('NOT_FOUND', `label set ${labelSetId} does not exist in this project`)
  const byCode = new Map(rows.map((r) => [r.code, r.id]))
  const missing = codes.filter((c) => !byCode.has(c))
  if (missing.length > 0) throw new AppError('INVALID_REQUEST', `label set ${labelSetId} has no label(s) ${missing.join(', ')} for the classes of this model`)
  return { labelSetId, labelIds: codes.map((c) => byCode.get(c) as number) }
}

function newLabelSet(db: Database, name: string, codes: readonly string[], at: string): HeadLabels {
  const taken = db.prepare('SELECT 1 FROM label_sets WHERE name = ?').pluck()
  let setName = name
  for (let i = 2; taken.get(setName); i++) setName = `${name} (${i})`
  const labelSetId = Number(db.prepare('INSERT INTO label_sets (name, description, created_at) VALUES (?, ?, ?)').run(setName, 'Classes of a model trained with the PyTorch trainer', at).lastInsertRowid)
  const insert = db.prepare('INSERT INTO labels (label_set_id, code, sort_order) VALUES (?, ?, ?)')
  const seen = new Map<string, number>()
  const labelIds = codes.map((raw, i) => {
    const base = raw.trim() || `class_${i}`
    const n = (seen.get(base) ?? 0) + 1
    seen.set(base, n)
    return Number(insert.run(labelSetId, n === 1 ? base : `${base}#${n}`, i).lastInsertRowid)
  })
  return { labelSetId, labelIds }
}

function checkHeadLabels(db: Database, head: ClassifierHead, labels: HeadLabels): void {
  if (labels.labelIds.length !== head.labels.length) {
    throw new AppError('MODEL_INVALID', `the trained head has ${head.labels.length} classes, the job trained ${labels.labelIds.length} labels`)
  }
  const codeOf = db.prepare('SELECT code FROM labels WHERE id = ?').pluck()
  labels.labelIds.forEach((id, i) => {
    const code = codeOf.get(id) as string | undefined
    if (code !== head.labels[i]) throw new AppError('MODEL_INVALID', `class ${i} of the trained head is "${head.labels[i]}", but label ${id} is "${code ?? 'missing'}"`)
  })
}

export async function registerTrainedModel(o: RegisterTrainedInput): Promise<RegisteredTrainedModel> {
  const { db, projectDir, signal } = o
  const progress = (p: number, m: string) => o.onProgress?.(p, m)
  progress(0, 'Reading the trained checkpoint…')
  const loaded = await loadCheckpoint({ checkpointPath: o.checkpointPath }, { signal })
  for (const w of loaded.warnings) o.log?.('warn', `${basename(o.checkpointPath)}: ${w}`)
  progress(15, 'The trainer embeds a probe clip…')
  const reference = await trainerProbe({ ...o.probe, checkpoint: o.checkpointPath, signal })
  const repo = new ModelsRepository(db)
  const version = repo.nextVersion(o.name)
  const folder = freeModelFolder(projectDir, o.name, version)
  const staging = join(projectDir, MODELS_DIR, `.staging-trainer-${o.jobId ?? process.pid}-${randomBytes(4).toString('hex')}`)
  const created: string[] = []
  try {
    mkdirSync(staging, { recursive: true })
    const staged = join(staging, 'encoder')
    progress(35, 'Building the ONNX model…')
    const manifest = await convertCheckpoint(loaded, staged, { sourceFileName: basename(o.checkpointPath), name: o.name, signal })
    copyFileSync(o.checkpointPath, join(staged, PACKAGE_CHECKPOINT_FILE))
    progress(55, 'Checking the converted model…')
    const modelPath = join(staged, 'model.onnx')
    const selfCheck = await checkConvertedModel(loaded, modelPath, manifest, { signal, createEngine: o.createEngine })
    progress(75, 'Comparing with the trainer…')
    const trainer = await compareWithPackage(reference, { modelPath, manifest }, loaded.head, { signal, createEngine: o.createEngine })
    o.log?.('info', `parity with the trainer on a ${trainer.probeSeconds} s probe: ${trainer.windows} windows, max |Δ| ${trainer.maxAbsDiff.toExponential(2)} (tolerance ${trainer.tolerance.toExponential(2)}), min cosine ${trainer.minCosine.toFixed(6)}${trainer.scores ? `, scores max |Δ| ${trainer.scores.maxAbsDiff.toExponential(2)}` : ''}`)
    throwIfAborted(signal)
    progress(95, 'Registering…')
    renameSync(staged, join(projectDir, folder))
    created.push(join(projectDir, folder))
    const at = new Date().toISOString()
    const parity = { selfCheck: { ...selfCheck }, trainer }
    const source = {
      source: 'trainer',
      checkpoint: PACKAGE_CHECKPOINT_FILE,
      sha256: loaded.sourceSha256,
      family: loaded.family,
      converterVersion: CONVERTER_VERSION,
      convertedAt: at,
      ...(o.jobId !== null ? { jobId: o.jobId } : {}),
    }
    const note = o.pretrained ? manifest.note : `Trained from random initial weights (${manifest.note}): try the app with it, do not trust its detections.`
    const registered = db.transaction(() => {
      const encoderId = registerEncoder(db, {
        name: o.name,
        version,
        folder,
        manifest: { ...manifest, pretrained: o.pretrained, note },
        provenance: { ...source, ...o.provenance, normalization: loaded.normalization, onnxSha256: manifest.onnxSha256, warnings: manifest.warnings, parity },
      })
      db.prepare('UPDATE models SET metrics = ? WHERE id = ?').run(JSON.stringify(o.metrics), encoderId)
      const head = loaded.head
      if (!head) return { encoderId, headId: null, labelSetId: null }
      let labels: HeadLabels
      if (o.labels && 'labelIds' in o.labels) {
        labels = o.labels
        checkHeadLabels(db, head, labels)
      } else if (o.labels) {
        labels = labelsByCode(db, o.labels.labelSetId, head.labels)
      } else {
        labels = newLabelSet(db, `${o.name} ${version} classes`, head.labels, at)
      }
      const h = registerHead(db, projectDir, {
        name: `${o.name} classifier`,
        encoderId,
        labelSetId: labels.labelSetId,
        labelIds: labels.labelIds,
        head: trainedHeadFromClassifier(head),
        windowS: DEFAULT_WINDOW_S,
        hopS: DEFAULT_HOP_S,
        source: { ...source, classifier: `${head.labels.length}-class ${head.activation}, fine-tuned with the encoder` },
        metrics: o.metrics,
        provenance: o.provenance,
        note: `Fine-tuned together with its encoder; applied to each ${DEFAULT_WINDOW_S} s window.`,
      })
      created.push(join(projectDir, h.folder))
      return { encoderId, headId: h.id, labelSetId: labels.labelSetId }
    }).immediate()
    progress(100, 'Registered')
    return { ...registered, name: o.name, version, folder, parity }
  } catch (err) {
    for (const dir of created) rmSync(dir, { recursive: true, force: true })
    throw err
  } finally {
    rmSync(staging, { recursive: true, force: true })
  }
}
