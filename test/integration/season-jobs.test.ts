// The import and export jobs in real worker processes (the TypeScript worker sources through tsx),
// with the events the browser listens to, and cancel/resume of a large import.
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ExportResult, ImportResult, type JobSnapshot } from '../../src-shared/contracts'
import { createTestServices, tempDir, testContext } from '../helpers/main-services'
import { nextJobUpdate } from '../helpers/job-events'
import { hasShared, realPath } from '../helpers/shared-data'
import { mothWav, writeMothFile } from '../season/import/season-files'

const cleanups: Array<() => void | Promise<void>> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

const T0 = Date.UTC(2024, 5, 1, 4, 0, 0)
const SERIAL = '24E144055E080032'

async function project() {
  const t = tempDir('obs-season-jobs-')
  cleanups.push(t.cleanup)
  const services = createTestServices({ dataDir: join(t.path, 'data') })
  cleanups.push(() => services.dispose())
  const call = testContext()
  await services.handlers.projects.create({ dir: join(t.path, 'project'), name: 'Season' }, call)
  const season = join(t.path, 'season')
  mkdirSync(season)
  return { root: t.path, season, services, call }
}

describe('import job', () => {
  it('imports good files and quarantines broken ones (the shared edge cases when present) and succeeds; the browser hears about it', async () => {
    const { season, services, call } = await project()
    const card = join(season, 'Ridge', 'card-1')
    for (let i = 0; i < 20; i++) writeMothFile(card, { serial: SERIAL, startMs: T0 + i * 600_000, seconds: 0.5 })
    writeFileSync(join(card, 'cut.WAV'), mothWav({ serial: SERIAL, startMs: T0, seconds: 0.5 }).subarray(0, 30))
    let edgeFiles = 0
    if (hasShared) {
      mkdirSync(join(season, 'edge'))
      for (const name of readdirSync(realPath('edge_cases'))) {
        copyFileSync(realPath(`edge_cases/${name}`), join(season, 'edge', name))
        edgeFiles += 1
      }
    }
    const changes: unknown[] = []
    services.events.on('recordings.changed', (e) => changes.push(e))
    const counts: number[] = []
    services.events.on('project.changed', (info) => counts.push(info?.counts.recordings ?? -1))

    const job = await services.handlers.jobs.start({ params: { type: 'import', folders: [season] } }, call)
    const done = await services.jobs.waitFor(job.id)
    expect(done.status).toBe('succeeded')
    const result = ImportResult.parse(done.result)
    const expectedQuarantine = [['cut.WAV', 'AUDIO_TRUNCATED'], ...(hasShared ? [['empty_2c.wav', 'AUDIO_TRUNCATED']] : [])]
    expect(result).toMatchObject({ files: 21 + edgeFiles, imported: 20 + Math.max(0, edgeFiles - 1), quarantined: expectedQuarantine.length })
    expect(result.quarantine.map((q) => [q.path.split('/').pop(), q.code]).sort()).toEqual(expectedQuarantine.sort())
    expect(done.progress).toMatchObject({ done: 21 + edgeFiles, total: 21 + edgeFiles, unit: 'files' })

    const logs = await services.handlers.jobs.logs({ id: job.id }, call)
    expect(logs[0].message).toBe(`Importing ${season}`)
    expect(logs.filter((l) => l.level === 'warn' && l.message.startsWith('quarantined '))).toHaveLength(expectedQuarantine.length)
    expect(changes.at(-1)).toEqual({ recordingIds: null })
    expect(counts.at(-1)).toBe(21 + edgeFiles)
    const listed = await services.handlers.recordings.list({ filter: { status: 'quarantined' }, page: { offset: 0, limit: 10 } }, call)
    expect(listed.total).toBe(expectedQuarantine.length)
  })

  it('fails with a clear error when a folder does not exist', async () => {
    const { root, services } = await project()
    const job = services.jobs.start({ type: 'import', folders: [join(root, 'missing')] })
    const done = await services.jobs.waitFor(job.id)
    expect(done.status).toBe('failed')
    expect(done.error).toMatchObject({ code: 'NOT_FOUND', message: `folder ${join(root, 'missing')} does not exist or cannot be read` })
  })

  it('a large import cancelled mid-way keeps its committed batches; resuming skips them and ends with every file once', async () => {
    const { season, services, call } = await project()
    const FILES = 1500
    for (let d = 0; d < 5; d++) {
      for (let i = 0; i < FILES / 5; i++) writeMothFile(join(season, `site-${d}`, 'card'), { serial: SERIAL, startMs: T0 + d * 86_400_000 + i * 120_000, seconds: 0.05 })
    }
    const job = services.jobs.start({ type: 'import', folders: [season] })
    await nextJobUpdate(services.events, (s) => s.id === job.id && s.progress?.total === FILES && s.progress.done >= 600, 60_000)
    const cancelled = await services.handlers.jobs.cancel({ id: job.id }, call)
    expect(['cancelling', 'cancelled']).toContain(cancelled.status)
    expect((await services.jobs.waitFor(job.id)).status).toBe('cancelled')
    const db = services.session.require().db
    const committed = (db.prepare('SELECT count(*) AS n FROM recordings').get() as { n: number }).n
    expect(committed % 250).toBe(0)
    expect(committed).toBeGreaterThanOrEqual(500)
    expect(committed).toBeLessThan(FILES)

    const firstProgress: JobSnapshot[] = []
    services.events.on('jobs.updated', (s) => {
      if (s.id === job.id && s.status === 'running' && s.progress?.total === FILES) firstProgress.push(s)
    })
    await services.handlers.jobs.resume({ id: job.id }, call)
    const done = await services.jobs.waitFor(job.id, undefined, 120_000)
    expect(done.status).toBe('succeeded')
    expect(firstProgress[0].progress?.done).toBeGreaterThanOrEqual(committed)
    expect(ImportResult.parse(done.result)).toMatchObject({ files: FILES, imported: FILES, unchanged: 0, sitesCreated: 5, deploymentsCreated: 5 })
    expect(db.prepare('SELECT count(*) AS n, count(DISTINCT path) AS paths FROM recordings').get()).toEqual({ n: FILES, paths: FILES })
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
  })
})

describe('export job', () => {
  it('writes Raven tables into the project exports folder and lists them in its result', async () => {
    const { season, services, call } = await project()
    for (let i = 0; i < 3; i++) writeMothFile(join(season, 'Ridge', 'card-1'), { serial: SERIAL, startMs: T0 + i * 600_000, seconds: 1 })
    const imported = await services.jobs.waitFor(services.jobs.start({ type: 'import', folders: [season] }).id)
    expect(imported.status).toBe('succeeded')
    const set = await services.handlers.labels.createSet({ name: 'Birds' }, call)
    const label = await services.handlers.labels.upsertLabel({ labelSetId: set.id, code: 'TURMER' }, call)
    const [first] = (await services.handlers.recordings.list({ page: { offset: 0, limit: 1 } }, call)).items
    await services.handlers.annotations.create({ recordingId: first.id, labelId: label.id, startS: 0.1, endS: 0.4, lowHz: 500, highHz: 2500, note: null }, call)

    const job = await services.handlers.jobs.start({ params: { type: 'export', format: 'raven' } }, call)
    const done = await services.jobs.waitFor(job.id)
    expect(done.status).toBe('succeeded')
    const result = ExportResult.parse(done.result)
    expect(result.dir.startsWith(join(services.session.require().dir, 'exports'))).toBe(true)
    expect(result.files.map((f) => [f.path, f.rows])).toEqual([
      ['raven/Ridge/card-1/20240601_040000.annotations.selections.txt', 1],
      ['raven/Ridge/card-1.annotations.combined.selections.txt', 1],
    ])
    expect(result.files.every((f) => existsSync(join(result.dir, f.path)))).toBe(true)
  })
})
