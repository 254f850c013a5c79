// Opens a model package: the manifest must parse, and model.onnx must hash to what it says, so a
// truncated copy or a hand-edited file is refused before onnxruntime ever sees it.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError, throwIfAborted } from '../../errors'
import { MANIFEST_FILE, MODEL_FILE, ModelManifestSchema, type ModelManifest } from './manifest'

export interface ModelPackage {
  dir: string
  modelPath: string
  manifest: ModelManifest
}

export interface ReadPackageOptions {
  /** Hash model.onnx and compare with the manifest (default true; ~1 s per 360 MB). */
  verify?: boolean
  signal?: AbortSignal
}

async function sha256File(path: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256')
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 22 })) {
    throwIfAborted(signal)
    hash.update(chunk as Buffer)
  }
  return hash.digest('hex')
}

export async function readModelPackage(dir: string, opts: ReadPackageOptions = {}): Promise<ModelPackage> {
  const manifestPath = join(dir, MANIFEST_FILE)
  const modelPath = join(dir, MODEL_FILE)
  let text: string
  try {
    text = await readFile(manifestPath, 'utf8')
  } catch {
    throw new AppError('MODEL_NOT_FOUND', `no model package at ${dir}: ${MANIFEST_FILE} is missing`, { path: dir })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (err) {
    throw new AppError('MODEL_INVALID', `${manifestPath} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, { path: manifestPath })
  }
  const parsed = ModelManifestSchema.safeParse(json)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    throw new AppError('MODEL_INVALID', `${manifestPath} is not a valid model manifest: ${issues.slice(0, 3).join('; ')}`, { path: manifestPath, issues })
  }
  const manifest = parsed.data
  const info = await stat(modelPath).catch(() => undefined)
  if (!info?.isFile()) throw new AppError('MODEL_INVALID', `model package ${dir} has no ${MODEL_FILE}`, { path: modelPath })
  if (info.size !== manifest.onnxBytes) {
    throw new AppError('MODEL_INVALID', `${modelPath} has ${info.size} bytes, the manifest says ${manifest.onnxBytes} (incomplete copy?)`, { path: modelPath })
  }
  if (opts.verify !== false) {
    const actual = await sha256File(modelPath, opts.signal)
    if (actual !== manifest.onnxSha256) {
      throw new AppError('MODEL_INVALID', `${modelPath} does not match its manifest (sha256 ${actual}, expected ${manifest.onnxSha256})`, { path: modelPath })
    }
  }
  return { dir, modelPath, manifest }
}
