// Synthetic folder trees for scan tests: tiny files whose first bytes are real container headers.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

export const HEADERS = {
  wav: Buffer.concat([Buffer.from('RIFF'), Buffer.from([36, 0, 0, 0]), Buffer.from('WAVEfmt ')]),
  flac: Buffer.from('fLaC\0\0\0\x22'),
  mp3: Buffer.from([0xff, 0xfb, 0x90, 0x64, 0, 0, 0, 0]),
  ogg: Buffer.concat([Buffer.from('OggS'), Buffer.alloc(24), Buffer.from('\x01vorbis')]),
}

export interface TreeCounts {
  files: number
  wav: number
  flac: number
  mp3: number
  other: number
}

/**
 * `dirs` folders of `perDir` files each: mostly WAV, some FLAC and MP3, one text file per folder.
 * Returns what a correct scan must count.
 */
export function makeAudioTree(root: string, dirs: number, perDir: number): TreeCounts {
  const counts: TreeCounts = { files: 0, wav: 0, flac: 0, mp3: 0, other: 0 }
  for (let d = 0; d < dirs; d++) {
    const dir = join(root, `site-${String(d).padStart(3, '0')}`, 'card')
    mkdirSync(dir, { recursive: true })
    for (let i = 0; i < perDir; i++) {
      const kind = i % 10 === 0 ? 'flac' : i % 10 === 1 ? 'mp3' : 'wav'
      writeFileSync(join(dir, `rec-${i}.${kind}`), Buffer.concat([HEADERS[kind], Buffer.alloc(8)]))
      counts[kind] += 1
      counts.files += 1
    }
    writeFileSync(join(dir, 'notes.txt'), 'battery ok')
    counts.other += 1
    counts.files += 1
  }
  return counts
}
