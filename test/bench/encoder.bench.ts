// Encoder throughput (audio-seconds per wall-second) on a Base-size random OpenBEATs, 10 s clips,
// 2 intra-op threads: float vs int8, batch 1 vs 4, and the int8 quality check (clip-embedding
// cosine against float on real-ish audio).
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { stream16k } from '../../src-main/audio'
import { computeFbank } from '../../src-main/features/fbank'
import { createEncoderEngine, type EncoderEngine } from '../../src-main/model/engine/encoder-engine'
import { DEFAULT_NORMALIZATION } from '../../src-main/model/types'
import { baseModelDir } from '../model/demo/bench-models'
import { timeIt, type BenchGroup, type BenchResult } from './harness'

// test/helpers/shared-data imports vitest, which cannot load outside a test run.
const RECORDINGS = resolve(process.env.OPENBEATS_SHARED_DIR ?? resolve(__dirname, '..', '..', '..', 'shared'), 'testdata', 'real', 'recordings')
const CLIP_SAMPLES = 160_000 // 10 s → 998 frames → 496 patches, as in spec §13
const THREADS = 2

/** A warbling tone over noise, for machines without ../shared. */
function syntheticClip(seed: number): Float32Array {
  const x = new Float32Array(CLIP_SAMPLES)
  let s = seed >>> 0
  let phase = 0
  for (let i = 0; i < x.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    phase += (2 * Math.PI * (2000 + 1500 * Math.sin((2 * Math.PI * (2 + seed) * i) / 16000))) / 16000
    const burst = Math.sin((2 * Math.PI * i) / 24000) > 0.3 ? 0.3 : 0.02
    x[i] = burst * Math.sin(phase) + 0.02 * (s / 2 ** 32 - 0.5)
  }
  return x
}

/** 10 s clips of real recordings (or synthetic ones), as normalised fbank. */
async function realishClips(max: number): Promise<{ fbank: Float32Array; frames: number; source: string }[]> {
  const clips: { samples: Float32Array; source: string }[] = []
  for (const name of ['1min.wav', 'spinetail.wav', 'LluviasDeMayo.flac']) {
    const path = resolve(RECORDINGS, name)
    if (!existsSync(path)) continue
    let buf = new Float32Array(0)
    for await (const block of stream16k(path)) {
      const next = new Float32Array(buf.length + block.length)
      next.set(buf)
      next.set(block, buf.length)
      buf = next
      while (buf.length >= CLIP_SAMPLES && clips.length < max) {
        clips.push({ samples: buf.slice(0, CLIP_SAMPLES), source: name })
        buf = buf.slice(CLIP_SAMPLES)
      }
    }
  }
  for (let i = 0; clips.length < Math.min(max, 4); i++) clips.push({ samples: syntheticClip(i + 1), source: 'synthetic' })
  return clips.map((c) => {
    const f = computeFbank(c.samples, DEFAULT_NORMALIZATION)
    return { fbank: f.data, frames: f.frames, source: c.source }
  })
}

function cosine(a: ArrayLike<number>, b: ArrayLike<number>, from = 0, to = a.length): number {
  let dot = 0
  let na = 0
  let nb = 0
  for (let i = from; i < to; i++) {
    dot += a[i] * b[i]
    na += a[i] * a[i]
    nb += b[i] * b[i]
  }
  return dot / Math.sqrt(na * nb)
}

function clipEmbedding(patches: Float32Array, dim: number): Float64Array {
  const out = new Float64Array(dim)
  const n = patches.length / dim
  for (let p = 0; p < n; p++) for (let d = 0; d < dim; d++) out[d] += patches[p * dim + d] / n
  return out
}

async function throughput(engine: EncoderEngine, fbank: Float32Array, frames: number, batch: number): Promise<BenchResult> {
  const input = new Float32Array(batch * fbank.length)
  for (let b = 0; b < batch; b++) input.set(fbank, b * fbank.length)
  const t = await timeIt(() => engine.run(input, batch, frames), { minRuns: batch === 1 ? 6 : 3, minSeconds: 4 })
  const audio = (batch * CLIP_SAMPLES) / 16000
  // Best run = the one least disturbed by other work on this shared machine (as in spec §13).
  return { value: audio / t.best, unit: 'audio-s/s', note: `best of ${t.runs}; median ${(audio / t.median).toFixed(1)} audio-s/s` }
}

export default async function encoderBench(): Promise<BenchGroup[]> {
  const [fp32Dir, int8Dir] = [await baseModelDir('none'), await baseModelDir('int8')]
  const fp32 = await createEncoderEngine(fp32Dir, { threads: THREADS, providers: ['cpu'] })
  const int8 = await createEncoderEngine(int8Dir, { threads: THREADS, providers: ['cpu'] })
  const clips = await realishClips(8)
  const { fbank, frames } = clips[0]

  const quality = async (): Promise<BenchResult> => {
    let minClip = 1
    let patchSum = 0
    let patchCount = 0
    let minPatch = 1
    for (const c of clips) {
      const a = (await fp32.run(c.fbank, 1, c.frames)).patches
      const b = (await int8.run(c.fbank, 1, c.frames)).patches
      minClip = Math.min(minClip, cosine(clipEmbedding(a, fp32.dim), clipEmbedding(b, int8.dim)))
      for (let p = 0; p < a.length / fp32.dim; p++) {
        const cs = cosine(a, b, p * fp32.dim, (p + 1) * fp32.dim)
        patchSum += cs
        patchCount++
        minPatch = Math.min(minPatch, cs)
      }
    }
    const sources = [...new Set(clips.map((c) => c.source))].join(', ')
    return { value: minClip, unit: 'cosine', note: `min ${minClip.toFixed(6)} over ${clips.length} clips (${sources}); patch cosine mean ${(patchSum / patchCount).toFixed(4)}, min ${minPatch.toFixed(4)}` }
  }

  return [
    {
      title: `Encoder: Base-size random OpenBEATs (12 × 768), 10 s clips, ${THREADS} threads, CPU`,
      target: 'fp32 ≥ 15 audio-s/s; int8 ≥ 1.8× fp32',
      cases: [
        { name: 'fp32, batch 1', baseline: true, run: () => throughput(fp32, fbank, frames, 1) },
        { name: 'fp32, batch 4', run: () => throughput(fp32, fbank, frames, 4) },
        { name: 'int8, batch 1', run: () => throughput(int8, fbank, frames, 1) },
        { name: 'int8, batch 4', run: () => throughput(int8, fbank, frames, 4) },
      ],
    },
    {
      title: 'Encoder int8 quality: clip-embedding cosine vs fp32',
      target: '≥ 0.99',
      cases: [{ name: 'int8 vs fp32', run: quality }],
    },
  ]
}
