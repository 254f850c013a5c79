import { readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { strToU8, unzipSync, zipSync } from 'fflate'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadHeadPackage } from '../../src-main/analysis/head-package'
import { embeddingsFile, readEmbeddings } from '../../src-main/analysis/embedding-files'
import { scoreHead } from '../../src-main/heads/head-scorer'
import { ModelsRepository } from '../../src-main/services/models-repository'
import { HeadTrainingsRepository } from '../../src-main/training/head-trainings'
import { exportModelPackage } from '../../src-main/training/package/export-package'
import { importModelPackage } from '../../src-main/training/package/import-package'
import { trainVersion } from '../../src-main/training/train-version'
import { tempDir } from '../helpers/main-services'
import { syntheticProject, type SyntheticProject } from './synthetic-project'

const tmp = tempDir('obs-package-')
let source: SyntheticProject
let headId: number
let zip: string
beforeAll(async () => {
  source = await syntheticProject(join(tmp.path, 'source'), { sites: 2, recordingsPerSite: 4 })
  headId = (await trainVersion({ db: source.db, projectDir: source.dir, params: { type: 'train-head', set: { labelIds: [...source.labels.values()] }, head: { epochs: 10, targetPrecision: 0.9 } }, jobId: null })).modelId
  zip = exportModelPackage({ db: source.db, projectDir: source.dir, modelId: headId }).path
})
afterAll(() => {
  source.close()
  tmp.cleanup()
})

let n = 0
async function target(opts: Parameters<typeof syntheticProject>[1] = {}): Promise<SyntheticProject> {
  return syntheticProject(join(tmp.path, `target-${++n}`), { sites: 1, recordingsPerSite: 2, seed: 100 + n, ...opts })
}

function state(p: SyntheticProject): { models: number; folders: string[] } {
  return { models: new ModelsRepository(p.db).rows().length, folders: readdirSync(join(p.dir, 'models')).sort() }
}

/** The package with one file replaced (manifest untouched), or one added. */
function alteredZip(name: string, change: (files: Record<string, Uint8Array>) => void): string {
  const files = unzipSync(readFileSync(zip))
  change(files)
  const out = join(tmp.path, name)
  writeFileSync(out, zipSync(files))
  return out
}

describe('model package zips', () => {
  it('lists every file with its sha256 and carries the scoring settings and evaluation', () => {
    const files = unzipSync(readFileSync(zip))
    expect(Object.keys(files).sort()).toEqual(['head/head.json', 'head/training.json', 'openbeats-package.json'])
    const manifest = JSON.parse(Buffer.from(files['openbeats-package.json']).toString())
    expect(manifest.files.map((f: { path: string }) => f.path)).toEqual(['head/head.json', 'head/training.json'])
    expect(manifest.encoder).toMatchObject({ onnxSha256: 'a'.repeat(64), included: false })
    expect(manifest.head.labels.map((l: { code: string }) => l.code)).toEqual(['AAA', 'BBB', 'CCC'])
    expect(manifest.head.thresholds).toEqual(new ModelsRepository(source.db).head(headId).head.thresholds)
  })

  it('round-trips into a second project: same weights, identical scores, evaluation kept', async () => {
    const t = await target()
    const r = importModelPackage({ db: t.db, projectDir: t.dir, path: zip })
    expect(r).toMatchObject({ encoderId: t.encoderId, encoderCreated: false, labelSetId: t.labelSetId, name: 'Synthetic species head', version: '1', warnings: [] })
    const models = new ModelsRepository(t.db)
    const imported = models.head(r.headId as number)
    const original = new ModelsRepository(source.db).head(headId)
    expect(imported.head.labelIds).toEqual(['AAA', 'BBB', 'CCC'].map((c) => t.labels.get(c)))
    expect(imported.head.thresholds).toEqual(original.head.thresholds)
    const a = loadHeadPackage(new ModelsRepository(source.db).folder(original, source.dir)).head
    const b = loadHeadPackage(models.folder(imported, t.dir)).head
    const rec = source.recordings[0]
    const windows = source.db.prepare('SELECT windows FROM analysed_recordings WHERE recording_id = ?').pluck().get(rec.id) as number
    const x = readEmbeddings(embeddingsFile(source.dir, source.analysisId, rec.id), windows, source.dim)
    expect(scoreHead(b, x, windows)).toEqual(scoreHead(a, x, windows))
    const evaluation = new HeadTrainingsRepository(t.db).get(r.headId as number)
    expect(evaluation?.origin).toBe('imported')
    expect(evaluation?.evaluation.validation?.mAP).toBe(new HeadTrainingsRepository(source.db).get(headId)?.evaluation.validation?.mAP)
    expect(evaluation?.evaluation.labels.map((l) => l.labelId)).toEqual(imported.head.labelIds)
    // importing it again makes the next version instead of clashing
    const again = importModelPackage({ db: t.db, projectDir: t.dir, path: zip })
    expect(again.version).toBe('2')
    expect(again.warnings[0]).toMatch(/already exists/)
    t.close()
  })

  it('refuses a tampered, damaged or padded zip and registers nothing', async () => {
    const t = await target()
    const before = state(t)
    const tampered = alteredZip('tampered.zip', (f) => {
      const head = JSON.parse(Buffer.from(f['head/head.json']).toString())
      head.thresholds[0] = 0.01
      f['head/head.json'] = strToU8(JSON.stringify(head, null, 1) + '\n')
    })
    expect(() => importModelPackage({ db: t.db, projectDir: t.dir, path: tampered })).toThrow(expect.objectContaining({ code: 'PACKAGE_INVALID', message: expect.stringMatching(/head\/head\.json .*(sha256|bytes)/) }))
    const padded = alteredZip('padded.zip', (f) => {
      f['../../evil.sh'] = strToU8('rm -rf /')
    })
    expect(() => importModelPackage({ db: t.db, projectDir: t.dir, path: padded })).toThrow(expect.objectContaining({ code: 'PACKAGE_INVALID', message: expect.stringMatching(/evil/) }))
    const bytes = readFileSync(zip)
    const truncated = join(tmp.path, 'truncated.zip')
    writeFileSync(truncated, bytes.subarray(0, bytes.length - 40))
    expect(() => importModelPackage({ db: t.db, projectDir: t.dir, path: truncated })).toThrow(expect.objectContaining({ code: 'PACKAGE_INVALID' }))
    expect(state(t)).toEqual(before)
    t.close()
  })

  it('refuses a head made on other encoder weights', async () => {
    const t = await target({ onnxSha256: 'b'.repeat(64) })
    const before = state(t)
    expect(() => importModelPackage({ db: t.db, projectDir: t.dir, path: zip })).toThrow(expect.objectContaining({ code: 'ENCODER_MISMATCH' }))
    expect(state(t)).toEqual(before)
    t.close()
  })

  it('refuses a head whose labels the project lacks, naming them', async () => {
    const t = await target({ species: ['AAA', 'CCC'] })
    const before = state(t)
    expect(() => importModelPackage({ db: t.db, projectDir: t.dir, path: zip })).toThrow(expect.objectContaining({ code: 'LABELS_MISSING', message: expect.stringMatching(/BBB/) }))
    expect(() => importModelPackage({ db: t.db, projectDir: t.dir, path: zip, labelSetId: t.labelSetId })).toThrow(expect.objectContaining({ code: 'LABELS_MISSING' }))
    expect(state(t)).toEqual(before)
    t.close()
  })

  it('brings the encoder along when asked, checked by its ONNX hash', async () => {
    const withModel = await syntheticProject(join(tmp.path, 'demo-source'), { encoder: 'demo', sites: 2, recordingsPerSite: 3 })
    const trained = await trainVersion({ db: withModel.db, projectDir: withModel.dir, params: { type: 'train-head', set: { labelIds: [...withModel.labels.values()] }, head: { epochs: 5 } }, jobId: null })
    const full = exportModelPackage({ db: withModel.db, projectDir: withModel.dir, modelId: trained.modelId, includeEncoder: true })
    expect(full.files.map((f) => f.path)).toEqual(['head/head.json', 'head/training.json', 'encoder/manifest.json', 'encoder/model.onnx'])
    const sha = new ModelsRepository(withModel.db).encoder(withModel.encoderId).encoder.onnxSha256
    expect(full.files[3].sha256).toBe(sha)

    // a project with the labels but no encoder at all
    const empty = await target()
    empty.db.prepare('DELETE FROM analysed_recordings').run()
    empty.db.prepare('DELETE FROM analyses').run()
    empty.db.prepare('DELETE FROM models').run()
    const r = importModelPackage({ db: empty.db, projectDir: empty.dir, path: full.path })
    expect(r.encoderCreated).toBe(true)
    const models = new ModelsRepository(empty.db)
    expect(models.encoder(r.encoderId).encoder.onnxSha256).toBe(sha)
    expect(models.head(r.headId as number).encoderId).toBe(r.encoderId)
    const again = importModelPackage({ db: empty.db, projectDir: empty.dir, path: full.path })
    expect(again).toMatchObject({ encoderId: r.encoderId, encoderCreated: false })
    expect(again.warnings.join(' ')).toMatch(/already in this project/)

    // an encoder whose graph does not match its own manifest is refused, even with a consistent package manifest
    const files = unzipSync(readFileSync(full.path))
    files['encoder/model.onnx'][100] ^= 0xff
    const manifest = JSON.parse(Buffer.from(files['openbeats-package.json']).toString())
    const { createHash } = await import('node:crypto')
    manifest.files[3].sha256 = createHash('sha256').update(files['encoder/model.onnx']).digest('hex')
    files['openbeats-package.json'] = strToU8(JSON.stringify(manifest))
    const forged = join(tmp.path, 'forged.zip')
    writeFileSync(forged, zipSync(files))
    const fresh = await target()
    fresh.db.prepare('DELETE FROM analysed_recordings').run()
    fresh.db.prepare('DELETE FROM analyses').run()
    fresh.db.prepare('DELETE FROM models').run()
    const before = state(fresh)
    expect(() => importModelPackage({ db: fresh.db, projectDir: fresh.dir, path: forged })).toThrow(expect.objectContaining({ code: 'PACKAGE_INVALID' }))
    expect(state(fresh)).toEqual(before)
    for (const x of [withModel, empty, fresh]) x.close()
  })
})
