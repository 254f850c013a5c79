// Test-local RIFF walk (independent of src-main/audio/riff.ts): returns the metadata chunks and
// the header facts that readRecordingMetadata needs. Chunks a size-trusting walk misses (the
// Kaleidoscope file whose `wamd` starts inside the data chunk) are found by searching the tail.
import { readFileSync } from 'node:fs'
import type { MetadataChunk } from '../../../src-main/season/metadata/recording-metadata'

export interface WalkedWav {
  chunks: MetadataChunk[]
  sampleRate?: number
  durationSeconds?: number
}

const METADATA_IDS = ['LIST', 'guan', 'wamd', 'id3 ']

export function walkWav(path: string): WalkedWav {
  const b = readFileSync(path)
  const out: WalkedWav = { chunks: [] }
  if (b.toString('latin1', 0, 4) !== 'RIFF') return out
  let blockAlign = 0
  let dataStart = -1
  let dataSize = 0
  let offset = 12
  while (offset + 8 <= b.length) {
    const id = b.toString('latin1', offset, offset + 4)
    if (!/^[\x20-\x7e]{4}$/.test(id)) break
    const size = b.readUInt32LE(offset + 4)
    const end = Math.min(b.length, offset + 8 + size)
    if (id === 'fmt ') {
      out.sampleRate = b.readUInt32LE(offset + 12)
      blockAlign = b.readUInt16LE(offset + 20)
    } else if (id === 'data') {
      dataStart = offset + 8
      dataSize = end - dataStart
    } else if (METADATA_IDS.includes(id)) {
      out.chunks.push({ id, payload: b.subarray(offset + 8, end) })
    }
    offset += 8 + size + (size & 1)
  }
  if (dataStart >= 0 && out.sampleRate && blockAlign) {
    out.durationSeconds = Math.floor(dataSize / blockAlign) / out.sampleRate
    for (const id of METADATA_IDS) {
      if (out.chunks.some((c) => c.id === id)) continue
      const at = b.indexOf(id, Math.max(dataStart, dataStart + dataSize - 64), 'latin1')
      if (at < 0 || at + 8 > b.length) continue
      const size = b.readUInt32LE(at + 4)
      if (at + 8 + size > b.length) continue
      out.chunks.push({ id, payload: b.subarray(at + 8, at + 8 + size) })
    }
  }
  return out
}
