import { describe, expect, it } from 'vitest'
import { Chunker, chunkSamples, MIN_ENCODER_SAMPLES, timePatchesIn } from '../../../src-main/model/embed/chunker'

const ramp = (n: number): Float32Array => Float32Array.from({ length: n }, (_, i) => i)

function cutAll(total: number, block: number, k: number): { chunks: ReturnType<Chunker['push']>; end: ReturnType<Chunker['finish']> } {
  const chunker = new Chunker(k)
  const signal = ramp(total)
  const chunks = []
  for (let i = 0; i < total; i += block) chunks.push(...chunker.push(signal.subarray(i, i + block)))
  return { chunks, end: chunker.finish() }
}

describe('chunker', () => {
  it('cuts 2560·k + 240-sample chunks starting 2560·k apart, whatever the block size', () => {
    const k = 62
    expect(chunkSamples(k)).toBe(158_960)
    for (const block of [1000, 65536, 400_000]) {
      const { chunks } = cutAll(400_000, block, k)
      expect(chunks.map((c) => [c.index, c.startSample, c.timePatches, c.samples.length])).toEqual([
        [0, 0, 62, 158_960],
        [1, 158_720, 62, 158_960],
      ])
      for (const c of chunks) expect(c.samples[0]).toBe(c.startSample) // content is the recording at that offset
      expect(chunks[1].samples[158_959]).toBe(158_720 + 158_959)
    }
  })

  it('keeps a tail of 0.2 s or more as a shorter chunk on the same grid', () => {
    const { chunks, end } = cutAll(400_000, 4096, 62)
    expect(chunks).toHaveLength(2)
    // 400 000 − 317 440 = 82 560 samples → 514 frames → 32 time patches
    expect(end.tail).toMatchObject({ index: 2, startSample: 317_440, timePatches: 32 })
    expect(end.tail?.samples[0]).toBe(317_440)
    expect(end.droppedSamples).toBe(82_560 - (2560 * 32 + 240))
    expect(end.paddedSamples).toBe(0)
  })

  it('drops a tail chunk shorter than 0.2 s (counting the 240 samples it shares)', () => {
    const short = cutAll(chunkSamples(10) + 2900, 777, 10) // tail chunk 3 140 samples
    expect(short.chunks).toHaveLength(1)
    expect(short.end.tail).toBeUndefined()
    expect(short.end.droppedSamples).toBe(2900)
    const enough = cutAll(chunkSamples(10) + 2960, 777, 10) // tail chunk exactly 3 200 samples
    expect(enough.end.tail).toMatchObject({ index: 1, startSample: 25_600, timePatches: 1 })
  })

  it('zero-pads a recording shorter than 0.2 s to 0.2 s', () => {
    const { chunks, end } = cutAll(1600, 512, 62)
    expect(chunks).toHaveLength(0)
    expect(end.tail?.samples.length).toBe(MIN_ENCODER_SAMPLES)
    expect(end.tail?.timePatches).toBe(1)
    expect(end.tail?.samples[1599]).toBe(1599)
    expect(end.tail?.samples[1600]).toBe(0)
    expect(end.paddedSamples).toBe(1600)
  })

  it('counts whole time patches the way the fbank and the patch conv do', () => {
    expect([399, 400, 2799, 2800, 16_000, 160_000].map(timePatchesIn)).toEqual([0, 0, 0, 1, 6, 62])
  })
})
