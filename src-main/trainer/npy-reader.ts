// Reads the float32 .npy files the trainer's embed job writes (np.save: format 1.0–3.0, '<f4',
// C order, 2-d). Parsed strictly: anything else is an error naming the file.
import { readFileSync } from 'node:fs'
import { AppError } from '../errors'

export interface Float32Matrix {
  rows: number
  columns: number
  data: Float32Array
}

const MAGIC = '\x93NUMPY'

export function readNpyMatrix(path: string): Float32Matrix {
  let bytes: Buffer
  try {
    bytes = readFileSync(path)
  } catch (err) {
    throw new AppError('NOT_FOUND', `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`)
  }
  const bad = (why: string): never => {
    throw new AppError('EMBEDDING_INVALID', `${path} is not a float32 matrix .npy file: ${why}`)
  }
  if (bytes.length < 10 || bytes.toString('latin1', 0, 6) !== MAGIC) bad('no NUMPY magic')
  const major = bytes[6]
  const headerLen = major === 1 ? bytes.readUInt16LE(8) : major === 2 || major === 3 ? bytes.readUInt32LE(8) : bad(`format version ${major}`)
  const start = major === 1 ? 10 : 12
  const header = bytes.toString('latin1', start, start + headerLen)
  if (!/'descr':\s*'<f4'/.test(header)) bad(`dtype is not little-endian float32 (${header.trim()})`)
  if (!/'fortran_order':\s*False/.test(header)) bad('Fortran order')
  const shape = /'shape':\s*\(\s*(\d+)\s*,\s*(\d+)\s*\)/.exec(header)
  if (!shape) bad(`shape is not 2-d (${header.trim()})`)
  const [rows, columns] = [Number(shape?.[1]), Number(shape?.[2])]
  const offset = start + headerLen
  if (bytes.length - offset !== rows * columns * 4) bad(`${bytes.length - offset} data bytes for a ${rows}×${columns} array`)
  const data = new Float32Array(rows * columns)
  Buffer.from(data.buffer).set(bytes.subarray(offset))
  return { rows, columns, data }
}
