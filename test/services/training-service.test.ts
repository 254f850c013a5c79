// The training and search domains through the real services: the train-head job in a worker
// process (the TypeScript sources through tsx), its metrics checked against a hand computation,
// retraining and comparison, window decisions, the review queue, search, and package zips.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { TrainHeadResult, type JobSnapshot } from '../../src-shared/contracts'
import { loadHeadPackage } from '../../src-main/analysis/head-package'
import { scoreHead } from '../../src-main/heads/head-scorer'
import { ModelsRepository } from '../../src-main/services/models-repository'
import { loadSplits } from '../../src-main/training/split-data'
import { buildTrainingSet } from '../../src-main/training/training-set'
import { createTestServices, tempDir, testContext } from '../helpers/main-services'
import { syntheticProject } from '../training/synthetic-project'

const tmp = tempDir('obs-training-svc-')
const services = createTestServices({ dataDir: join(tmp.path, 'data') })
const call = testContext()
const dir = join(tmp.path, 'project')
let labels: Map<string, number>
let recordings: Awaited<ReturnType<typeof syntheticProject>>['recordings']

beforeAll(async () => {
  const p = await syntheticProject(dir, { sites: 2, recordingsPerSite: 3, species: ['AAA', 'BBB'], noise: 1.3, seed: 21 })
  labels = p.labels
  recordings = p.recordings
  p.close()
  await services.handlers.projects.open({ dir }, call)
})
afterAll(async () => {
  await services.dispose()
  tmp.cleanup()
})

async function runJob(params: Parameters<typeof services.handlers.jobs.start>[0]['params']): Promise<JobSnapshot> {
  const job = await services.handlers.jobs.start({ params }, call)
  return services.jobs.waitFor(job.id)
}

/** Precision at each positive's rank, averaged (ties admitted together): AP by hand. */
function handAp(scores: number[], positive: boolean[]): number {
  const order = scores.map((s, i) => i)
  let sum = 0
  for (const i of order.filter((i) => positive[i])) {
    const admitted = order.filter((j) => scores[j] >= scores[i])
    sum += admitted.filter((j) => positive[j]).length / admitted.length
  }
  return sum / positive.filter(Boolean).length
}

describe('training through the job system', () => {
  let first: TrainHeadResult

  it('previews the counts, then trains in a worker and registers a version whose metrics match a hand computation', async () => {
    const request = { labelIds: [labels.get('AAA') as number, labels.get('BBB') as number], seed: 5 }
    const report = await services.handlers.training.preview(request, call)
    expect(report.classes.map((c) => c.code)).toEqual(['AAA', 'BBB'])
    expect(report.splits.validation.examples).toBeGreaterThan(0)
    const changed: unknown[] = []
    const off = services.events.on('models.changed', (e) => changed.push(e))
    const done = await runJob({ type: 'train-head', set: request, head: { epochs: 20 }, threads: 1 })
    off()
    expect(done.error).toBeNull()
    expect(done.status).toBe('succeeded')
    expect(done.progress).toMatchObject({ unit: 'epochs', total: 20 })
    first = TrainHeadResult.parse(done.result)
    expect(first.report.fingerprint).toBe(report.fingerprint)
    expect(changed.length).toBeGreaterThan(0)

    const { db } = services.session.require()
    const models = new ModelsRepository(db)
    const head = loadHeadPackage(models.folder(models.head(first.modelId), dir)).head
    const val = loadSplits(dir, buildTrainingSet(db, request)).validation
    const scores = scoreHead(head, val.x, val.n)
    const ap = ['AAA', 'BBB'].map((_, c) =>
      handAp(
        Array.from({ length: val.n }, (_, i) => scores[i * 2 + c]),
        Array.from({ length: val.n }, (_, i) => val.y[i * 2 + c] === 1),
      ),
    )
    expect((first.metrics.AP as Record<string, number>).AAA).toBeCloseTo(ap[0], 12)
    expect((first.metrics.AP as Record<string, number>).BBB).toBeCloseTo(ap[1], 12)
    expect(first.metrics.mAP).toBeCloseTo((ap[0] + ap[1]) / 2, 12)
    const evaluation = await services.handlers.training.evaluation({ modelId: first.modelId }, call)
    expect(evaluation.validation?.classes[0].curve.precision.length).toBeGreaterThan(1)
  })

  it('retrains in one action as the next version and compares it with the previous one', async () => {
    const params = await services.handlers.training.retrainParams({ modelId: first.modelId }, call)
    expect(params).toMatchObject({ type: 'train-head', name: first.name, previousModelId: first.modelId })
    const done = await runJob(params)
    expect(done.status).toBe('succeeded')
    const second = TrainHeadResult.parse(done.result)
    expect(second.version).toBe('2')
    // nothing changed in between: same examples, same seed, same head
    expect(second.report.fingerprint).toBe(first.report.fingerprint)
    expect(second.metrics).toEqual(first.metrics)
    const versions = await services.handlers.training.versions({}, call)
    expect(versions.map((v) => [v.version, v.active, v.previousId, v.retrainable])).toEqual([
      ['2', true, first.modelId, true],
      ['1', false, null, true],
    ])
    const cmp = await services.handlers.training.compare({ a: first.modelId, b: second.modelId }, call)
    expect(cmp.sameTrainingSet).toBe(true)
    expect(cmp.mAP.delta).toBe(0)
  })

  it('stores decisions from the review queue as annotations and negatives, and tells the annotate view', async () => {
    const versions = await services.handlers.training.versions({}, call)
    const q = await services.handlers.training.queue({ modelId: versions[0].id, k: 3 }, call)
    expect(q.items).toHaveLength(3)
    const [w] = q.items
    const heard: unknown[] = []
    const off = services.events.on('annotations.changed', (e) => heard.push(e))
    const decided = await services.handlers.training.decide(
      { recordingId: w.recordingId, startS: w.startS, endS: w.endS, labelId: labels.get('AAA') as number, relabelTo: labels.get('BBB') as number, decision: 'present', origin: 'active-learning', modelId: versions[0].id },
      call,
    )
    off()
    expect(decided.map((d) => [d.labelId, d.decision])).toEqual([
      [labels.get('AAA'), 'absent'],
      [labels.get('BBB'), 'present'],
    ])
    expect(heard).toEqual([{ recordingId: w.recordingId }])
    const annotations = await services.handlers.annotations.list({ recordingId: w.recordingId }, call)
    expect(annotations.filter((a) => a.source === 'review').map((a) => [a.labelId, a.startS])).toEqual([[labels.get('BBB'), w.startS]])
    const cleared = await services.handlers.training.decide({ recordingId: w.recordingId, startS: w.startS, endS: w.endS, labelId: labels.get('BBB') as number, decision: 'clear', origin: 'active-learning' }, call)
    expect(cleared.map((d) => d.decision)).toEqual(['absent'])
    expect((await services.handlers.annotations.list({ recordingId: w.recordingId }, call)).filter((a) => a.source === 'review')).toEqual([])
  })

  it('searches by example and exchanges a package zip', async () => {
    const rec = recordings[1]
    const s = await services.handlers.search.query({ recordingId: rec.id, startS: 3, endS: 4, k: 5 }, call)
    expect(s.hits[0]).toMatchObject({ recordingId: rec.id, startS: 3, isQuery: true })
    const versions = await services.handlers.training.versions({}, call)
    const zip = await services.handlers.training.exportPackage({ modelId: versions[0].id }, call)
    expect(zip.path.startsWith(join(dir, 'exports', 'models'))).toBe(true)
    const imported = await services.handlers.training.importPackage({ path: zip.path, activate: false }, call)
    expect(imported).toMatchObject({ name: first.name, version: '3' })
    await expect(services.handlers.training.importPackage({ path: join(dir, 'nope.zip') }, call)).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})
