// A recording's fingerprint: cheap to compute (two 64 KiB reads whatever the file's size) and
// robust enough to recognise a file after it was moved or copied: its size, a hash of its first
// and last 64 KiB, and the header facts the probe read. Recorders write a timestamped header and
// distinct audio at both ends, so two different recordings practically never collide.
import { createHash } from 'node:crypto'

export const FINGERPRINT_EDGE_BYTES = 64 * 1024

export interface HeaderFacts {
  sampleRate: number
  channels: number
  frames: number
}

/** `v1:<size>:<32 hex digits>`. `tail` may overlap `head` in files under 128 KiB (it is the same bytes). */
export function fingerprintOf(size: number, head: Uint8Array, tail: Uint8Array, header: HeaderFacts | null): string {
  const hash = createHash('sha256')
  hash.update(`${size}\n`)
  hash.update(head)
  hash.update('\n--tail--\n')
  hash.update(tail)
  if (header) hash.update(`\n${header.sampleRate}/${header.channels}/${header.frames}`)
  return `v1:${size}:${hash.digest('hex').slice(0, 32)}`
}
