// NumPy .npy files (format 1.0, '<f4', C order) for the CLI's fbank and embed outputs. Rows are
// streamed: the header is written with room to spare and rewritten with the final shape on close,
// so a long recording's patch embeddings never have to be held in memory.
import { closeSync, openSync, writeSync } from 'node:fs'
import { AppError } from '../errors'

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0])
/** Total header bytes (magic, length, dict, padding): a multiple of 64 with room for any shape. */
const HEADER_BYTES = 128

function headerFor(shape: readonly number[]): Buffer {
  const dims = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': ${dims}, }`
  const room = HEADER_BYTES - MAGIC.length - 2 - 1
  if (dict.length > room) throw new AppError('INTERNAL', `npy shape ${dims} does not fit the header`)
  const text = dict.padEnd(room, ' ') + '\n'
  const len = Buffer.alloc(2)
  len.writeUInt16LE(text.length, 0)
  return Buffer.concat([MAGIC, len, Buffer.from(text, 'latin1')])
}

/** Writes float32 rows of `columns` values (columns = 0: a 1-d array of `push`ed values). */
export class NpyWriter {
  private readonly fd: number
  private values = 0
  private closed = false

  constructor(
    readonly path: string,
    private readonly columns: number,
  ) {
    try {
      this.fd = openSync(path, 'w')
    } catch (err) {
      throw new AppError('INVALID_REQUEST', `cannot write ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
    }
    writeSync(this.fd, headerFor(columns > 0 ? [0, columns] : [0]))
  }

  push(values: Float32Array): void {
    if (this.columns > 0 && values.length % this.columns !== 0) throw new AppError('INTERNAL', `${values.length} values are not whole rows of ${this.columns}`)
    const bytes = Buffer.from(values.buffer, values.byteOffset, values.byteLength)
    let off = 0
    while (off < bytes.length) off += writeSync(this.fd, bytes, off, bytes.length - off)
    this.values += values.length
  }

  /** Rewrites the header with the final shape; returns it. */
  close(): number[] {
    if (this.closed) throw new AppError('INTERNAL', `${this.path} is already closed`)
    this.closed = true
    const shape = this.columns > 0 ? [this.values / this.columns, this.columns] : [this.values]
    try {
      writeSync(this.fd, headerFor(shape), 0, HEADER_BYTES, 0)
    } finally {
      closeSync(this.fd)
    }
    return shape
  }

  /** Closes without fixing the header (after a failure; the caller removes the file). */
  abandon(): void {
    if (this.closed) return
    this.closed = true
    closeSync(this.fd)
  }
}

/** A whole array in one call. */
export function writeNpy(path: string, values: Float32Array, shape: readonly number[]): void {
  const columns = shape.length === 1 ? 0 : shape.slice(1).reduce((a, b) => a * b, 1)
  if (shape.reduce((a, b) => a * b, 1) !== values.length) throw new AppError('INTERNAL', `shape [${shape.join(', ')}] does not hold ${values.length} values`)
  if (shape.length > 2) throw new AppError('INTERNAL', 'writeNpy writes 1-d and 2-d arrays')
  const w = new NpyWriter(path, columns)
  w.push(values)
  w.close()
}
