// `npm run bench fbank`: Kaldi fbank throughput on one core, and checkpoint import time.
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { freemem, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { FbankExtractor } from '../../src-main/features/fbank'
import { loadCheckpoint } from '../../src-main/model/checkpoint/load-checkpoint'
import { DEFAULT_NORMALIZATION } from '../../src-main/model/types'
import { BASE_ARCH, randomValues, writeSyntheticCheckpoint } from '../model/checkpoint/beats-checkpoint-writer'
import { timeIt, type BenchGroup, type BenchResult } from './harness'

// test/helpers/shared-data.ts imports vitest, which cannot load under the bench runner.
const TINY_FIXTURE = join(process.env.OPENBEATS_SHARED_DIR ?? resolve(__dirname, '..', '..', '..', 'shared'), 'fixtures', 'openbeats-tiny', 'checkpoints', 'openbeats_ssl_tiny.pt')

function noise(seconds: number): Float32Array {
  // white noise with a quiet tone: every mel bin carries energy, like field recordings
  const x = randomValues(16000 * seconds, 99)
  for (let i = 0; i < x.length; i++) x[i] = 0.1 * x[i] + 0.3 * Math.sin(i * 0.2)
  return x
}

async function fbankCase(seconds: number): Promise<BenchResult> {
  const x = noise(seconds)
  const ex = new FbankExtractor(DEFAULT_NORMALIZATION)
  const cpu0 = process.cpuUsage()
  const t = await timeIt(() => ex.compute(x), { minRuns: 5, minSeconds: 2 })
  const cpu = process.cpuUsage(cpu0)
  const cpuPerRun = (cpu.user + cpu.system) / 1e6 / (t.runs + 1)
  return {
    value: seconds / t.best,
    unit: 'audio-s/s',
    note: `best ${(t.best * 1000).toFixed(1)} ms, median ${(seconds / t.median).toFixed(0)}×, CPU-time ${(seconds / cpuPerRun).toFixed(0)}× (${t.runs} runs)`,
  }
}

async function loadCase(path: string, extra = ''): Promise<BenchResult> {
  const mb = statSync(path).size / 1e6
  const t = await timeIt(() => loadCheckpoint({ checkpointPath: path }), { minRuns: 2, minSeconds: 0.5, warmup: 1 })
  return { value: mb / t.best, unit: 'MB/s', note: `${mb.toFixed(1)} MB in ${(t.best * 1000).toFixed(0)} ms best, incl. sha256${extra}` }
}

export default async (): Promise<BenchGroup[]> => {
  const checkpointCases: BenchGroup['cases'] = []
  if (existsSync(TINY_FIXTURE)) checkpointCases.push({ name: 'tiny fixture (openbeats_ssl_tiny.pt)', baseline: true, run: () => loadCase(TINY_FIXTURE) })
  checkpointCases.push({
    name: 'Base-size state dict (90 M params, synthetic)',
    run: async () => {
      // ~360 MB file plus its copy in memory while writing: skip on small machines.
      if (freemem() < 2.5e9) return { value: Number.NaN, unit: 'MB/s', note: 'skipped: under 2.5 GB free memory' }
      const dir = mkdtempSync(join(tmpdir(), 'obs-bench-'))
      try {
        const path = join(dir, 'base.pt')
        const t0 = performance.now()
        writeSyntheticCheckpoint(path, BASE_ARCH, { layout: 'openbeats-ssl', tiedCopies: true })
        return await loadCase(path, `; writing it took ${((performance.now() - t0) / 1000).toFixed(1)} s`)
      } finally {
        rmSync(dir, { recursive: true, force: true })
      }
    },
  })
  return [
    {
      title: 'Kaldi fbank, one core (128 bins, float64, normalised)',
      target: '≥ 1,000 audio-s/s',
      cases: [
        { name: '10 s clip', baseline: true, run: () => fbankCase(10) },
        { name: '60 s clip', run: () => fbankCase(60) },
      ],
    },
    { title: 'Checkpoint import (zip + safe unpickle + tensors + weight-norm fold + sha256)', cases: checkpointCases },
  ]
}
