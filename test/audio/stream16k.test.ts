import { afterAll, describe, expect, it } from 'vitest'
import { decodeAudio, effectiveSampleRate, resample, stream16k } from '../../src-main/audio'
import { collect, seededRandom, simpleWav, tempDir } from './wav-builder'

const tmp = tempDir('obs-16k-')
afterAll(() => tmp.cleanup())

function noiseFrames(n: number, channels: number, seed: number): number[][] {
  const rnd = seededRandom(seed)
  return Array.from({ length: n }, () => Array.from({ length: channels }, () => Math.floor(rnd() * 65536) - 32768))
}

describe('stream16k', () => {
  const stereo = tmp.file('s44.wav', simpleWav({ codec: 'pcm', bits: 16, channels: 2, rate: 44100 }, noiseFrames(30_011, 2, 1)))

  it('equals resample(decodeAudio(…)) bit for bit, whatever the block size', async () => {
    const { samples } = await decodeAudio(stereo)
    const expected = resample(samples, 44100, 16000)
    for (const blockFrames of [1, 100, 4096, undefined]) {
      const { samples: got, result } = await collect(stream16k(stereo, { blockFrames }))
      expect(got).toEqual(expected)
      expect(result).toEqual({ frames: expected.length, warnings: [] })
    }
    const right = await collect(stream16k(stereo, { channel: 1 }))
    expect(right.samples).toEqual(resample((await decodeAudio(stereo, { channel: 1 })).samples, 44100, 16000))
  })

  it('applies the time-expansion factor: a ×10 file with a 38.4 kHz header is resampled from 384 kHz', async () => {
    const path = tmp.file('te.wav', simpleWav({ codec: 'pcm', bits: 16, channels: 1, rate: 38_400 }, noiseFrames(9_600, 1, 2)))
    const { samples } = await decodeAudio(path)
    const asWritten = await collect(stream16k(path))
    expect(asWritten.samples.length).toBe(4000)
    const expanded = await collect(stream16k(path, { timeExpansion: 10 }))
    expect(expanded.samples.length).toBe(400)
    expect(expanded.samples).toEqual(resample(samples, 384_000, 16_000))
  })

  it('rounds an effective rate that is not a whole number of Hz, and warns', async () => {
    const path = tmp.file('odd.wav', simpleWav({ codec: 'pcm', bits: 16, channels: 1, rate: 44_101 }, noiseFrames(1000, 1, 3)))
    const warned: string[] = []
    const { result } = await collect(stream16k(path, { timeExpansion: 1.5, onWarning: (w) => warned.push(w) }))
    const message = 'header rate 44101 Hz × time expansion 1.5 is not a whole number of Hz; using 66152 Hz'
    expect(warned).toEqual([message])
    expect((result as { warnings: string[] }).warnings).toEqual([message])
    expect(effectiveSampleRate(38_400, 10)).toBe(384_000)
  })

  it('rejects time-expansion factors that are not positive numbers', async () => {
    for (const timeExpansion of [0, -10, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(collect(stream16k(stereo, { timeExpansion }))).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
    }
  })

  it('passes 16 kHz audio through and reports progress up to the total', async () => {
    const path = tmp.file('16k.wav', simpleWav({ codec: 'pcm', bits: 16, channels: 1, rate: 16_000 }, noiseFrames(5000, 1, 4)))
    const progress: [number, number][] = []
    const { samples } = await collect(stream16k(path, { blockFrames: 2000, onProgress: (d, t) => progress.push([d, t]) }))
    expect(samples).toEqual((await decodeAudio(path)).samples)
    expect(progress).toEqual([
      [2000, 5000],
      [4000, 5000],
      [5000, 5000],
    ])
  })

  it('stops cleanly when the consumer breaks early', async () => {
    let blocks = 0
    for await (const block of stream16k(stereo, { blockFrames: 1000 })) {
      expect(block.length).toBeGreaterThan(0)
      if (++blocks === 2) break
    }
    expect(blocks).toBe(2)
  })
})
