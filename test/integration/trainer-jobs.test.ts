// The PyTorch trainer as supervised jobs, end to end with the real trainer (/usr/bin/python3 with
// torch, CPU): a tiny fine-tune and a tiny pre-training run through the job manager to registered
// models; the GPU analysis backend against the onnxruntime analysis; cancel and resume ending with
// the weights of an uninterrupted run.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { GpuEmbedResult, TrainingRunResult, type JobSnapshot } from '../../src-shared/contracts'
import { analysisFolder } from '../../src-main/analysis/embedding-files'
import type { EncoderEngine } from '../../src-main/model/engine/encoder-engine'
import { createEncoderEngine } from '../../src-main/model/engine/encoder-engine'
import { ModelsRepository } from '../../src-main/services/models-repository'
import { registerTrainedModel } from '../../src-main/trainer/register-trained'
import { trainerDir } from '../../src-main/trainer/trainer-location'
import type { EngineMaker } from '../../src-main/trainer/trainer-parity'
import { nextJobUpdate } from '../helpers/job-events'
import { hasTorch, NO_TORCH, SYSTEM_PYTHON, trainerProject, type TrainerProject } from '../trainer/trainer-project'

const suite = hasTorch ? describe : describe.skip
const TIMEOUT = 240_000

const FAST = { batch_size: 4, clip_seconds: 1, eval_clip_seconds: 1, progress_interval_s: 0, mixup_prob: 0 }

function cosine(a: Float32Array, b: Float32Array): number {
  let xy = 0
  let xx = 0
  let yy = 0
  for (let i = 0; i < a.length; i++) {
    xy += a[i] * b[i]
    xx += a[i] * a[i]
    yy += b[i] * b[i]
  }
  return xy / Math.sqrt(xx * yy)
}

function windowsOf(path: string, dim: number): Float32Array[] {
  const bytes = readFileSync(path)
  const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength))
  return Array.from({ length: all.length / dim }, (_, w) => all.subarray(w * dim, (w + 1) * dim))
}

function meanOf(rows: Float32Array[]): Float32Array {
  const out = new Float32Array(rows[0].length)
  for (const r of rows) for (let d = 0; d < out.length; d++) out[d] += r[d] / rows.length
  return out
}

suite(hasTorch ? 'trainer jobs with the real trainer' : `trainer jobs with the real trainer (skipped: ${NO_TORCH})`, () => {
  let p: TrainerProject
  let fineTuned: TrainingRunResult

  beforeAll(async () => {
    p = await trainerProject()
  })
  afterAll(async () => {
    await p?.cleanup()
  })

  const run = async (params: Record<string, unknown>): Promise<JobSnapshot> => {
    const job = await p.services.handlers.jobs.start({ params: params as never }, p.call)
    return p.services.jobs.waitFor(job.id, undefined, TIMEOUT)
  }

  it('a tiny fine-tune registers an encoder and a head on the project labels, with provenance, metrics and parity', async () => {
    const done = await run({ type: 'finetune', architecture: 'tiny', name: 'Tones', labelIds: [p.low, p.high], valFraction: 0.25, device: 'cpu', seed: 3, hparams: { ...FAST, epochs: 2 } })
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded')
    fineTuned = TrainingRunResult.parse(done.result)
    expect(fineTuned).toMatchObject({ kind: 'finetune', steps: 4, name: 'Tones', version: '1', device: 'cpu', precision: 'fp32' })
    expect(fineTuned.data).toMatchObject({ items: 8, recordings: 4, perSplit: { train: 6, val: 2 } })
    expect(fineTuned.metrics.val).toMatchObject({ n: 2 })
    const parity = fineTuned.parity as { trainer: { windows: number; maxAbsDiff: number; minCosine: number; scores: { maxAbsDiff: number } } }
    expect(parity.trainer.windows).toBe(24)
    expect(parity.trainer.maxAbsDiff).toBeLessThan(5e-3)
    expect(parity.trainer.minCosine).toBeGreaterThan(0.9999)
    expect(parity.trainer.scores.maxAbsDiff).toBeLessThan(1e-3)

    const repo = new ModelsRepository(p.db())
    const encoder = repo.encoder(fineTuned.encoderId as number)
    expect(encoder.encoder.pretrained).toBe(false)
    expect(encoder.provenance).toMatchObject({
      source: 'trainer',
      trainer: { jobId: done.id, jobType: 'finetune', steps: 4 },
      baseModel: { kind: 'random-init', preset: 'tiny' },
      seed: 3,
      hyperParameters: { ...FAST, epochs: 2 },
      dataManifest: { sha256: fineTuned.data.sha256, items: 8 },
    })
    expect(existsSync(join(p.projectDir, encoder.files[0], 'checkpoint.pt'))).toBe(true)
    const head = repo.head(fineTuned.headId as number)
    expect(head.encoderId).toBe(encoder.id)
    expect(head.labelSetId).toBe(p.labelSetId)
    expect(head.head.labelIds).toEqual([p.low, p.high])
    expect(head.head.task).toBe('multi-class')
    expect(head.metrics).toMatchObject({ val: { n: 2 } })

    const history = await p.services.handlers.trainer.history({ jobId: done.id }, p.call)
    expect(history.points[0].step).toBe(0)
    expect(history.points.at(-1)?.step).toBe(4)
    expect(history.points.at(-1)?.loss).toBeGreaterThan(0)
    expect(history.metrics.filter((m) => m.split === 'val')).toHaveLength(2)
    expect(done.progress).toMatchObject({ unit: '%', done: 100 })
  }, TIMEOUT)

  it('registers nothing when the converted model disagrees with the trainer', async () => {
    const repo = new ModelsRepository(p.db())
    const before = { models: repo.rows().length, folders: readdirSync(join(p.projectDir, 'models')).sort() }
    const checkpoint = join(p.projectDir, repo.encoder(fineTuned.encoderId as number).files[0], 'checkpoint.pt')
    // An engine whose patch embeddings are off by 0.1: the self-check or the parity check must refuse it.
    const skewed: EngineMaker = async (source, opts) => {
      const engine = await createEncoderEngine(source, opts)
      return Object.assign(Object.create(engine) as EncoderEngine, {
        run: async (...args: Parameters<EncoderEngine['run']>) => {
          const out = await engine.run(...args)
          return { ...out, patches: out.patches.map((v) => v + 0.1) }
        },
        dispose: () => engine.dispose(),
      })
    }
    await expect(
      registerTrainedModel({
        db: p.db(), projectDir: p.projectDir, jobId: null, checkpointPath: checkpoint, name: 'Skewed', labels: null, pretrained: false, provenance: {}, metrics: {},
        probe: { python: SYSTEM_PYTHON, trainerDir: trainerDir(), dir: join(p.root, 'probe-skewed') }, createEngine: skewed,
      }),
    ).rejects.toMatchObject({ code: 'MODEL_INVALID' })
    expect(repo.rows()).toHaveLength(before.models)
    expect(readdirSync(join(p.projectDir, 'models')).sort()).toEqual(before.folders)
  }, TIMEOUT)

  it('gpu-embed on the CPU writes the windows of the onnxruntime analysis (clip cosine ≥ 0.999) and their detections', async () => {
    const done = await run({ type: 'gpu-embed', encoderId: fineTuned.encoderId, device: 'cpu' })
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded')
    const gpu = GpuEmbedResult.parse(done.result)
    expect(gpu).toMatchObject({ analysed: 4, windows: 32, audioSeconds: 16, skipped: 0, failed: [], device: 'cpu', precision: 'fp32' })
    expect(gpu.heads).toHaveLength(1)
    expect(gpu.throughput).toMatchObject({ recordings: 4, decode: {}, fbank: {}, encoder: {} })
    const dim = 64
    const folder = analysisFolder(p.projectDir, gpu.analysisId)
    const fromTrainer = p.recordingIds.map((id) => windowsOf(join(folder, `${id}.f32`), dim))
    const detectionsByTrainer = p.db().prepare('SELECT count(*) FROM detections WHERE job_id = ?').pluck().get(done.id) as number
    expect(detectionsByTrainer).toBe(gpu.detections)

    // The same analysis again, by onnxruntime.
    p.db().prepare('DELETE FROM analysed_recordings WHERE analysis_id = ?').run(gpu.analysisId)
    const ort = await run({ type: 'analyze', encoderId: fineTuned.encoderId, threads: 1, provider: 'cpu' })
    expect(ort.status, JSON.stringify(ort.error)).toBe('succeeded')
    expect(ort.result).toMatchObject({ analysisId: gpu.analysisId, analysed: 4, windows: 32 })
    p.recordingIds.forEach((id, i) => {
      const byOrt = windowsOf(join(folder, `${id}.f32`), dim)
      expect(byOrt).toHaveLength(fromTrainer[i].length)
      expect(cosine(meanOf(byOrt), meanOf(fromTrainer[i]))).toBeGreaterThanOrEqual(0.999)
      for (let w = 0; w < byOrt.length; w++) expect(cosine(byOrt[w], fromTrainer[i][w])).toBeGreaterThanOrEqual(0.999)
    })
  }, TIMEOUT)

  it('a tiny pre-training step continues from the fine-tuned encoder and registers a new encoder', async () => {
    const done = await run({ type: 'pretrain', encoderId: fineTuned.encoderId, segmentS: 2, device: 'cpu', hparams: { batch_size: 4, max_steps: 1, clip_seconds: 2, progress_interval_s: 0 } })
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded')
    const result = TrainingRunResult.parse(done.result)
    expect(result).toMatchObject({ kind: 'pretrain', steps: 1, name: 'Tones pre-trained', headId: null })
    expect(result.data).toMatchObject({ items: 8, recordings: 4 })
    const encoder = new ModelsRepository(p.db()).encoder(result.encoderId as number)
    expect(encoder.provenance).toMatchObject({ source: 'trainer', baseModel: { kind: 'encoder', encoderId: fineTuned.encoderId } })
    expect(result.metrics.train).toMatchObject({ masked_accuracy: expect.any(Number) })
  }, TIMEOUT)

  it('cancel saves a checkpoint; resume continues with the same data order and ends with the weights of an uninterrupted run', async () => {
    const params = { type: 'finetune', architecture: 'tiny', labelIds: [p.low, p.high], valFraction: 0.25, device: 'cpu', seed: 5, hparams: { ...FAST, batch_size: 2, epochs: 6 } }
    const job = await p.services.handlers.jobs.start({ params: { ...params, name: 'Resumed' } as never }, p.call)
    await nextJobUpdate(p.services.events, (s) => s.id === job.id && s.progress?.unit === 'steps' && s.progress.done >= 4, TIMEOUT)
    await p.services.handlers.jobs.cancel({ id: job.id }, p.call)
    const cancelled = await p.services.jobs.waitFor(job.id, undefined, TIMEOUT)
    expect(cancelled.status).toBe('cancelled')
    const output = join(p.projectDir, 'cache', 'trainer', String(job.id), 'output')
    expect(existsSync(join(output, 'checkpoints', 'state.pt'))).toBe(true)
    const logs = await p.services.handlers.jobs.logs({ id: job.id }, p.call)
    expect(logs.some((l) => /checkpoint \(cancel\)/.test(l.message))).toBe(true)

    await p.services.handlers.jobs.resume({ id: job.id }, p.call)
    const resumed = await p.services.jobs.waitFor(job.id, ['succeeded', 'failed'], TIMEOUT)
    expect(resumed.status, JSON.stringify(resumed.error)).toBe('succeeded')
    const afterResume = await p.services.handlers.jobs.logs({ id: job.id }, p.call)
    expect(afterResume.some((l) => l.message.startsWith('Resuming training'))).toBe(true)

    const straight = await run({ ...params, name: 'Straight' })
    expect(straight.status).toBe('succeeded')
    const repo = new ModelsRepository(p.db())
    const a = TrainingRunResult.parse(resumed.result)
    const b = TrainingRunResult.parse(straight.result)
    expect(a.steps).toBe(18)
    expect(a.data.sha256).toBe(b.data.sha256)
    expect(repo.encoder(a.encoderId as number).encoder.onnxSha256).toBe(repo.encoder(b.encoderId as number).encoder.onnxSha256)
  }, TIMEOUT * 2)

  it('a cluster bundle runs on its own, and its result imports back onto the project labels', async () => {
    const outDir = join(p.root, 'bundle')
    const bundle = await p.services.handlers.trainer.exportBundle(
      { params: { type: 'finetune', architecture: 'tiny', name: 'Cluster', labelIds: [p.low, p.high], valFraction: 0.25, hparams: { ...FAST, epochs: 1 } }, outDir, copyAudio: true, nprocPerNode: 2 },
      p.call,
    )
    expect(bundle).toMatchObject({ dir: outDir, items: 8, copiedAudio: true, jobFile: join(outDir, 'job.json') })
    expect(bundle.command).toBe('python3 -m torch.distributed.run --nnodes=1 --node_rank=0 --master_addr=127.0.0.1 --master_port=29500 --nproc_per_node=2 -m openbeats_trainer job.json')
    expect(readFileSync(join(outDir, 'run.sh'), 'utf8')).toContain('-m openbeats_trainer job.json')
    expect(readdirSync(join(outDir, 'audio'))).toHaveLength(4)
    const record = JSON.parse(readFileSync(join(outDir, 'openbeats-bundle.json'), 'utf8'))
    expect(record).toMatchObject({ format: 'openbeats-bundle/1', type: 'finetune', name: 'Cluster', labels: { labelSetId: p.labelSetId, labelIds: [p.low, p.high] }, labelCodes: ['low', 'high'], dataSha256: bundle.data.sha256 })

    // The cluster: the bundle's own copy of the trainer (Debian's torch 1.13 torchrun fails on Python 3.11, so one process directly).
    const ran = spawnSync(SYSTEM_PYTHON, ['-m', 'openbeats_trainer', 'job.json'], { cwd: outDir, env: { ...process.env, PYTHONPATH: outDir }, encoding: 'utf8' })
    expect(ran.status, ran.stderr).toBe(0)
    expect(JSON.parse(ran.stdout.trim().split('\n').at(-1) ?? '{}')).toMatchObject({ type: 'done', status: 'completed' })

    const job = await p.services.handlers.trainer.importResult({ checkpointPath: join(outDir, 'output', 'model.pt') }, p.call)
    const done = await p.services.jobs.waitFor(job.id, undefined, TIMEOUT)
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded')
    const result = TrainingRunResult.parse(done.result)
    expect(result).toMatchObject({ name: 'Cluster', version: '1' })
    const repo = new ModelsRepository(p.db())
    const head = repo.head(result.headId as number)
    expect(head.labelSetId).toBe(p.labelSetId)
    expect(head.head.labelIds).toEqual([p.low, p.high])
    expect(repo.encoder(result.encoderId as number).provenance).toMatchObject({ trainer: { trainedElsewhere: true }, dataManifest: { sha256: bundle.data.sha256 } })
  }, TIMEOUT)

  // Last: it leaves a recording quarantined.
  it('gpu-embed quarantines a recording changed on disk since its import before the trainer reads anything', async () => {
    const changed = p.db().prepare('SELECT id, path FROM recordings WHERE id = ?').get(p.recordingIds[2]) as { id: number; path: string }
    const bytes = readFileSync(changed.path)
    bytes[bytes.length - 1] ^= 1
    writeFileSync(changed.path, bytes)
    // new windows: every recording is pending for this analysis
    const done = await run({ type: 'gpu-embed', encoderId: fineTuned.encoderId, device: 'cpu', windowS: 2, hopS: 1 })
    expect(done.status, JSON.stringify(done.error)).toBe('succeeded')
    const gpu = GpuEmbedResult.parse(done.result)
    expect(gpu).toMatchObject({ analysed: 3, throughput: { recordings: 3 } })
    expect(gpu.failed).toEqual([{ recordingId: changed.id, path: changed.path, code: 'AUDIO_CHANGED', reason: expect.stringContaining('changed since it was imported') }])
    expect(p.db().prepare('SELECT status, status_code FROM recordings WHERE id = ?').get(changed.id)).toEqual({ status: 'quarantined', status_code: 'AUDIO_CHANGED' })
  }, TIMEOUT)
})
