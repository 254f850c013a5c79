import { afterAll, describe, expect, it } from 'vitest'
import { decodeAudio } from '../../src-main/audio'
import { wavHeader } from '../../src-main/audio/wav-header'
import { encodeFrames, simpleWav, tempDir } from './wav-builder'

const tmp = tempDir('obs-wav-header-')
afterAll(() => tmp.cleanup())

describe('wavHeader', () => {
  it('writes the same bytes as the chunk-by-chunk builder for 16-bit stereo PCM', () => {
    const frames = [[1, -2], [32767, -32768], [0, 5]]
    const spec = { codec: 'pcm', bits: 16, channels: 2, rate: 22_050 } as const
    const file = Buffer.concat([wavHeader({ rate: 22_050, frames: 3, channels: 2, encoding: 'pcm16' }), encodeFrames(spec, frames)])
    expect(file.equals(simpleWav(spec, frames))).toBe(true)
  })

  it('makes a float32 mono file our decoder reads back exactly', async () => {
    const samples = new Float32Array([0, 0.5, -1, 0.25, Math.fround(0.1)])
    const data = Buffer.from(samples.buffer)
    const path = tmp.file('float.wav', Buffer.concat([wavHeader({ rate: 16_000, frames: samples.length, encoding: 'float32' }), data]))
    const { info, samples: back } = await decodeAudio(path)
    expect(info).toMatchObject({ container: 'wav', codec: 'float', sampleRate: 16_000, channels: 1, frames: 5, bitsPerSample: 32, warnings: [] })
    expect(Array.from(back)).toEqual(Array.from(samples))
  })

  it('clamps sizes past 4 GiB to 0xFFFFFFFF instead of throwing', () => {
    const h = wavHeader({ rate: 384_000, frames: 3_000_000_000, encoding: 'pcm16' })
    expect(h.readUInt32LE(4)).toBe(0xffffffff)
    expect(h.readUInt32LE(40)).toBe(0xffffffff)
    expect(h.readUInt32LE(28)).toBe(768_000)
  })
})
