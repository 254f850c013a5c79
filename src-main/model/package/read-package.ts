// Opens a model package: the manifest must parse, and model.onnx must hash to what it says, so a
// truncated copy or a hand-edited file is refused before onnxruntime ever sees it.
//
// A successful check leaves a stamp (VERIFIED_FILE: the file's size, inode and modification and
// change times with the hash it had). While model.onnx still matches the stamp, later opens skip
// the hash: a Base model is 360 MB, ~0.4 s of hashing each time an analysis starts. Replacing or
// rewriting the file changes its change time (which no tool can set back), so it is hashed again.
import { createHash } from 'node:crypto'
import { createReadStream, type Stats } from 'node:fs'
import { readFile, rename, stat, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError, throwIfAborted } from '../../errors'
import { MANIFEST_FILE, MODEL_FILE, ModelManifestSchema, type ModelManifest } from './manifest'

export interface ModelPackage {
  dir: string
  modelPath: string
  manifest: ModelManifest
  /** How model.onnx was checked against the manifest: hashed now, matched its stamp, or not checked. */
  verifiedBy: 'hash' | 'stamp' | 'none'
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
  if (opts.verify === false) return { dir, modelPath, manifest, verifiedBy: 'none' }
  if (await stampMatches(dir, info, manifest.onnxSha256)) return { dir, modelPath, manifest, verifiedBy: 'stamp' }
  const actual = await sha256File(modelPath, opts.signal)
  if (actual !== manifest.onnxSha256) {
    throw new AppError('MODEL_INVALID', `${modelPath} does not match its manifest (sha256 ${actual}, expected ${manifest.onnxSha256})`, { path: modelPath })
  }
  await writeStamp(dir, info, actual)
  return { dir, modelPath, manifest, verifiedBy: 'hash' }
}

/** Written next to model.onnx after it hashed to its manifest's value. */
export const VERIFIED_FILE = '.verified.json'

const stampOf = (info: Stats, sha256: string) => ({ size: info.size, dev: info.dev, ino: info.ino, mtimeMs: info.mtimeMs, ctimeMs: info.ctimeMs, sha256 })

async function stampMatches(dir: string, info: Stats, sha256: string): Promise<boolean> {
  const text = await readFile(join(dir, VERIFIED_FILE), 'utf8').catch(() => undefined)
  return text === JSON.stringify(stampOf(info, sha256))
}

/** Best effort: a read-only package folder is simply hashed every time. */
async function writeStamp(dir: string, info: Stats, sha256: string): Promise<void> {
  const tmp = join(dir, `${VERIFIED_FILE}.${process.pid}.tmp`)
  try {
    await writeFile(tmp, JSON.stringify(stampOf(info, sha256)))
    await rename(tmp, join(dir, VERIFIED_FILE))
  } catch {
    await unlink(tmp).catch(() => undefined)
  }
}
