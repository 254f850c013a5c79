// Checkpoint import into a project: all three fixture layouts register their encoder (and, with a
// classifier, a label set, its labels and the head) after the self-check; any failure leaves no
// folder and no row behind.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { loadHeadPackage } from '../../src-main/analysis/head-package'
import { openProjectDatabase, type SqliteDatabase } from '../../src-main/db/connection'
import { AppError } from '../../src-main/errors'
import { importCheckpoint } from '../../src-main/services/models-import'
import { ModelsRepository } from '../../src-main/services/models-repository'
import { describeShared, fixturePath } from '../helpers/shared-data'
import { tempDir } from '../helpers/main-services'

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c()
})

function project(): { dir: string; db: SqliteDatabase } {
  const t = tempDir('obs-model-import-')
  const dir = join(t.path, 'project')
  const db = openProjectDatabase(join(t.path, 'project.sqlite'), { create: true })
  cleanups.push(t.cleanup, () => db.close())
  return { dir, db }
}

function counts(db: SqliteDatabase) {
  return db.prepare('SELECT (SELECT count(*) FROM models) AS models, (SELECT count(*) FROM label_sets) AS sets, (SELECT count(*) FROM labels) AS labels').get()
}

function modelFolders(dir: string): string[] {
  return existsSync(join(dir, 'models')) ? readdirSync(join(dir, 'models')).sort() : []
}

describeShared('model import of the fixture checkpoints', () => {
  it('registers the OpenBEATs SSL checkpoint as an active encoder with its provenance and self-check', async () => {
    const { dir, db } = project()
    const r = await importCheckpoint({ db, projectDir: dir, params: { checkpointPath: fixturePath('checkpoints/openbeats_ssl_tiny.pt') }, jobId: null })
    expect(r).toMatchObject({ name: 'openbeats_ssl_tiny', version: '1', headId: null, labelSetId: null, dir: join('models', 'openbeats-ssl-tiny-1') })
    expect(r.parity).toMatchObject({ signalSeconds: 2, patches: 8 * 12, dim: 64, finite: true, fusedVsStandard: { layers: 2 } })
    expect((r.parity.fusedVsStandard as { maxAbsDiff: number }).maxAbsDiff).toBeLessThan(1e-4)
    const repo = new ModelsRepository(db)
    const enc = repo.encoder(r.encoderId)
    expect(enc.active).toBe(true)
    expect(enc.encoder).toMatchObject({ dim: 64, layers: 2, windowS: 1, hopS: 0.5, family: 'openbeats-ssl', quantization: 'none', normalization: { mean: 15.41663, std: 6.55582 }, pretrained: true })
    expect(enc.provenance).toMatchObject({ source: 'checkpoint', checkpoint: 'openbeats_ssl_tiny.pt', family: 'openbeats-ssl', converterVersion: '1.0.0' })
    expect(enc.provenance.sha256).toMatch(/^[0-9a-f]{64}$/)
    expect(modelFolders(dir)).toEqual(['openbeats-ssl-tiny-1'])
    expect(readdirSync(join(dir, r.dir)).sort()).toEqual(['manifest.json', 'model.onnx'])
    // A second import of the same file is a new version beside the first.
    const again = await importCheckpoint({ db, projectDir: dir, params: { checkpointPath: fixturePath('checkpoints/openbeats_ssl_tiny.pt') }, jobId: null })
    expect(again).toMatchObject({ version: '2', dir: join('models', 'openbeats-ssl-tiny-2') })
    expect(repo.encoder(again.encoderId).active).toBe(false)
  })

  it('registers an ESPnet fine-tune as encoder + head over a label set of its token list, in one go', async () => {
    const { dir, db } = project()
    const r = await importCheckpoint({
      db,
      projectDir: dir,
      params: { checkpointPath: fixturePath('checkpoints/espnet_cls_tiny.pth'), configPath: fixturePath('checkpoints/espnet_cls_tiny.config.yaml'), name: 'ESPnet tiny' },
      jobId: null,
    })
    expect(r.headId).not.toBeNull()
    expect((r.parity.head as { classes: number; maxAbsDiff: number }).classes).toBe(5)
    expect((r.parity.head as { maxAbsDiff: number }).maxAbsDiff).toBeLessThan(1e-4)
    const repo = new ModelsRepository(db)
    const head = repo.head(r.headId as number)
    expect(head).toMatchObject({ name: 'ESPnet tiny classifier', version: '1', encoderId: r.encoderId, labelSetId: r.labelSetId, active: true })
    expect(head.head).toMatchObject({ labelCodes: ['class_0', 'class_1', 'class_2', 'class_3', 'class_4'], thresholds: [0.5, 0.5, 0.5, 0.5, 0.5], task: 'multi-class', windowS: 1, hopS: 0.5, revision: 0, scoredRevision: null })
    expect(db.prepare('SELECT name FROM label_sets WHERE id = ?').pluck().get(r.labelSetId)).toBe('ESPnet tiny 1 classes')
    const pkg = loadHeadPackage(join(dir, head.files[0]))
    expect(pkg.labels.map((l) => l.labelId)).toEqual(head.head.labelIds)
    expect(pkg.encoder).toMatchObject({ id: r.encoderId, name: 'ESPnet tiny', version: '1', onnxSha256: repo.encoder(r.encoderId).encoder.onnxSha256 })
    expect(modelFolders(dir)).toEqual(['espnet-tiny-1', 'espnet-tiny-classifier-1'])
    expect(repo.summary(head)).toMatchObject({ kind: 'head', labels: ['class_0', 'class_1', 'class_2', 'class_3', 'class_4'], scoring: { needsRescore: false } })
    expect(repo.summary(repo.row(r.encoderId))).toMatchObject({ kind: 'encoder', dependants: 1 })
  })

  it('registers a Microsoft fine-tuned checkpoint with its label dictionary', async () => {
    const { dir, db } = project()
    const r = await importCheckpoint({ db, projectDir: dir, params: { checkpointPath: fixturePath('checkpoints/ms_beats_tiny_finetuned.pt') }, jobId: null })
    const head = new ModelsRepository(db).head(r.headId as number)
    expect(head.head.task).toBe('multi-label')
    expect(head.head.labelCodes).toHaveLength(5)
    expect(counts(db)).toEqual({ models: 2, sets: 1, labels: 5 })
  })

  it('leaves no folder and no row when the self-check fails', async () => {
    const { dir, db } = project()
    const failing = importCheckpoint({
      db,
      projectDir: dir,
      params: { checkpointPath: fixturePath('checkpoints/espnet_cls_tiny.pth'), configPath: fixturePath('checkpoints/espnet_cls_tiny.config.yaml') },
      jobId: null,
      createEngine: async () => {
        throw new AppError('ENGINE_UNAVAILABLE', 'no engine in this test')
      },
    })
    await expect(failing).rejects.toThrow('no engine in this test')
    expect(counts(db)).toEqual({ models: 0, sets: 0, labels: 0 })
    expect(modelFolders(dir)).toEqual([])
  })

  it('rolls back the encoder, label set and folders when registering the head fails', async () => {
    const { dir, db } = project()
    db.exec("CREATE TEMP TRIGGER no_heads BEFORE INSERT ON models WHEN NEW.kind = 'head' BEGIN SELECT RAISE(ABORT, 'heads refused by the test'); END")
    const failing = importCheckpoint({
      db,
      projectDir: dir,
      params: { checkpointPath: fixturePath('checkpoints/espnet_cls_tiny.pth'), configPath: fixturePath('checkpoints/espnet_cls_tiny.config.yaml') },
      jobId: null,
    })
    await expect(failing).rejects.toThrow('heads refused by the test')
    expect(counts(db)).toEqual({ models: 0, sets: 0, labels: 0 })
    expect(modelFolders(dir)).toEqual([])
  })

  it('refuses a file that is not a checkpoint, creating nothing', async () => {
    const { dir, db } = project()
    const bogus = join(dir, '..', 'bogus.pt')
    writeFileSync(bogus, readFileSync(fixturePath('audio/chirp.wav')))
    await expect(importCheckpoint({ db, projectDir: dir, params: { checkpointPath: bogus }, jobId: null })).rejects.toMatchObject({ code: expect.stringMatching(/^CHECKPOINT_/) })
    expect(counts(db)).toEqual({ models: 0, sets: 0, labels: 0 })
    expect(modelFolders(dir)).toEqual([])
  })
})
