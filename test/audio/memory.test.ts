// A long high-rate recording must stream with bounded memory. The file is sparse (a header, a
// pattern at both ends, and a hole of zeros the file system does not store), so it costs no disk.
import { closeSync, ftruncateSync, openSync, writeSync } from 'node:fs'
import { afterAll, expect, it } from 'vitest'
import { probeAudio, streamAudio } from '../../src-main/audio'
import { encodeFrames, fmtChunk, riff, tempDir } from './wav-builder'

const tmp = tempDir('obs-memory-')
afterAll(() => tmp.cleanup())

const RATE = 384_000
const FRAMES = RATE * 60 * 10 // 10 minutes: 460.8 MB of 16-bit samples, over twice the bound
const PATTERN = 1000

it('streams 10 minutes of 384 kHz 16-bit audio (461 MB) with under 200 MB of resident growth', async () => {
  const spec = { codec: 'pcm', bits: 16, channels: 1, rate: RATE } as const
  const header = riff([fmtChunk(spec)])
  header.writeUInt32LE(36 + 8 + FRAMES * 2, 4)
  const dataHeader = Buffer.alloc(8)
  dataHeader.write('data', 0, 'latin1')
  dataHeader.writeUInt32LE(FRAMES * 2, 4)
  const pattern = encodeFrames(spec, Array.from({ length: PATTERN }, (_, i) => [i * 17 - 8000]))
  const path = `${tmp.dir}/long.wav`
  const fd = openSync(path, 'w')
  writeSync(fd, Buffer.concat([header, dataHeader, pattern]), 0)
  writeSync(fd, pattern, 0, pattern.length, 44 + (FRAMES - PATTERN) * 2)
  ftruncateSync(fd, 44 + FRAMES * 2)
  closeSync(fd)

  expect((await probeAudio(path)).frames).toBe(FRAMES)
  global.gc?.()
  const before = process.memoryUsage().rss
  let peak = before
  let frames = 0
  let blocks = 0
  let head: number[] = []
  let tail: Float32Array = new Float32Array(0)
  for await (const block of streamAudio(path)) {
    if (blocks === 0) head = Array.from(block.subarray(0, 3))
    tail = block
    frames += block.length
    if (++blocks % 256 === 0) peak = Math.max(peak, process.memoryUsage().rss)
  }
  peak = Math.max(peak, process.memoryUsage().rss)
  expect(frames).toBe(FRAMES)
  expect(head).toEqual([-8000 / 32768, -7983 / 32768, -7966 / 32768])
  expect(tail[tail.length - 1]).toBe(((PATTERN - 1) * 17 - 8000) / 32768)
  expect(peak - before).toBeLessThan(200 * 1024 * 1024)
})
