// Head storage: a classifier head lives in its own folder of the project's models/ folder,
//
//   models/<slug>-<version>/head.json
//
// and in one `models` row (kind 'head') that points at the folder. head.json is written once
// (atomically) and never edited:
//
//   format        'openbeats-head-package', formatVersion 1
//   name          display name
//   head          a TrainedHead (src-main/heads/trained-head.ts): standardisation, 1–2 layers,
//                 task multi-label (sigmoid) or multi-class (softmax), weights as base64 float32
//   labels        one per class, in class order: { code, labelId } — labelId is the project's
//                 label the class writes its detections as
//   encoder       { id, name, version, onnxSha256 } — the encoder whose window embeddings it reads;
//                 the hash ties the head to those exact weights even if ids are reused
//   windowS/hopS  the analysis windows it was trained on and scores
//   thresholds    a default threshold per class (0…1)
//   events        the default event rule (see EventRule in the models contract)
//   source        where it came from: a checkpoint's classifier, in-app training …
//   metrics       validation metrics (optional)
//   createdAt     ISO time
//
// The row's config starts as a copy of the scoring settings (windows, label ids, thresholds,
// events) and is what changes afterwards: thresholds and the event rule are edited there (with a
// revision number), never in head.json. `loadHeadPackage` reads and checks the file; heads trained
// in-app are registered with `registerHead` (analysis/register-head.ts).
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync, openSync, fsyncSync, closeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { z } from 'zod'
import { EventRule } from '../../src-shared/contracts'
import { AppError } from '../errors'
import { parseTrainedHead, type TrainedHead } from '../heads/trained-head'
import type { ClassifierHead } from '../model/types'
import { encodeF32 } from '../heads/trained-head'

export const HEAD_FILE = 'head.json'

export const HeadPackageSchema = z.object({
  format: z.literal('openbeats-head-package'),
  formatVersion: z.literal(1),
  name: z.string().min(1).max(200),
  head: z.unknown(),
  labels: z.array(z.object({ code: z.string().min(1), labelId: z.number().int().positive() })).min(1),
  encoder: z.object({ id: z.number().int().positive(), name: z.string(), version: z.string(), onnxSha256: z.string() }),
  windowS: z.number().positive(),
  hopS: z.number().positive(),
  thresholds: z.array(z.number().min(0).max(1)).min(1),
  events: EventRule,
  source: z.record(z.string(), z.unknown()),
  metrics: z.record(z.string(), z.unknown()).optional(),
  createdAt: z.string(),
})

export interface HeadPackage extends Omit<z.infer<typeof HeadPackageSchema>, 'head'> {
  head: TrainedHead
}

/** Parses head.json content, checking the head's shapes against its labels and thresholds. */
export function parseHeadPackage(json: unknown, where: string): HeadPackage {
  const parsed = HeadPackageSchema.safeParse(json)
  if (!parsed.success) throw new AppError('MODEL_INVALID', `${where} is not a valid head package: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).slice(0, 3).join('; ')}`)
  const head = parseTrainedHead(parsed.data.head)
  const pkg: HeadPackage = { ...parsed.data, head }
  if (pkg.labels.length !== head.classes) throw new AppError('MODEL_INVALID', `${where}: ${pkg.labels.length} labels for a head with ${head.classes} classes`)
  if (pkg.thresholds.length !== head.classes) throw new AppError('MODEL_INVALID', `${where}: ${pkg.thresholds.length} thresholds for ${head.classes} classes`)
  return pkg
}

export function loadHeadPackage(dir: string): HeadPackage {
  const file = join(dir, HEAD_FILE)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    throw new AppError('MODEL_NOT_FOUND', `no head package at ${dir}: ${HEAD_FILE} is missing`, { path: dir })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new AppError('MODEL_INVALID', `${file} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`)
  }
  return parseHeadPackage(json, file)
}

/** Writes head.json into a new folder `dir` atomically (hidden sibling, flushed, renamed). */
export function writeHeadPackage(dir: string, pkg: HeadPackage): void {
  parseHeadPackage(JSON.parse(JSON.stringify(pkg)), dir)
  const tmp = join(dirname(dir), `.${basename(dir)}.partial-${randomBytes(4).toString('hex')}`)
  try {
    mkdirSync(tmp, { recursive: true })
    const file = join(tmp, HEAD_FILE)
    writeFileSync(file, JSON.stringify(pkg, null, 1) + '\n')
    const fd = openSync(file, 'r')
    try {
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
    renameSync(tmp, dir)
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true })
    if (err instanceof AppError) throw err
    throw new AppError('INTERNAL', `cannot write head package ${dir}: ${err instanceof Error ? err.message : String(err)}`)
  }
}

/**
 * A checkpoint's classifier (logits = mean(patches)·Wᵀ + b over the clip) as a TrainedHead over
 * window embeddings (the mean of a window's patches): the same linear map, identity
 * standardisation, W transposed to the head's inputs × outputs layout.
 */
export function trainedHeadFromClassifier(c: ClassifierHead): TrainedHead {
  const [classes, dim] = c.weight.shape
  const w = new Float32Array(dim * classes)
  for (let k = 0; k < classes; k++) for (let d = 0; d < dim; d++) w[d * classes + k] = c.weight.data[k * dim + d]
  return parseTrainedHead({
    format: 'openbeats-head',
    version: 1,
    kind: 'linear',
    task: c.activation === 'softmax' ? 'multi-class' : 'multi-label',
    dim,
    classes,
    inputMean: encodeF32(new Float32Array(dim)),
    inputStd: encodeF32(new Float32Array(dim).fill(1)),
    layers: [{ inputs: dim, outputs: classes, weights: encodeF32(w), bias: encodeF32(Float32Array.from(c.bias.data)) }],
  })
}
