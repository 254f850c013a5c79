// Audio throughput in audio-seconds per wall-second: decode, resample, and file → 16 kHz.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { resample, stream16k, streamAudio } from '../../src-main/audio'
import { simpleWav } from '../audio/wav-builder'
import { timeIt, type BenchGroup, type BenchResult } from './harness'

// test/helpers/shared-data imports vitest, which cannot load outside a test run.
const SHARED_DIR = process.env.OPENBEATS_SHARED_DIR ?? resolve(__dirname, '..', '..', '..', 'shared')

function toneFrames(rate: number, seconds: number, bits: number): number[][] {
  const n = Math.round(rate * seconds)
  const amp = 0.5 * 2 ** (bits - 1)
  const frames: number[][] = new Array(n)
  for (let i = 0; i < n; i++) frames[i] = [Math.round(amp * Math.sin((2 * Math.PI * 1234 * i) / rate))]
  return frames
}

function tone(rate: number, seconds: number): Float32Array {
  const x = new Float32Array(Math.round(rate * seconds))
  for (let i = 0; i < x.length; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * 1234 * i) / rate)
  return x
}

async function drain(gen: AsyncGenerator<Float32Array, unknown, undefined>): Promise<number> {
  let n = 0
  for await (const block of gen) n += block.length
  return n
}

/** Wall-clock rate as the table's value; CPU-time rate in the note, steadier on a busy machine. */
async function audioRate(seconds: number, run: () => Promise<unknown> | unknown): Promise<BenchResult> {
  let calls = 0
  const cpu0 = process.cpuUsage()
  const t = await timeIt(
    () => {
      calls++
      return run()
    },
    { minRuns: 3, minSeconds: 2 },
  )
  const cpu = process.cpuUsage(cpu0)
  const cpuSeconds = (cpu.user + cpu.system) / 1e6 / calls
  return {
    value: seconds / t.median,
    unit: 'audio-s/s',
    note: `${seconds.toFixed(1)} s clip, median of ${t.runs}; ${(seconds / cpuSeconds).toFixed(0)} audio-s per CPU-s`,
  }
}

export default async function audioBench(): Promise<BenchGroup[]> {
  const dir = mkdtempSync(join(tmpdir(), 'obs-audio-bench-'))
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
  const wav48 = join(dir, 'w48k16.wav')
  writeFileSync(wav48, simpleWav({ codec: 'pcm', bits: 16, channels: 1, rate: 48_000 }, toneFrames(48_000, 60, 16)))
  const wav384 = join(dir, 'w384k24.wav')
  writeFileSync(wav384, simpleWav({ codec: 'pcm', bits: 24, channels: 1, rate: 384_000 }, toneFrames(384_000, 10, 24)))
  const flac = join(SHARED_DIR, 'testdata', 'real', 'recordings', 'LluviasDeMayo.flac')
  const x441 = tone(44_100, 10)
  const x48 = tone(48_000, 10)
  const x384 = tone(384_000, 10)

  return [
    {
      title: 'Audio: decode and resample (one core)',
      target: 'WAV decode far above real time; file → 16 kHz fast enough that fbank + encoder dominate',
      cases: [
        { name: 'WAV decode 16-bit 48 kHz mono', baseline: true, run: () => audioRate(60, () => drain(streamAudio(wav48))) },
        { name: 'WAV decode 24-bit 384 kHz mono', run: () => audioRate(10, () => drain(streamAudio(wav384))) },
        {
          name: 'FLAC decode 16-bit 44.1 kHz stereo (LluviasDeMayo)',
          run: async () =>
            existsSync(flac) ? audioRate(685_902 / 44_100, () => drain(streamAudio(flac))) : { value: Number.NaN, unit: 'audio-s/s', note: 'needs ../shared' },
        },
        { name: 'resample 44.1k → 16k', run: () => audioRate(10, () => resample(x441, 44_100, 16_000)) },
        { name: 'resample 48k → 16k', run: () => audioRate(10, () => resample(x48, 48_000, 16_000)) },
        { name: 'resample 384k → 16k', run: () => audioRate(10, () => resample(x384, 384_000, 16_000)) },
        { name: 'stream16k: 48 kHz 16-bit WAV file → 16 kHz', run: () => audioRate(60, () => drain(stream16k(wav48))) },
        { name: 'stream16k: 384 kHz 24-bit WAV file → 16 kHz', run: () => audioRate(10, () => drain(stream16k(wav384))) },
      ],
    },
  ]
}
