// Metadata parsers must turn any bytes into warnings, never exceptions: an import of thousands of
// files cannot stop on one damaged header.
import { describe, expect, it } from 'vitest'
import { parseAudioMothComment } from '../../../src-main/season/metadata/audiomoth'
import { parseFilenameTime } from '../../../src-main/season/metadata/filename-time'
import { parseGuano } from '../../../src-main/season/metadata/guano'
import { parseId3 } from '../../../src-main/season/metadata/id3'
import { parseOpsoMetadata } from '../../../src-main/season/metadata/opso-metadata'
import { readRecordingMetadata } from '../../../src-main/season/metadata/recording-metadata'
import { parseRiffInfo } from '../../../src-main/season/metadata/riff-info'
import { parseWamd } from '../../../src-main/season/metadata/wamd'

/** Deterministic bytes (mulberry32) so a failure can be replayed. */
function randomBytes(seed: number, length: number): Buffer {
  let a = seed >>> 0
  const out = Buffer.alloc(length)
  for (let i = 0; i < length; i++) {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff
  }
  return out
}

describe('metadata parsers on junk', () => {
  it('never throw on 300 random buffers, with and without valid-looking prefixes', () => {
    const prefixes = ['', 'INFO', 'ICMT', 'ID3\u0003\u0000\u0000', 'GUANO|Version:1.0\n', 'Recorded at 10:00:00 01/01/2024 (UTC', 'opso_metadata{']
    for (let seed = 1; seed <= 300; seed++) {
      const prefix = Buffer.from(prefixes[seed % prefixes.length], 'latin1')
      const bytes = Buffer.concat([prefix, randomBytes(seed, seed % 97)])
      const text = bytes.toString('latin1')
      expect(() => {
        parseGuano(bytes)
        parseWamd(bytes)
        parseRiffInfo(bytes)
        parseId3(bytes)
        parseAudioMothComment(text)
        parseOpsoMetadata(text)
        parseFilenameTime(text)
        readRecordingMetadata({
          fileName: text,
          sampleRate: seed * 1000,
          durationSeconds: seed / 7,
          chunks: ['LIST', 'guan', 'wamd', 'id3 '].map((id) => ({ id, payload: bytes })),
          comment: text,
          artist: text,
        })
      }, `seed ${seed}`).not.toThrow()
    }
  })

  it('truncating a real-looking wamd block at every length never throws', () => {
    const record = (tag: number, value: string): Buffer => {
      const head = Buffer.alloc(6)
      head.writeUInt16LE(tag, 0)
      head.writeUInt32LE(Buffer.byteLength(value), 2)
      return Buffer.concat([head, Buffer.from(value)])
    }
    const full = Buffer.concat([record(1, 'SM4BAT'), record(5, '2016-04-27 18:54:58.000'), record(6, 'WGS84,1,N,2,E')])
    for (let n = 0; n <= full.length; n++) expect(() => parseWamd(full.subarray(0, n))).not.toThrow()
  })
})
