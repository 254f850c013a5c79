// The `recordings` domain through the real services: tree, list (filters, sorting, paging), detail,
// coverage, relink of a moved folder, and edits of inferred sites and deployments.
import { cpSync, mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { RecordingSummary } from '../../src-shared/contracts'
import { mothWav } from '../season/import/season-files'
import { insertDetection, insertModels, SERIAL_A, SERIAL_B, seasonProject, T0, writeSchedule, type SeasonProject } from './season-fixture'

let p: SeasonProject
beforeEach(async () => {
  p = await seasonProject()
})
afterEach(async () => {
  await p.cleanup()
})

/** Ridge/moth-a: 6 × 60 s every 10 min (UTC+1); Marsh/<serial B>: 3 × 30 s on the next day (UTC); one broken file. */
async function standardSeason(): Promise<void> {
  writeSchedule(join(p.season, 'Ridge', 'moth-a'), { serial: SERIAL_A, seconds: 1, offsetMinutes: 60, guano: { latitude: 50.5, longitude: 4.25 } }, T0, 6, 600)
  writeSchedule(join(p.season, 'Marsh'), { serial: SERIAL_B, seconds: 0.5 }, T0 + 86_400_000, 3, 600)
  writeFileSync(join(p.season, 'Marsh', 'broken.WAV'), Buffer.alloc(0))
  await p.importFolders()
}

function names(items: RecordingSummary[]): string[] {
  return items.map((r) => r.fileName)
}

describe('recordings.tree', () => {
  it('lists sites with their deployments, counts (quarantined included), total duration and time span', async () => {
    await standardSeason()
    const tree = await p.services.handlers.recordings.tree({}, p.call)
    expect(tree.map((s) => [s.name, s.latitude, s.longitude])).toEqual([['Marsh', null, null], ['Ridge', 50.5, 4.25]])
    expect(tree[0].deployments).toEqual([
      { id: expect.any(Number), siteId: tree[0].id, name: SERIAL_B, recorderModel: 'AudioMoth', recorderSerial: SERIAL_B, startedAt: '2024-06-02T04:00:00Z', endedAt: '2024-06-02T04:20:00.5Z', recordingCount: 4, totalDurationS: 1.5, quarantinedCount: 1 },
    ])
    expect(tree[1].deployments[0]).toMatchObject({ name: 'moth-a', recordingCount: 6, totalDurationS: 6, quarantinedCount: 0, startedAt: '2024-06-01T05:00:00+01:00', endedAt: '2024-06-01T05:50:01+01:00' })
  })

  it('is empty for a fresh project and refuses without a project', async () => {
    expect(await p.services.handlers.recordings.tree({}, p.call)).toEqual([])
    await p.services.handlers.projects.close({}, p.call)
    await expect(p.services.handlers.recordings.tree({}, p.call)).rejects.toMatchObject({ code: 'NO_PROJECT_OPEN' })
  })
})

describe('recordings.list', () => {
  it('pages in start-time order by default, with the total of the filter', async () => {
    await standardSeason()
    const list = (req: Parameters<typeof p.services.handlers.recordings.list>[0]) => p.services.handlers.recordings.list(req, p.call)
    const page1 = await list({ page: { offset: 0, limit: 4 } })
    expect(page1.total).toBe(10)
    // The quarantined file has no start time: it sorts first in ascending order.
    expect(names(page1.items)).toEqual(['broken.WAV', '20240601_050000.WAV', '20240601_051000.WAV', '20240601_052000.WAV'])
    const page3 = await list({ page: { offset: 8, limit: 4 } })
    expect(names(page3.items)).toEqual(['20240602_041000.WAV', '20240602_042000.WAV'])
    const item = page1.items[1]
    expect(item).toMatchObject({ format: 'wav', sampleRate: 8000, effectiveSampleRate: 8000, channels: 1, durationS: 1, startTime: '2024-06-01T05:00:00+01:00', status: 'ok', statusReason: null, annotationCount: 0, detectionCount: 0, hasConflicts: false })
    expect(page1.items[0]).toMatchObject({ status: 'quarantined', statusReason: expect.stringContaining('the file is empty'), sampleRate: null, durationS: null })
  })

  it('filters by site, deployment, status, date range (date-only and zoned) and file name, and combines them', async () => {
    await standardSeason()
    const tree = await p.services.handlers.recordings.tree({}, p.call)
    const [marsh, ridge] = tree
    const list = async (filter: object) => (await p.services.handlers.recordings.list({ filter, page: { offset: 0, limit: 100 } }, p.call))
    expect((await list({ siteId: ridge.id })).total).toBe(6)
    expect((await list({ deploymentId: marsh.deployments[0].id })).total).toBe(4)
    expect(names((await list({ status: 'quarantined' })).items)).toEqual(['broken.WAV'])
    expect((await list({ from: '2024-06-02' })).total).toBe(3)
    expect((await list({ to: '2024-06-01' })).total).toBe(6)
    // Wall clock: Ridge's 05:10 local; zoned: 04:10Z is the same instant.
    expect(names((await list({ from: '2024-06-01T05:10:00', to: '2024-06-01T05:20:00' })).items)).toEqual(['20240601_051000.WAV', '20240601_052000.WAV'])
    expect(names((await list({ from: '2024-06-01T04:10:00Z', to: '2024-06-01T04:20:00Z' })).items)).toEqual(['20240601_051000.WAV', '20240601_052000.WAV'])
    expect((await list({ search: '0602' })).total).toBe(3)
    expect((await list({ search: 'BROKEN' })).total).toBe(1)
    expect((await list({ search: '%' })).total).toBe(0)
    expect((await list({ siteId: ridge.id, from: '2024-06-01T05:30:00', search: '05' })).total).toBe(3)
    await expect(list({ from: 'yesterday' })).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: 'filter from "yesterday" is not an ISO 8601 date or date-time' })
  })

  it('filters and sorts on annotation and detection counts, file name and duration, both directions', async () => {
    await standardSeason()
    const db = p.db()
    const ids = (db.prepare("SELECT id FROM recordings WHERE status = 'ok' ORDER BY file_name").all() as { id: number }[]).map((r) => r.id)
    db.prepare("INSERT INTO label_sets (id, name, created_at) VALUES (1, 'Birds', 'x')").run()
    db.prepare("INSERT INTO labels (id, label_set_id, code) VALUES (1, 1, 'TURMER')").run()
    const annotate = db.prepare("INSERT INTO annotations (recording_id, label_id, start_s, end_s, source, created_at, updated_at) VALUES (?, 1, 0, 0.2, 'manual', 'x', 'x')")
    annotate.run(ids[2])
    annotate.run(ids[2])
    annotate.run(ids[7])
    const { headId } = insertModels(db)
    for (let k = 0; k < 3; k++) insertDetection(db, { modelId: headId, recordingId: ids[0], labelId: 1, startS: 0, endS: 0.1, score: 0.9 })
    insertDetection(db, { modelId: headId, recordingId: ids[5], labelId: 1, startS: 0, endS: 0.1, score: 0.9 })

    const list = async (filter: object, sort?: { by: 'startTime' | 'fileName' | 'duration' | 'detections' | 'annotations'; dir: 'asc' | 'desc' }) =>
      p.services.handlers.recordings.list({ filter, ...(sort ? { sort } : {}), page: { offset: 0, limit: 3 } }, p.call)
    expect((await list({ hasAnnotations: true })).total).toBe(2)
    expect((await list({ hasAnnotations: false })).total).toBe(8)
    expect((await list({ hasDetections: true })).total).toBe(2)
    expect((await list({ hasDetections: false, status: 'ok' })).total).toBe(7)
    const byAnnotations = await list({}, { by: 'annotations', dir: 'desc' })
    expect(byAnnotations.items.map((r) => [r.id, r.annotationCount])).toEqual([[ids[2], 2], [ids[7], 1], [expect.any(Number), 0]])
    const byDetections = await list({}, { by: 'detections', dir: 'desc' })
    expect(byDetections.items.map((r) => [r.id, r.detectionCount])).toEqual([[ids[0], 3], [ids[5], 1], [expect.any(Number), 0]])
    expect(names((await list({}, { by: 'fileName', dir: 'desc' })).items)).toEqual(['broken.WAV', '20240602_042000.WAV', '20240602_041000.WAV'])
    expect(names((await list({ status: 'ok' }, { by: 'duration', dir: 'asc' })).items)).toEqual(['20240602_040000.WAV', '20240602_041000.WAV', '20240602_042000.WAV'])
    expect(names((await list({}, { by: 'startTime', dir: 'desc' })).items)).toEqual(['20240602_042000.WAV', '20240602_041000.WAV', '20240602_040000.WAV'])
  })
})

describe('recordings.get', () => {
  it('gives the detail: names, size, fingerprint, time expansion, metadata, conflicts and warnings', async () => {
    await standardSeason()
    const first = (await p.services.handlers.recordings.list({ filter: { search: '20240601_050000' }, page: { offset: 0, limit: 1 } }, p.call)).items[0]
    const detail = await p.services.handlers.recordings.get({ id: first.id }, p.call)
    expect(detail).toMatchObject({
      ...first,
      siteName: 'Ridge',
      deploymentName: 'moth-a',
      sizeBytes: mothWav({ serial: SERIAL_A, startMs: T0, seconds: 1, offsetMinutes: 60, guano: { latitude: 50.5, longitude: 4.25 } }).length,
      fingerprint: expect.stringMatching(/^v1:\d+:[0-9a-f]{32}$/),
      timeExpansion: 1,
      conflicts: [],
      warnings: [],
    })
    expect(detail.metadata).toMatchObject({ serial: SERIAL_A, startTimeSource: 'guano', latitude: 50.5, audio: { container: 'wav' } })
    await expect(p.services.handlers.recordings.get({ id: 999 }, p.call)).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'recording 999 does not exist in this project' })
  })
})

describe('recordings.coverage', () => {
  it('reports intervals, the missing recording as a gap, and the AudioMoth duty cycle of a deployment', async () => {
    const dir = join(p.season, 'Ridge', 'moth-a')
    const paths = writeSchedule(dir, { serial: SERIAL_A, seconds: 2 }, T0, 12, 60)
    renameSync(paths[6], join(p.root, 'away.WAV'))
    await p.importFolders()
    const [site] = await p.services.handlers.recordings.tree({}, p.call)
    const c = await p.services.handlers.recordings.coverage({ deploymentId: site.deployments[0].id }, p.call)
    expect(c).toMatchObject({ zoneKnown: true, recordedSeconds: 22, spanSeconds: 11 * 60 + 2, dutyCycle: { onSeconds: 2, periodSeconds: 60, fraction: 2 / 60 }, recordingsWithoutTime: 0 })
    expect(c.intervals).toHaveLength(11)
    expect(c.gaps).toEqual([{ start: T0 + 5 * 60_000 + 2000, end: T0 + 7 * 60_000 }])
    await expect(p.services.handlers.recordings.coverage({ deploymentId: 404 }, p.call)).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})

describe('recordings.relink', () => {
  it('moves recordings of a moved folder to their new paths when the fingerprints match, keeping annotations; counts the others', async () => {
    const dir = join(p.season, 'Ridge', 'moth-a')
    writeSchedule(dir, { serial: SERIAL_A, seconds: 1 }, T0, 4, 600)
    await p.importFolders()
    const db = p.db()
    const rows = db.prepare('SELECT id, path FROM recordings ORDER BY path').all() as { id: number; path: string }[]
    db.prepare("INSERT INTO label_sets (id, name, created_at) VALUES (1, 'Birds', 'x')").run()
    db.prepare("INSERT INTO labels (id, label_set_id, code) VALUES (1, 1, 'TURMER')").run()
    db.prepare("INSERT INTO annotations (recording_id, label_id, start_s, end_s, source, created_at, updated_at) VALUES (?, 1, 0, 0.5, 'manual', 'x', 'x')").run(rows[0].id)

    const moved = join(p.root, 'external-disk', 'season-2024')
    mkdirSync(join(p.root, 'external-disk'))
    renameSync(p.season, moved)
    const newDir = join(moved, 'Ridge', 'moth-a')
    // One file changed on the way, one did not make it.
    writeFileSync(join(newDir, basename(rows[2].path)), mothWav({ serial: SERIAL_B, startMs: T0, seconds: 1 }))
    rmSync(join(newDir, basename(rows[3].path)))

    const changed: unknown[] = []
    p.services.events.on('recordings.changed', (e) => changed.push(e))
    const result = await p.services.handlers.recordings.relink({ fromDir: p.season, toDir: moved }, p.call)
    expect(result).toEqual({ relinked: 2, notFound: 1, fingerprintMismatch: 1 })
    const after = db.prepare('SELECT id, path, annotation_count FROM recordings ORDER BY id').all()
    expect(after).toEqual([
      { id: rows[0].id, path: join(newDir, '20240601_040000.WAV'), annotation_count: 1 },
      { id: rows[1].id, path: join(newDir, '20240601_041000.WAV'), annotation_count: 0 },
      { id: rows[2].id, path: rows[2].path, annotation_count: 0 },
      { id: rows[3].id, path: rows[3].path, annotation_count: 0 },
    ])
    expect(changed).toEqual([{ recordingIds: [rows[0].id, rows[1].id] }])
  })

  it('takes over the row a copy of the folder got when it was imported too, with that row’s annotations', async () => {
    writeSchedule(join(p.season, 'site', 'card'), { serial: SERIAL_A, seconds: 1 }, T0, 1, 600)
    await p.importFolders()
    const db = p.db()
    const [old] = db.prepare('SELECT id, path FROM recordings').all() as { id: number; path: string }[]
    const copy = join(p.root, 'copy')
    cpSync(p.season, copy, { recursive: true })
    expect((await p.importFolders([copy])).duplicates).toBe(1)
    const fresh = (db.prepare('SELECT id FROM recordings WHERE id <> ?').get(old.id) as { id: number }).id
    db.prepare("INSERT INTO label_sets (id, name, created_at) VALUES (1, 'Birds', 'x')").run()
    db.prepare("INSERT INTO labels (id, label_set_id, code) VALUES (1, 1, 'TURMER')").run()
    db.prepare("INSERT INTO annotations (recording_id, label_id, start_s, end_s, source, created_at, updated_at) VALUES (?, 1, 0, 0.5, 'manual', 'x', 'x')").run(fresh)
    rmSync(p.season, { recursive: true })

    expect(await p.services.handlers.recordings.relink({ fromDir: p.season, toDir: copy }, p.call)).toEqual({ relinked: 1, notFound: 0, fingerprintMismatch: 0 })
    expect(db.prepare('SELECT id, path, annotation_count FROM recordings').all()).toEqual([{ id: old.id, path: join(copy, 'site', 'card', '20240601_040000.WAV'), annotation_count: 1 }])
  })

  it('refuses relative paths and a target folder that does not exist', async () => {
    await expect(p.services.handlers.recordings.relink({ fromDir: 'season', toDir: p.root }, p.call)).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
    await expect(p.services.handlers.recordings.relink({ fromDir: p.season, toDir: join(p.root, 'nowhere') }, p.call)).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})

describe('recordings.updateSite / updateDeployment', () => {
  it('renames and locates a site, renames and moves a deployment; names stay unique', async () => {
    await standardSeason()
    const [marsh, ridge] = await p.services.handlers.recordings.tree({}, p.call)
    const site = await p.services.handlers.recordings.updateSite({ id: ridge.id, name: 'North ridge', latitude: 51, longitude: null }, p.call)
    expect(site).toMatchObject({ id: ridge.id, name: 'North ridge', latitude: 51, longitude: null })
    await expect(p.services.handlers.recordings.updateSite({ id: ridge.id, name: 'Marsh' }, p.call)).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: 'another site is already called "Marsh"' })

    const dep = await p.services.handlers.recordings.updateDeployment({ id: marsh.deployments[0].id, name: 'moth-b', siteId: ridge.id }, p.call)
    expect(dep).toMatchObject({ siteId: ridge.id, name: 'moth-b', recordingCount: 4 })
    await expect(p.services.handlers.recordings.updateDeployment({ id: dep.id, name: 'moth-a' }, p.call)).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
    await expect(p.services.handlers.recordings.updateDeployment({ id: dep.id, siteId: 999 }, p.call)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    const tree = await p.services.handlers.recordings.tree({}, p.call)
    expect(tree.map((s) => [s.name, s.deployments.map((d) => d.name)])).toEqual([['Marsh', []], ['North ridge', ['moth-a', 'moth-b']]])

    // A re-import finds the renamed site and the moved deployment by the names they were inferred under.
    writeSchedule(join(p.season, 'Marsh'), { serial: SERIAL_B, seconds: 0.5 }, T0 + 2 * 86_400_000, 1, 600)
    await p.importFolders()
    const after = await p.services.handlers.recordings.tree({}, p.call)
    expect(after.map((s) => [s.name, s.deployments.map((d) => [d.name, d.recordingCount])])).toEqual([['Marsh', []], ['North ridge', [['moth-a', 6], ['moth-b', 5]]]])
  })
})
