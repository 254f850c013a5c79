// Window embeddings on disk: one file per analysed recording,
// <project>/embeddings/analysis-<id>/<recording id>.f32 = float32 little-endian, windows × dim,
// window 0 first. The file is written under a temporary name, flushed and renamed before the
// database row that lists it commits, so a row always points at a whole file; a file without a
// row (a crash between the rename and the commit) is simply written again.
import { createHash, type Hash } from 'node:crypto'
import { closeSync, existsSync, fstatSync, fsyncSync, mkdirSync, openSync, readdirSync, readSync, renameSync, rmSync, unlinkSync, writeSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { AppError } from '../errors'

export const EMBEDDINGS_DIR = 'embeddings'

export function analysisFolder(projectDir: string, analysisId: number): string {
  return join(projectDir, EMBEDDINGS_DIR, `analysis-${analysisId}`)
}

export function embeddingsFile(projectDir: string, analysisId: number, recordingId: number): string {
  return join(analysisFolder(projectDir, analysisId), `${recordingId}.f32`)
}

const FLUSH_BYTES = 1 << 20

/** Appends window vectors to a temporary file; `commit` flushes it and moves it into place. */
export class EmbeddingFileWriter {
  private readonly tmp: string
  private fd: number | null
  private readonly buffer = Buffer.alloc(FLUSH_BYTES)
  private used = 0
  private readonly hash: Hash = createHash('sha256')
  windows = 0

  constructor(
    private readonly path: string,
    readonly dim: number,
  ) {
    mkdirSync(dirname(path), { recursive: true })
    this.tmp = `${path}.partial-${process.pid}`
    this.fd = openSync(this.tmp, 'w')
  }

  append(vector: Float32Array): void {
    if (vector.length !== this.dim) throw new AppError('INTERNAL', `window embedding has ${vector.length} values, the analysis stores ${this.dim}`)
    const bytes = Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength)
    if (this.used + bytes.length > this.buffer.length) this.flush()
    if (bytes.length > this.buffer.length) this.write(bytes)
    else {
      bytes.copy(this.buffer, this.used)
      this.used += bytes.length
    }
    this.windows++
  }

  /** Durably in place; returns the sha256 of the bytes. */
  commit(): string {
    this.flush()
    const fd = this.requireFd()
    fsyncSync(fd)
    closeSync(fd)
    this.fd = null
    renameSync(this.tmp, this.path)
    return this.hash.digest('hex')
  }

  /** Drops the temporary file (a failed or cancelled recording). */
  abort(): void {
    if (this.fd !== null) {
      closeSync(this.fd)
      this.fd = null
    }
    rmSync(this.tmp, { force: true })
  }

  private flush(): void {
    if (this.used === 0) return
    this.write(this.buffer.subarray(0, this.used))
    this.used = 0
  }

  private write(bytes: Buffer): void {
    this.hash.update(bytes)
    const fd = this.requireFd()
    let off = 0
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off)
  }

  private requireFd(): number {
    if (this.fd === null) throw new AppError('INTERNAL', `embedding file ${this.tmp} is already closed`)
    return this.fd
  }
}

/** The windows × dim embeddings of one recording, checked against the expected size. */
export function readEmbeddings(path: string, windows: number, dim: number, into?: Float32Array): Float32Array {
  const bytes = windows * dim * 4
  let fd: number
  try {
    fd = openSync(path, 'r')
  } catch {
    throw new AppError('NOT_FOUND', `embeddings file ${path} is missing: analyse the recording again`)
  }
  try {
    // the size from the open file (one system call fewer than stat by path: rescoring opens thousands)
    const size = fstatSync(fd).size
    if (size !== bytes) throw new AppError('EMBEDDING_INVALID', `embeddings file ${path} has ${size} bytes, expected ${windows} windows × ${dim} × 4 = ${bytes}`)
    const out = into && into.length >= windows * dim ? into.subarray(0, windows * dim) : new Float32Array(windows * dim)
    const view = Buffer.from(out.buffer, out.byteOffset, bytes)
    let off = 0
    while (off < bytes) {
      const n = readSync(fd, view, off, bytes - off, off)
      if (n <= 0) throw new AppError('EMBEDDING_INVALID', `embeddings file ${path} ended after ${off} of ${bytes} bytes`)
      off += n
    }
    return out
  } finally {
    closeSync(fd)
  }
}

export function removeEmbeddingsFile(path: string): void {
  if (existsSync(path)) unlinkSync(path)
}

export function removeAnalysisFolder(projectDir: string, analysisId: number): void {
  rmSync(analysisFolder(projectDir, analysisId), { recursive: true, force: true })
}

/**
 * Removes temporary files a killed analysis left in the folder (call before analysing into it;
 * analyses run one at a time, the job system's 'gpu' class).
 */
export function removePartialFiles(projectDir: string, analysisId: number): number {
  const folder = analysisFolder(projectDir, analysisId)
  if (!existsSync(folder)) return 0
  const stale = readdirSync(folder).filter((f) => f.includes('.partial-'))
  for (const f of stale) rmSync(join(folder, f), { force: true })
  return stale.length
}
