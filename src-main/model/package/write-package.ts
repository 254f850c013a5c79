// Writes a model package so that a reader sees either no folder or a complete one: everything goes
// into a hidden sibling folder first, is flushed to disk, and is renamed into place at the end.
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, open, rename, rm, stat } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { AppError, throwIfAborted } from '../../errors'
import { CONVERTER_VERSION, MANIFEST_FILE, MODEL_FILE, ModelManifestSchema, type ModelManifest, type ModelManifestDraft } from './manifest'

export interface ModelPackageContents {
  /** The serialised ONNX model. */
  graph: Uint8Array
  manifest: ModelManifestDraft
}

export interface WritePackageOptions {
  /** Replace an existing package at destDir (the old one is removed only after the new one is in place). */
  replace?: boolean
  signal?: AbortSignal
}

async function writeDurably(path: string, data: Uint8Array, signal?: AbortSignal): Promise<void> {
  const file = await open(path, 'wx')
  try {
    await file.writeFile(data, { signal })
    await file.sync()
  } finally {
    await file.close()
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  )
}

/** Writes `model.onnx` + `manifest.json` into destDir atomically; returns the final manifest. */
export async function writeModelPackage(destDir: string, contents: ModelPackageContents, opts: WritePackageOptions = {}): Promise<ModelManifest> {
  const { signal } = opts
  throwIfAborted(signal)
  if (!opts.replace && (await exists(destDir))) {
    throw new AppError('INVALID_REQUEST', `cannot write model package: ${destDir} already exists`, { path: destDir })
  }
  const manifest = ModelManifestSchema.parse({
    ...contents.manifest,
    formatVersion: 1,
    onnxSha256: createHash('sha256').update(contents.graph).digest('hex'),
    onnxBytes: contents.graph.byteLength,
    converterVersion: CONVERTER_VERSION,
    createdAt: new Date().toISOString(),
  })
  const tag = randomBytes(4).toString('hex')
  const tmpDir = join(dirname(destDir), `.${basename(destDir)}.partial-${tag}`)
  const oldDir = join(dirname(destDir), `.${basename(destDir)}.old-${tag}`)
  try {
    await mkdir(dirname(destDir), { recursive: true })
    await mkdir(tmpDir)
    await writeDurably(join(tmpDir, MODEL_FILE), contents.graph, signal)
    throwIfAborted(signal)
    await writeDurably(join(tmpDir, MANIFEST_FILE), new TextEncoder().encode(JSON.stringify(manifest, null, 2) + '\n'), signal)
    throwIfAborted(signal)
    const replacing = opts.replace === true && (await exists(destDir))
    if (replacing) await rename(destDir, oldDir)
    try {
      await rename(tmpDir, destDir)
    } catch (err) {
      if (replacing) await rename(oldDir, destDir)
      throw err
    }
    if (replacing) await rm(oldDir, { recursive: true, force: true })
    return manifest
  } catch (err) {
    await rm(tmpDir, { recursive: true, force: true })
    if (err instanceof AppError) throw err
    if (err instanceof Error && err.name === 'AbortError') throw new AppError('CANCELLED', 'cancelled')
    throw new AppError('INTERNAL', `cannot write model package ${destDir}: ${err instanceof Error ? err.message : String(err)}`)
  }
}
