import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadHeadPackage } from '../../src-main/analysis/head-package'
import { scoreHead } from '../../src-main/heads/head-scorer'
import { HeadTrainingsRepository } from '../../src-main/training/head-trainings'
import { loadSplits } from '../../src-main/training/split-data'
import { trainVersion } from '../../src-main/training/train-version'
import { buildTrainingSet } from '../../src-main/training/training-set'
import { compareVersions, listVersions } from '../../src-main/training/versions'
import { ModelsRepository } from '../../src-main/services/models-repository'
import type { TrainHeadParams } from '../../src-shared/contracts'
import { tempDir } from '../helpers/main-services'
import { syntheticProject, type SyntheticProject } from './synthetic-project'

const tmp = tempDir('obs-train-version-')
let p: SyntheticProject
beforeAll(async () => {
  p = await syntheticProject(join(tmp.path, 'p'), { sites: 3, recordingsPerSite: 4, noise: 1.2 })
})
afterAll(() => {
  p.close()
  tmp.cleanup()
})

function params(extra: Partial<TrainHeadParams> = {}, set: Partial<TrainHeadParams['set']> = {}): TrainHeadParams {
  return { type: 'train-head', set: { labelIds: [...p.labels.values()], seed: 3, ...set }, head: { epochs: 25 }, ...extra }
}

/** Average precision as written in textbooks: mean over positives of precision at their rank (ties: all tied examples admitted together). */
function handAp(scores: number[], positive: boolean[]): number | null {
  const P = positive.filter(Boolean).length
  if (P === 0) return null
  let sum = 0
  for (let i = 0; i < scores.length; i++) {
    if (!positive[i]) continue
    const admitted = scores.map((s, j) => j).filter((j) => scores[j] >= scores[i])
    sum += admitted.filter((j) => positive[j]).length / admitted.length
  }
  return sum / P
}

describe('training a head version', () => {
  it('registers a version whose stored metrics match a hand computation on its validation windows', async () => {
    const result = await trainVersion({ db: p.db, projectDir: p.dir, params: params(), jobId: null })
    const models = new ModelsRepository(p.db)
    const row = models.head(result.modelId)
    expect(row.name).toBe('Synthetic species head')
    expect(row.version).toBe('1')
    expect(row.active).toBe(true)
    const stored = new HeadTrainingsRepository(p.db).get(result.modelId)
    expect(stored?.params).toEqual(params())

    // Rebuild the same set, score its validation windows with the registered head, and recompute.
    const set = buildTrainingSet(p.db, params().set)
    expect(set.report.fingerprint).toBe(result.report.fingerprint)
    const val = loadSplits(p.dir, set).validation
    const head = loadHeadPackage(models.folder(row, p.dir)).head
    const scores = scoreHead(head, val.x, val.n)
    const evaluation = stored?.evaluation.validation
    expect(evaluation?.examples).toBe(val.n)
    let apSum = 0
    let apCount = 0
    for (let c = 0; c < val.classes; c++) {
      const s = Array.from({ length: val.n }, (_, i) => scores[i * val.classes + c])
      const pos = Array.from({ length: val.n }, (_, i) => val.y[i * val.classes + c] === 1)
      const ap = handAp(s, pos)
      const stored = evaluation?.classes[c]
      expect(stored?.ap).toBeCloseTo(ap as number, 12)
      const tp = s.filter((v, i) => v >= 0.5 && pos[i]).length
      const fp = s.filter((v, i) => v >= 0.5 && !pos[i]).length
      expect(stored?.atThreshold).toMatchObject({ threshold: 0.5, tp, fp, fn: pos.filter(Boolean).length - tp })
      if (ap !== null) {
        apSum += ap
        apCount++
      }
    }
    expect(evaluation?.mAP).toBeCloseTo(apSum / apCount, 12)
    expect(result.metrics.mAP).toBe(evaluation?.mAP)
    expect(Object.keys(result.metrics.AP as object)).toEqual(['AAA', 'BBB', 'CCC'])
    // noisy on purpose (so AP is not trivially 1), yet a linear head mostly separates the species
    expect(evaluation?.mAP).toBeGreaterThan(0.8)
    expect(evaluation?.mAP).toBeLessThan(1)
    expect(row.provenance).toMatchObject({ source: 'in-app training', seed: 3, trainingSet: { fingerprint: result.report.fingerprint, examples: result.report.examples } })
  })

  it('is deterministic for a seed: same weights, same metrics', async () => {
    const a = await trainVersion({ db: p.db, projectDir: p.dir, params: params({ name: 'det', activate: false }), jobId: null })
    const b = await trainVersion({ db: p.db, projectDir: p.dir, params: params({ name: 'det', activate: false }), jobId: null })
    const models = new ModelsRepository(p.db)
    const ha = loadHeadPackage(models.folder(models.head(a.modelId), p.dir)).head
    const hb = loadHeadPackage(models.folder(models.head(b.modelId), p.dir)).head
    expect(hb.layers).toEqual(ha.layers)
    expect(b.metrics).toEqual(a.metrics)
    expect([a.version, b.version]).toEqual(['1', '2'])
  })

  it('retrains as the next version, deactivates the previous one and compares them', async () => {
    const first = listVersions(p.db).find((v) => v.name === 'Synthetic species head' && v.version === '1')
    const next = await trainVersion({ db: p.db, projectDir: p.dir, params: params({ name: 'Synthetic species head', previousModelId: first?.id }, { seed: 8 }), jobId: null })
    expect(next.version).toBe('2')
    const versions = listVersions(p.db).filter((v) => v.name === 'Synthetic species head')
    expect(versions.map((v) => [v.version, v.active, v.previousId])).toEqual([
      ['2', true, first?.id],
      ['1', false, null],
    ])
    const cmp = compareVersions(p.db, first?.id as number, next.modelId)
    expect(cmp.split).toBe('validation')
    expect(cmp.mAP.delta).toBeCloseTo((cmp.mAP.b as number) - (cmp.mAP.a as number), 12)
    expect(cmp.classes.map((c) => c.code)).toEqual(['AAA', 'BBB', 'CCC'])
    for (const c of cmp.classes) expect(c.delta?.ap).toBeCloseTo((c.b?.ap as number) - (c.a?.ap as number), 12)
    expect(cmp.sameTrainingSet).toBe(false)
  })

  it('calibrates each class threshold for a target precision and stores them as the defaults', async () => {
    const r = await trainVersion({ db: p.db, projectDir: p.dir, params: params({ name: 'calibrated', head: { epochs: 25, targetPrecision: 0.95 } }), jobId: null })
    const stored = new HeadTrainingsRepository(p.db).get(r.modelId)?.evaluation
    const row = new ModelsRepository(p.db).head(r.modelId)
    expect(row.head.thresholds).toEqual(stored?.thresholds)
    for (const c of stored?.validation?.classes ?? []) {
      expect(c.calibration?.targetPrecision).toBe(0.95)
      if (c.calibration?.reached) {
        expect(c.atThreshold.threshold).toBe(c.calibration.threshold)
        expect(c.atThreshold.precision).toBeGreaterThanOrEqual(0.95)
      }
    }
    expect(row.head.thresholds.some((t) => t !== 0.5)).toBe(true)
  })

  it('trains an MLP, with a held-out test split evaluated too', async () => {
    const r = await trainVersion({ db: p.db, projectDir: p.dir, params: params({ name: 'mlp', head: { kind: 'mlp', hidden: 16, epochs: 10, mixup: 0.2 } }, { split: { by: 'recording', validation: 0.2, test: 0.2 } }), jobId: null })
    const stored = new HeadTrainingsRepository(p.db).get(r.modelId)?.evaluation
    expect(stored?.test?.examples).toBe(r.report.splits.test.examples)
    expect(r.report.splits.test.examples).toBeGreaterThan(0)
    expect(r.metrics.testMAP).toBe(stored?.test?.mAP)
    expect(listVersions(p.db).find((v) => v.id === r.modelId)?.kind).toBe('mlp')
  })

  it('registers nothing when the set is empty or the run is cancelled', async () => {
    const before = new ModelsRepository(p.db).rows('head').length
    const folders = readdirSync(join(p.dir, 'models')).length
    const none = { ...params({ name: 'empty' }), set: { labelIds: [...p.labels.values()], sources: ['model' as const] } }
    await expect(trainVersion({ db: p.db, projectDir: p.dir, params: none, jobId: null })).rejects.toMatchObject({ code: 'TRAINING_DATA' })
    const controller = new AbortController()
    controller.abort()
    await expect(trainVersion({ db: p.db, projectDir: p.dir, params: params({ name: 'cancelled' }), jobId: null, signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(new ModelsRepository(p.db).rows('head').length).toBe(before)
    expect(readdirSync(join(p.dir, 'models')).length).toBe(folders)
    expect(existsSync(join(p.dir, 'models', 'empty-1'))).toBe(false)
  })
})
