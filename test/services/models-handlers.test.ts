import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { analyzeRecordings } from '../../src-main/analysis/analyze-recordings'
import { analysisFolder } from '../../src-main/analysis/embedding-files'
import { generateDemoSeason } from '../../src-main/demo/demo-season'
import { importSeason } from '../../src-main/season/import/import-season'
import { addRandomHead } from '../analysis/analysis-project'
import { createTestServices, tempDir, testContext } from '../helpers/main-services'

const cleanups: Array<() => void | Promise<void>> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function setup() {
  const t = tempDir('obs-models-')
  cleanups.push(t.cleanup)
  const services = createTestServices({ dataDir: join(t.path, 'data') })
  cleanups.push(() => services.dispose())
  const call = testContext()
  await services.handlers.projects.create({ dir: join(t.path, 'project'), name: 'Models' }, call)
  const changes: (number | null)[] = []
  services.events.on('models.changed', (e) => changes.push(e.modelId))
  return { root: t.path, services, call, changes, project: services.session.require() }
}

describe('models domain', () => {
  it('adds the demo model once, says it has no pretrained knowledge, and lists it as the active encoder', async () => {
    const { services, call, changes } = await setup()
    const demo = await services.handlers.models.addDemo({}, call)
    expect(demo).toMatchObject({ kind: 'encoder', name: 'Demo model (random weights)', version: '1', active: true, pretrained: false, encoderId: null, dependants: 0, scoring: null })
    expect(demo.note).toContain('Random weights, no pretrained knowledge')
    expect(demo.config).toMatchObject({ dim: 192, layers: 4, sampleRate: 16000, windowS: 1, hopS: 0.5 })
    expect((await services.handlers.models.addDemo({}, call)).id).toBe(demo.id)
    expect(await services.handlers.models.list({}, call)).toHaveLength(1)
    expect(await services.handlers.models.list({ kind: 'head' }, call)).toEqual([])
    expect(changes).toEqual([demo.id, demo.id])
  })

  it('keeps one active encoder, edits a head’s thresholds with a revision, and flags heads whose detections are stale', async () => {
    const { services, call, project, root } = await setup()
    const demo = await services.handlers.models.addDemo({}, call)
    generateDemoSeason(join(root, 'season'), { hours: 10 / 3600, sites: 1, fileSeconds: 5, sampleRate: 16_000 })
    await importSeason(project.db, { folders: [join(root, 'season')] })
    const { headId, labelIds } = addRandomHead({ db: project.db, dir: project.dir, encoderId: demo.id })
    expect((await services.handlers.models.get({ id: headId }, call)).scoring).toMatchObject({ revision: 0, needsRescore: false })
    await analyzeRecordings({ db: project.db, projectDir: project.dir, params: { threads: 1, provider: 'cpu' }, jobId: null })
    expect((await services.handlers.models.get({ id: headId }, call)).scoring?.needsRescore).toBe(false)

    const edited = await services.handlers.models.updateHead({ id: headId, thresholds: [{ labelId: labelIds[1], threshold: 0.9 }], events: { maxGap: 0.5, minDuration: 1, score: 'mean' } }, call)
    expect(edited.scoring).toMatchObject({
      revision: 1,
      needsRescore: true,
      events: { maxGap: 0.5, minDuration: 1, score: 'mean' },
      thresholds: [
        { labelId: labelIds[0], code: 'A', threshold: 0.8 },
        { labelId: labelIds[1], code: 'B', threshold: 0.9 },
      ],
    })
    expect((await services.handlers.models.updateHead({ id: headId, events: { maxGap: 0.5, minDuration: 1, score: 'mean' } }, call)).scoring?.revision).toBe(1)
    await expect(services.handlers.models.updateHead({ id: headId, thresholds: [{ labelId: 9999, threshold: 0.5 }] }, call)).rejects.toThrow(/label 9999 is not one of head/)

    const off = await services.handlers.models.setActive({ id: headId, active: false }, call)
    expect(off).toMatchObject({ active: false, scoring: { needsRescore: false } })
    expect((await services.handlers.models.setActive({ id: headId, active: true }, call)).scoring?.needsRescore).toBe(true)

    // A second encoder activated takes over; the first is no longer active.
    const second = services.session.require().db.prepare("INSERT INTO models (kind, name, version, files, config, active, created_at) SELECT kind, 'Copy', version, files, config, 0, created_at FROM models WHERE id = ?").run(demo.id).lastInsertRowid
    await services.handlers.models.setActive({ id: Number(second), active: true }, call)
    const encoders = await services.handlers.models.list({ kind: 'encoder' }, call)
    expect(encoders.map((e) => [e.id, e.active])).toEqual([
      [demo.id, false],
      [Number(second), true],
    ])
  })

  it('refuses to delete an encoder with heads or embeddings (MODEL_IN_USE) unless forced, then removes them with their files', async () => {
    const { services, call, project, root } = await setup()
    const demo = await services.handlers.models.addDemo({}, call)
    generateDemoSeason(join(root, 'season'), { hours: 10 / 3600, sites: 1, fileSeconds: 5, sampleRate: 16_000 })
    await importSeason(project.db, { folders: [join(root, 'season')] })
    const { headId } = addRandomHead({ db: project.db, dir: project.dir, encoderId: demo.id })
    const result = await analyzeRecordings({ db: project.db, projectDir: project.dir, params: { threads: 1, provider: 'cpu' }, jobId: null })
    expect(result.detections).toBeGreaterThan(0)
    project.db.prepare("UPDATE detections SET review_state = 'confirmed' WHERE id = (SELECT min(id) FROM detections)").run()

    await expect(services.handlers.models.delete({ id: headId }, call)).rejects.toMatchObject({ code: 'MODEL_IN_USE', message: expect.stringContaining('1 reviewed detection(s)') })
    await expect(services.handlers.models.delete({ id: demo.id }, call)).rejects.toMatchObject({ code: 'MODEL_IN_USE', message: expect.stringContaining('has 1 head(s) and the embeddings of 2 recording(s)') })
    const modelsDir = join(project.dir, 'models')
    expect(existsSync(join(modelsDir, 'random-head-1', 'head.json'))).toBe(true)
    expect(existsSync(analysisFolder(project.dir, result.analysisId))).toBe(true)

    await services.handlers.models.delete({ id: demo.id, force: true }, call)
    expect(await services.handlers.models.list({}, call)).toEqual([])
    expect(project.db.prepare('SELECT (SELECT count(*) FROM detections) + (SELECT count(*) FROM analyses) + (SELECT count(*) FROM analysed_recordings)').pluck().get()).toBe(0)
    expect(project.db.prepare('SELECT count(*) FROM label_sets').pluck().get()).toBe(1)
    expect(existsSync(analysisFolder(project.dir, result.analysisId))).toBe(false)
    expect(existsSync(join(modelsDir, 'demo-model-1'))).toBe(false)
    expect(existsSync(join(modelsDir, 'random-head-1'))).toBe(false)
  })

  it('reports the engine the settings select, once per setting', async () => {
    const { services, call } = await setup()
    services.settings.update({ executionProvider: 'cpu', inferenceThreads: 1 })
    const status = await services.handlers.models.engineStatus({}, call)
    expect(status).toMatchObject({ provider: 'cpu', threads: 1, notes: [] })
    expect(status.attempts.find((a) => a.name === 'cpu')).toEqual({ name: 'cpu', ok: true, reason: null })
    const t0 = performance.now()
    expect(await services.handlers.models.engineStatus({}, call)).toEqual(status)
    expect(performance.now() - t0).toBeLessThan(50)
  })

  it('fills an analyze job’s threads and provider from the settings when it starts', async () => {
    const { services, call } = await setup()
    services.settings.update({ executionProvider: 'cpu', inferenceThreads: 3 })
    const job = await services.handlers.jobs.start({ params: { type: 'analyze' } }, call)
    expect(job.params).toMatchObject({ type: 'analyze', threads: 3, provider: 'cpu' })
    const done = await services.jobs.waitFor(job.id)
    expect(done.status).toBe('failed')
    expect(done.error).toMatchObject({ code: 'MODEL_NOT_FOUND', message: expect.stringContaining('this project has no encoder') })
  })
})
