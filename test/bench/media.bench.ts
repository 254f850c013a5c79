// `npm run bench media`: how fast a long recording's peaks and spectrogram tiles are made (what a
// first open of an uncached file costs), a tile computed on demand, and the time to first paint
// measured by the annotate end-to-end test (test/e2e/annotate.test.ts writes it).
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { streamAudio } from '../../src-main/audio'
import { computeOverview } from '../../src-main/media/overview'
import { columnsOf } from '../../src-main/media/spectrogram-grid'
import { computeTile } from '../../src-main/media/spectrogram-tile'
import { chirps, writeRepeatedWav } from '../media/synthetic-wav'
import { timeIt, type BenchGroup, type BenchResult } from './harness'

const RATE = 48_000
const HOUR = 3600
const FIRST_PAINT = resolve(__dirname, '..', '..', 'test-results', 'annotate-first-paint.json')

function audioRate(seconds: number, best: number, extra = ''): BenchResult {
  return { value: seconds / best, unit: 'audio-s/s', note: `${best.toFixed(2)} s for ${seconds / 60} min${extra}` }
}

export default async (): Promise<BenchGroup[]> => {
  const dir = mkdtempSync(join(tmpdir(), 'obs-media-bench-'))
  const path = join(dir, 'hour.wav')
  writeRepeatedWav(path, { rate: RATE, seconds: HOUR, periodFrames: RATE * 60, block: chirps(RATE, 60, 3) })
  const once = { minRuns: 1, minSeconds: 0, warmup: 0 }
  const columns = columnsOf(RATE * HOUR, 512)

  // The runner calls the cases after this returns: the file goes once they are all done.
  process.once('beforeExit', () => rmSync(dir, { recursive: true, force: true }))

  const firstPaint = (which: 'first' | 'again'): (() => Promise<BenchResult>) => async () => {
    if (!existsSync(FIRST_PAINT)) return { value: Number.NaN, unit: 'ms', note: 'run test/e2e/annotate.test.ts first' }
    const m = JSON.parse(readFileSync(FIRST_PAINT, 'utf8')) as Record<'first' | 'again', { wallMs: number; waveformMs: number; spectrogramMs: number }> & { measuredAt: string }
    const r = m[which]
    return { value: r.wallMs, unit: 'ms', note: `waveform ${r.waveformMs} ms, spectrogram ${r.spectrogramMs} ms in the page (e2e run of ${m.measuredAt.slice(0, 16)})` }
  }

  return [
      {
        title: 'Media cache of a 1-hour 48 kHz 16-bit WAV, one core (the media-cache job, or a first open without it)',
        target: 'a one-off per recording; opening from the cache is the < 1 s figure below',
        cases: [
          {
            name: 'decode only (streamAudio, mono)',
            baseline: true,
            run: async () => {
              const t = await timeIt(async () => {
                for await (const block of streamAudio(path, { blockFrames: 1 << 16 })) void block
              }, once)
              return audioRate(HOUR, t.best)
            },
          },
          { name: 'peaks pyramid', run: async () => audioRate(HOUR, (await timeIt(() => computeOverview(path, { peaks: true, fftSizes: [] }), once)).best) },
          {
            name: 'peaks + 512-point spectrogram pyramid (first open)',
            run: async () => audioRate(HOUR, (await timeIt(() => computeOverview(path, { peaks: true, fftSizes: [512] }), once)).best),
          },
          { name: '2048-point spectrogram pyramid', run: async () => audioRate(HOUR, (await timeIt(() => computeOverview(path, { peaks: false, fftSizes: [2048] }), once)).best) },
        ],
      },
      {
        title: 'A 512-point tile below the cached levels, computed on request (seeks into the hour)',
        cases: [0, 2, 4].map((level, i) => ({
          name: `level ${level} (${((256 * 256 * 2 ** level) / RATE).toFixed(1)} s of audio)`,
          baseline: i === 0,
          run: async () => {
            const tile = Math.floor(columns / 2 ** level / 256 / 2)
            const t = await timeIt(() => computeTile({ path, fftSize: 512, frames: RATE * HOUR, columns, level, tile }), { minRuns: 5, minSeconds: 1 })
            return { value: t.best * 1000, unit: 'ms', note: `median ${(t.median * 1000).toFixed(1)} ms (${t.runs} runs)` }
          },
        })),
      },
      {
        title: 'Time to first waveform + spectrogram paint of the hour in Chromium (e2e test; navigation to painted)',
        target: '< 1000 ms',
        cases: [
          { name: 'first open after the media-cache job', baseline: true, run: firstPaint('first') },
          { name: 'opened again', run: firstPaint('again') },
        ],
      },
  ]
}
