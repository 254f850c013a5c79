import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { wavHeader } from '../../../src-main/audio/wav-header'
import { computeFbank } from '../../../src-main/features/fbank'
import { chunkSamples } from '../../../src-main/model/embed/chunker'
import { embedFile, embedStream, type ChunkEmbeddings, type WindowEmbedding } from '../../../src-main/model/embed/embed-file'
import { createEncoderEngine, type EncoderEngine } from '../../../src-main/model/engine/encoder-engine'
import { buildEncoderGraph } from '../../../src-main/model/onnx/encoder-graph'
import { DEFAULT_NORMALIZATION } from '../../../src-main/model/types'
import { maxAbs, TINY, tinyHead, tinyWeights } from '../onnx/tiny-model'

const D = TINY.dim

/** A bird-ish test signal: a warbling tone over faint noise, deterministic. */
function signal(n: number, rate = 16000): Float32Array {
  const out = new Float32Array(n)
  let s = 12345
  let phase = 0
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    phase += (2 * Math.PI * (2500 + 800 * Math.sin((2 * Math.PI * 3 * i) / rate))) / rate
    out[i] = 0.3 * Math.sin(phase) * (0.5 + 0.5 * Math.sin((2 * Math.PI * i) / rate)) + 0.01 * (s / 2 ** 32 - 0.5)
  }
  return out
}

function writeWav(path: string, channels: Float32Array[], rate: number): void {
  const n = channels[0].length
  const c = channels.length
  const buf = Buffer.alloc(44 + n * c * 2)
  wavHeader({ rate, frames: n, channels: c, encoding: 'pcm16' }).copy(buf)
  for (let i = 0; i < n; i++) for (let ch = 0; ch < c; ch++) buf.writeInt16LE(Math.round(channels[ch][i] * 32767), 44 + (i * c + ch) * 2)
  writeFileSync(path, buf)
}

async function* blocksOf(x: Float32Array, size: number): AsyncGenerator<Float32Array> {
  for (let i = 0; i < x.length; i += size) yield x.subarray(i, i + size)
}

describe('embedding pipeline', () => {
  const root = mkdtempSync(join(tmpdir(), 'ob-embed-'))
  let engine: EncoderEngine
  beforeAll(async () => {
    engine = await createEncoderEngine({ modelBytes: buildEncoderGraph(TINY, tinyWeights(), { head: tinyHead(3) }).bytes }, { providers: ['cpu'], threads: 1 })
  })
  afterAll(async () => {
    await engine.dispose()
    rmSync(root, { recursive: true, force: true })
  })

  const audio = signal(100_000) // 6.25 s: with k = 16, chunks of 41 200 samples 40 960 apart
  const k = 16

  it('tiles the recording with grid-aligned chunks, each encoded exactly like the chunk alone', async () => {
    const chunks: ChunkEmbeddings[] = []
    const result = await embedStream(blocksOf(audio, 7000), engine, { chunkPatches: k, onChunk: (c) => void chunks.push(c) })
    // two full chunks (16 patches) and a tail of 100 000 − 81 920 = 18 080 samples → 111 frames → 6 patches
    expect(chunks.map((c) => [c.index, c.startSeconds, c.firstPatch, c.timePatches])).toEqual([
      [0, 0, 0, 16],
      [1, 2.56, 16, 16],
      [2, 5.12, 32, 6],
    ])
    expect(result).toMatchObject({ chunks: 3, timePatches: 38, samples: 100_000, dim: D, windows: 0 })
    expect(result.droppedSamples).toBe(18_080 - (2560 * 6 + 240))
    for (const c of chunks) {
      const start = c.firstPatch * 2560
      const alone = computeFbank(audio.subarray(start, start + chunkSamples(c.timePatches)), DEFAULT_NORMALIZATION)
      const out = await engine.run(alone.data, 1, alone.frames)
      expect(maxAbs(c.patches, out.patches)).toBe(0)
      expect(maxAbs(c.logits ?? [], out.logits ?? [])).toBe(0)
    }
  })

  it('derives frame, clip and clip-logit values from the patches', async () => {
    const chunks: ChunkEmbeddings[] = []
    const result = await embedStream(blocksOf(audio, 65536), engine, { chunkPatches: k, onChunk: (c) => void chunks.push(c) })
    const c = chunks[1]
    for (const t of [0, 7, 15]) {
      const mean = Array.from({ length: D }, (_, d) => [0, 1, 2, 3, 4, 5, 6, 7].reduce((s, f) => s + c.patches[(t * 8 + f) * D + d], 0) / 8)
      expect(maxAbs(c.frames.subarray(t * D, (t + 1) * D), mean)).toBeLessThan(1e-6)
    }
    const all = chunks.flatMap((ch) => Array.from({ length: ch.timePatches * 8 }, (_, p) => ch.patches.subarray(p * D, (p + 1) * D)))
    const clip = Array.from({ length: D }, (_, d) => all.reduce((s, p) => s + p[d], 0) / all.length)
    expect(maxAbs(result.clip, clip)).toBeLessThan(1e-6)
    // The head is affine: clip logits = patch-weighted mean of the chunk logits.
    const logits = [0, 1, 2].map((j) => chunks.reduce((s, ch) => s + (ch.logits?.[j] ?? NaN) * ch.timePatches * 8, 0) / all.length)
    expect(maxAbs(result.logits ?? [], logits)).toBeLessThan(1e-6)
  })

  it('gives the same embeddings with batches of equal-length chunks', async () => {
    const one: ChunkEmbeddings[] = []
    const four: ChunkEmbeddings[] = []
    const long = signal(300_000)
    await embedStream(blocksOf(long, 50_000), engine, { chunkPatches: k, batchSize: 1, onChunk: (c) => void one.push(c) })
    await embedStream(blocksOf(long, 50_000), engine, { chunkPatches: k, batchSize: 4, onChunk: (c) => void four.push(c) })
    expect(four.map((c) => c.index)).toEqual(one.map((c) => c.index))
    one.forEach((c, i) => expect(maxAbs(c.patches, four[i].patches)).toBeLessThan(1e-5))
  })

  it('streams window embeddings across chunk boundaries', async () => {
    const windows: WindowEmbedding[] = []
    const chunks: ChunkEmbeddings[] = []
    const result = await embedStream(blocksOf(audio, 9000), engine, { chunkPatches: k, windowSeconds: 1, hopSeconds: 0.5, onWindow: (w) => void windows.push(w), onChunk: (c) => void chunks.push(c) })
    expect(result.windows).toBe(windows.length)
    expect(windows.map((w) => w.index)).toEqual(Array.from({ length: windows.length }, (_, i) => i))
    const frames = (t: number): Float32Array => {
      const c = chunks.find((ch) => t >= ch.firstPatch && t < ch.firstPatch + ch.timePatches)
      if (!c) throw new Error(`no chunk has patch ${t}`)
      return c.frames.subarray((t - c.firstPatch) * D, (t - c.firstPatch + 1) * D)
    }
    // window 4 = [2, 3) s holds time patches 12…18 (centres 2.0075 … 2.9675 s): chunk 0 ends after patch 15
    const w4 = windows[4]
    expect([w4.startSeconds, w4.firstPatch, w4.timePatches]).toEqual([2, 12, 7])
    const mean = Array.from({ length: D }, (_, d) => Array.from({ length: 7 }, (_, i) => frames(12 + i)[d]).reduce((a, b) => a + b) / 7)
    expect(maxAbs(w4.embedding, mean)).toBeLessThan(1e-6)
  })

  it('reads a 48 kHz stereo WAV, takes the chosen channel, and reports progress', async () => {
    const path = join(root, 'stereo48k.wav')
    const left = signal(48000 * 4, 48000)
    writeWav(path, [left, new Float32Array(left.length)], 48000)
    const progress: number[] = []
    const mean = await embedFile(path, engine, { chunkPatches: k, onProgress: (p) => progress.push(p.doneSeconds) })
    const leftOnly = await embedFile(path, engine, { chunkPatches: k, channel: 0 })
    const rightOnly = await embedFile(path, engine, { chunkPatches: k, channel: 1 })
    expect(mean.durationSeconds).toBeCloseTo(4, 3)
    expect(mean.timePatches).toBe(leftOnly.timePatches)
    expect(maxAbs(mean.clip, leftOnly.clip)).toBeGreaterThan(1e-3) // mean of channels = half amplitude
    expect(maxAbs(leftOnly.clip, rightOnly.clip)).toBeGreaterThan(1e-3)
    expect(progress.length).toBeGreaterThan(1)
    expect(progress.at(-1)).toBeCloseTo(4, 2)
  })

  it('pads a clip shorter than 0.2 s and says so; refuses an empty one', async () => {
    const shortPath = join(root, 'short.wav')
    writeWav(shortPath, [signal(1200)], 16000)
    const r = await embedFile(shortPath, engine)
    expect(r).toMatchObject({ chunks: 1, timePatches: 1, paddedSamples: 2000 })
    expect(r.warnings.some((w) => w.includes('zero-padded'))).toBe(true)
    await expect(embedStream(blocksOf(new Float32Array(0), 10), engine)).rejects.toMatchObject({ code: 'AUDIO_EMPTY' })
  })

  it('stops with CANCELLED when aborted, and closes the source', async () => {
    const ac = new AbortController()
    let closed = false
    async function* source(): AsyncGenerator<Float32Array> {
      try {
        for (let i = 0; i < 100; i++) yield signal(41_200)
      } finally {
        closed = true
      }
    }
    const run = embedStream(source(), engine, { chunkPatches: k, onChunk: (c) => (c.index === 1 ? ac.abort() : undefined), signal: ac.signal })
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(closed).toBe(true)
  })
})
