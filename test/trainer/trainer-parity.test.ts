// The parity check of a trained model against the trainer's own output, without the trainer: the
// reference is the package's own embedding of the probe clip (identical: passes with 0) and the
// same with one value moved (fails with MODEL_INVALID and the numbers), plus scores.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadCheckpoint } from '../../src-main/model/checkpoint/load-checkpoint'
import { embedFile } from '../../src-main/model/embed/embed-file'
import { createEncoderEngine } from '../../src-main/model/engine/encoder-engine'
import { convertCheckpoint } from '../../src-main/model/package/convert-checkpoint'
import type { ModelManifest } from '../../src-main/model/package/manifest'
import type { LoadedCheckpoint } from '../../src-main/model/types'
import { probeSignal, writeFloatWav } from '../../src-main/trainer/probe-clip'
import { compareWithPackage, PROBE_WINDOW, type ProbeReference } from '../../src-main/trainer/trainer-parity'
import { tempDir } from '../helpers/main-services'
import { writeTrainerCheckpoint } from './trainer-checkpoint-writer'

const tmp = tempDir('obs-trainer-parity-')
let loaded: LoadedCheckpoint
let pkg: { modelPath: string; manifest: ModelManifest }
let reference: ProbeReference

beforeAll(async () => {
  const ckpt = join(tmp.path, 'model.pt')
  writeTrainerCheckpoint(ckpt, { task: 'multi-label', labels: ['a', 'b'] })
  loaded = await loadCheckpoint({ checkpointPath: ckpt })
  const dir = join(tmp.path, 'pkg')
  pkg = { modelPath: join(dir, 'model.onnx'), manifest: await convertCheckpoint(loaded, dir, { sourceFileName: 'model.pt' }) }
  const wav = join(tmp.path, 'probe.wav')
  writeFloatWav(wav, probeSignal())
  const engine = await createEncoderEngine(pkg, { threads: 1, providers: ['cpu'], verify: false })
  const rows: Float32Array[] = []
  try {
    await embedFile(wav, engine, { windowSeconds: PROBE_WINDOW.windowS, hopSeconds: PROBE_WINDOW.hopS, onWindow: (w) => void rows.push(w.embedding) })
  } finally {
    await engine.dispose()
  }
  const D = rows[0].length
  const C = 2
  const embeddings = new Float32Array(rows.length * D)
  rows.forEach((r, i) => embeddings.set(r, i * D))
  const scores = new Float32Array(rows.length * C)
  rows.forEach((r, i) => {
    for (let c = 0; c < C; c++) {
      let z = loaded.head?.bias.data[c] ?? 0
      for (let d = 0; d < D; d++) z += (loaded.head?.weight.data[c * D + d] ?? 0) * r[d]
      scores[i * C + c] = 1 / (1 + Math.exp(-z))
    }
  })
  reference = { wav, embeddings: { rows: rows.length, columns: D, data: embeddings }, scores: { rows: rows.length, columns: C, data: scores } }
}, 60_000)
afterAll(() => tmp.cleanup())

describe('parity with the trainer', () => {
  it('passes when the package gives the trainer\'s window embeddings and scores', async () => {
    const report = await compareWithPackage(reference, pkg, loaded.head)
    expect(report).toMatchObject({ probeSeconds: 12, windows: 24, dim: 24, maxAbsDiff: 0, tolerance: expect.any(Number), scores: { classes: 2 } })
    expect(report.minCosine).toBeCloseTo(1, 9)
    expect(report.scores?.maxAbsDiff).toBeLessThan(1e-6)
  })

  it('fails with the numbers when one window embedding is off by more than the tolerance', async () => {
    const data = Float32Array.from(reference.embeddings.data)
    data[5 * reference.embeddings.columns + 3] += 0.5
    const off = { ...reference, embeddings: { ...reference.embeddings, data } }
    await expect(compareWithPackage(off, pkg, loaded.head)).rejects.toMatchObject({
      code: 'MODEL_INVALID',
      message: expect.stringMatching(/^the trained model failed its parity check against the trainer: window embeddings differ by up to 5\.0\de-1 \(tolerance 5\.\d\de-3/),
      details: { maxAbsDiff: expect.closeTo(0.5, 3) },
    })
  })

  it('fails when the trainer found another number of windows, or scores that disagree', async () => {
    const fewer = { ...reference, embeddings: { rows: 23, columns: reference.embeddings.columns, data: reference.embeddings.data.slice(0, 23 * reference.embeddings.columns) } }
    await expect(compareWithPackage(fewer, pkg, loaded.head)).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringContaining('the app makes 24 windows of 24 values, the trainer 23 of 24') })
    const scores = Float32Array.from(reference.scores?.data ?? [])
    scores[0] = 1 - scores[0]
    const flipped = { ...reference, scores: { rows: 24, columns: 2, data: scores } }
    await expect(compareWithPackage(flipped, pkg, loaded.head)).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringContaining('classifier scores differ by up to') })
  })
})
