// Reads the .npy files our CLI writes (format 1.0, '<f4', C order), checking the header.
import { readFileSync } from 'node:fs'

export function readNpy(path: string): { shape: number[]; data: Float32Array; headerBytes: number; header: string } {
  const buf = readFileSync(path)
  const magic = [...buf.subarray(0, 8)].join(',')
  if (magic !== '147,78,85,77,80,89,1,0') throw new Error(`${path}: not an .npy 1.0 file (${magic})`)
  const len = buf.readUInt16LE(8)
  const header = buf.subarray(10, 10 + len).toString('latin1')
  if (!/^\{'descr': '<f4', 'fortran_order': False, 'shape': \([\d, ]*\), \} *\n$/.test(header)) throw new Error(`${path}: unexpected header ${header}`)
  const shape = (header.match(/'shape': \(([^)]*)\)/)?.[1] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map(Number)
  const body = buf.subarray(10 + len)
  const data = new Float32Array(body.length / 4)
  for (let i = 0; i < data.length; i++) data[i] = body.readFloatLE(4 * i)
  return { shape, data, headerBytes: 10 + len, header }
}
