import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { AppError } from '../../src-main/errors'
import { scanAudioFolder, type ScanCheckpoint } from '../../src-main/jobs/scan/scan-audio-folder'
import { HEADERS, makeAudioTree } from '../helpers/audio-tree'
import { tempDir } from '../helpers/main-services'

const dirs: Array<{ cleanup(): void }> = []
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()))
function root(): string {
  const d = tempDir()
  dirs.push(d)
  return d.path
}

describe('scanAudioFolder', () => {
  it('counts audio files by header, with sizes, and reports progress up to the total', async () => {
    const r = root()
    const expected = makeAudioTree(r, 3, 20)
    writeFileSync(join(r, '._rec.wav'), Buffer.from([0x00, 0x05, 0x16, 0x07, 0, 2, 0, 0]))
    writeFileSync(join(r, 'empty.flac'), '')
    symlinkSync(join(r, 'site-000'), join(r, 'loop'))
    const progress: Array<[number, number | null]> = []
    const result = await scanAudioFolder(r, { onProgress: (done, total) => progress.push([done, total]) })
    const wavBytes = expected.wav * (HEADERS.wav.length + 8)
    expect(result).toEqual({
      folder: r,
      files: expected.files + 2,
      bytes: wavBytes + expected.flac * 16 + expected.mp3 * 16 + expected.other * 10 + 8,
      audio: { files: expected.wav + expected.flac + expected.mp3, bytes: wavBytes + expected.flac * 16 + expected.mp3 * 16 },
      byFormat: { wav: { files: expected.wav, bytes: wavBytes }, flac: { files: expected.flac, bytes: expected.flac * 16 }, mp3: { files: expected.mp3, bytes: expected.mp3 * 16 } },
      unrecognised: { files: 2, bytes: 8 },
      other: { files: expected.other, bytes: expected.other * 10 },
      unreadable: 0,
      skippedLinks: 1,
    })
    expect(progress.at(-1)).toEqual([expected.files + 2, expected.files + 2])
    expect(progress.some(([, total]) => total === null)).toBe(true)
  })

  it('resumes from a checkpoint and ends with the same counts as a full run', async () => {
    const r = root()
    makeAudioTree(r, 4, 30)
    const full = await scanAudioFolder(r)
    const checkpoints: ScanCheckpoint[] = []
    await scanAudioFolder(r, { checkpointEvery: 50, onCheckpoint: (c) => checkpoints.push(c) })
    expect(checkpoints.map((c) => c.nextIndex)).toEqual([50, 100])
    const firstDone: number[] = []
    const resumed = await scanAudioFolder(r, { resumeFrom: checkpoints[1], onProgress: (done, total) => total !== null && firstDone.push(done) })
    expect(firstDone[0]).toBe(100)
    expect(resumed).toEqual(full)
  })

  it('ignores a checkpoint of another folder', async () => {
    const r = root()
    makeAudioTree(r, 1, 5)
    const full = await scanAudioFolder(r)
    const foreign: ScanCheckpoint = { version: 1, folder: '/elsewhere', nextIndex: 3, totals: { audio: { files: 99, bytes: 0 }, byFormat: {}, unrecognised: { files: 0, bytes: 0 }, other: { files: 0, bytes: 0 }, unreadable: 0 } }
    expect(await scanAudioFolder(r, { resumeFrom: foreign })).toEqual(full)
  })

  it('stops with CANCELLED when its signal fires', async () => {
    const r = root()
    makeAudioTree(r, 2, 50)
    const controller = new AbortController()
    let error: unknown
    try {
      await scanAudioFolder(r, { signal: controller.signal, onProgress: (done, total) => total !== null && done >= 10 && controller.abort() })
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('CANCELLED')
  })

  it('refuses relative paths, missing folders and files', async () => {
    const r = root()
    mkdirSync(join(r, 'x'))
    writeFileSync(join(r, 'file.wav'), HEADERS.wav)
    const code = async (p: string) => scanAudioFolder(p).then(() => null, (e: unknown) => (e instanceof AppError ? e.code : String(e)))
    expect(await code('relative/dir')).toBe('INVALID_REQUEST')
    expect(await code(join(r, 'missing'))).toBe('NOT_FOUND')
    expect(await code(join(r, 'file.wav'))).toBe('INVALID_REQUEST')
  })
})
