// Folder trees of tiny but valid WAV files, made on the fly so no audio is committed. A scan reads
// only the first bytes of each file, so thousands of 76-byte files exercise it like a real season.
// Every WAV is a hard link to one file: creating a link is one system call, writing a file three,
// which makes a 40 000-file season take seconds instead of minutes on a slow disk.
import { linkSync, mkdirSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'

/** 16-bit mono PCM at 16 kHz with 16 silent samples. */
function tinyWav(): Buffer {
  const samples = 16
  const dataBytes = samples * 2
  const b = Buffer.alloc(44 + dataBytes)
  b.write('RIFF', 0, 'ascii')
  b.writeUInt32LE(36 + dataBytes, 4)
  b.write('WAVE', 8, 'ascii')
  b.write('fmt ', 12, 'ascii')
  b.writeUInt32LE(16, 16)
  b.writeUInt16LE(1, 20) // PCM
  b.writeUInt16LE(1, 22) // mono
  b.writeUInt32LE(16_000, 24)
  b.writeUInt32LE(32_000, 28)
  b.writeUInt16LE(2, 32)
  b.writeUInt16LE(16, 34)
  b.write('data', 36, 'ascii')
  b.writeUInt32LE(dataBytes, 40)
  return b
}

export interface RecordingTree {
  root: string
  audioFiles: number
  otherFiles: number
}

/**
 * `sites` × `deploymentsPerSite` folders of `filesPerDeployment` WAVs named like AudioMoth files,
 * plus one notes file per site (so the scan has something that is not audio).
 */
export function writeRecordingTree(root: string, shape: { sites: number; deploymentsPerSite: number; filesPerDeployment: number }): RecordingTree {
  // The source file sits beside the tree, so a scan of the tree does not count it.
  const source = join(dirname(root), `.${basename(root)}-source.wav`)
  writeFileSync(source, tinyWav())
  let audioFiles = 0
  let otherFiles = 0
  for (let s = 1; s <= shape.sites; s++) {
    const site = join(root, `site-${String(s).padStart(2, '0')}`)
    mkdirSync(site, { recursive: true })
    writeFileSync(join(site, 'notes.txt'), `Site ${s}: recorder strapped to a tree, 1.5 m.\n`)
    otherFiles += 1
    for (let d = 1; d <= shape.deploymentsPerSite; d++) {
      const dir = join(site, `deployment-${d}`)
      mkdirSync(dir, { recursive: true })
      for (let f = 0; f < shape.filesPerDeployment; f++) {
        const minutes = f * 10
        const hh = String(Math.floor(minutes / 60) % 24).padStart(2, '0')
        const mm = String(minutes % 60).padStart(2, '0')
        linkSync(source, join(dir, `2024${String(d).padStart(2, '0')}${String((f % 28) + 1).padStart(2, '0')}_${hh}${mm}${String(f).padStart(4, '0')}.WAV`))
        audioFiles += 1
      }
    }
  }
  return { root, audioFiles, otherFiles }
}
