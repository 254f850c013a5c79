// The whole file → embeddings path (decode, resample 48 → 16 kHz, fbank, Base-size encoder, frame
// and 1 s / 0.5 s window pooling) on a generated 5-minute 48 kHz WAV, against the encoder alone on
// the same 62-patch chunks, all with 2 intra-op threads.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { stream16k } from '../../src-main/audio'
import { wavHeader } from '../../src-main/audio/wav-header'
import { computeFbank, FbankExtractor } from '../../src-main/features/fbank'
import { chunkSamples, DEFAULT_CHUNK_PATCHES, SAMPLES_PER_TIME_PATCH } from '../../src-main/model/embed/chunker'
import { embedFile } from '../../src-main/model/embed/embed-file'
import { createEncoderEngine, type EncoderEngine } from '../../src-main/model/engine/encoder-engine'
import { DEFAULT_NORMALIZATION } from '../../src-main/model/types'
import { baseModelDir } from '../model/demo/bench-models'
import { timedEngine } from './timed-engine'
import { timeIt, type BenchGroup, type BenchResult } from './harness'

const RATE = 48_000
const SECONDS = 300
const THREADS = 2
/** Audio a 62-patch chunk advances the recording by: 62 × 0.16 s. */
const CHUNK_HOP_SECONDS = (DEFAULT_CHUNK_PATCHES * SAMPLES_PER_TIME_PATCH) / 16_000

/** A 16-bit mono WAV of bird-like chirps over noise. */
function writeTestWav(path: string): void {
  const n = RATE * SECONDS
  const buf = Buffer.alloc(44 + 2 * n)
  wavHeader({ rate: RATE, frames: n, encoding: 'pcm16' }).copy(buf)
  let s = 99
  let phase = 0
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    const t = i / RATE
    phase += (2 * Math.PI * (3000 + 1200 * Math.sin(2 * Math.PI * 5 * t))) / RATE
    const call = (t % 2.3) < 0.4 ? 0.25 : 0
    buf.writeInt16LE(Math.round(32767 * (call * Math.sin(phase) + 0.01 * (s / 2 ** 32 - 0.5))), 44 + 2 * i)
  }
  writeFileSync(path, buf)
}

async function encoderOnly(engine: EncoderEngine): Promise<BenchResult> {
  const chunk = new Float32Array(chunkSamples(DEFAULT_CHUNK_PATCHES)).map((_, i) => 0.2 * Math.sin(i * 0.9) * Math.sin(i * 0.0007))
  const { data, frames } = computeFbank(chunk, DEFAULT_NORMALIZATION)
  const t = await timeIt(() => engine.run(data, 1, frames), { minRuns: 6, minSeconds: 4 })
  return { value: CHUNK_HOP_SECONDS / t.best, unit: 'audio-s/s', note: `62-patch chunks (9.92 s hop); best of ${t.runs}, median ${(CHUNK_HOP_SECONDS / t.median).toFixed(1)}` }
}

async function wholePath(wav: string, engine: EncoderEngine): Promise<BenchResult> {
  let windows = 0
  // Time spent inside the encoder during this very run (the separate baseline row runs under
  // another moment's load on this shared machine).
  let inEncoder = 0
  const timed = timedEngine(engine, (ms) => (inEncoder += ms))
  const t0 = performance.now()
  await embedFile(wav, timed, { windowSeconds: 1, hopSeconds: 0.5, onWindow: () => void windows++ })
  const wall = (performance.now() - t0) / 1000
  return { value: SECONDS / wall, unit: 'audio-s/s', note: `5 min 48 kHz WAV → patches, frames, ${windows} windows, clip; encoder busy ${((100 * inEncoder) / 1000 / wall).toFixed(1)}% of the run` }
}

async function preparationOnly(wav: string): Promise<BenchResult> {
  const t = await timeIt(
    async () => {
      const fbank = new FbankExtractor(DEFAULT_NORMALIZATION)
      for await (const block of stream16k(wav)) fbank.compute(block)
    },
    { minRuns: 2, minSeconds: 0, warmup: 0 },
  )
  return { value: SECONDS / t.best, unit: 'audio-s/s', note: 'decode + resample + fbank, no encoder (one thread)' }
}

export default async function embedBench(): Promise<BenchGroup[]> {
  const dir = mkdtempSync(join(tmpdir(), 'obs-embed-bench-'))
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
  const wav = join(dir, 'five-minutes-48k.wav')
  writeTestWav(wav)
  const fp32 = await createEncoderEngine(await baseModelDir('none'), { threads: THREADS, providers: ['cpu'] })
  const int8 = await createEncoderEngine(await baseModelDir('int8'), { threads: THREADS, providers: ['cpu'] })
  return [
    {
      title: `File → embeddings: Base-size random OpenBEATs, ${THREADS} threads, CPU`,
      target: 'whole path ≥ 0.9× encoder-only',
      cases: [
        { name: 'encoder only, fp32, batch 1', baseline: true, run: () => encoderOnly(fp32) },
        { name: 'whole path, fp32, batch 1', run: () => wholePath(wav, fp32) },
        { name: 'whole path, int8, batch 1', run: () => wholePath(wav, int8) },
        { name: 'decode + resample + fbank only', run: () => preparationOnly(wav) },
      ],
    },
  ]
}
