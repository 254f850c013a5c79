// importSeason on a real project database file with generated season folders.
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openProjectDatabase, type SqliteDatabase } from '../../../src-main/db/connection'
import { AppError } from '../../../src-main/errors'
import { importSeason, type ImportCheckpoint } from '../../../src-main/season/import/import-season'
import { probeRecording } from '../../../src-main/season/import/probe-recording'
import { tempDir } from '../../helpers/main-services'
import { mothWav, plainWav, writeMothFile } from './season-files'

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const c of cleanups.splice(0).reverse()) c()
})

function setup(): { root: string; season: string; db: SqliteDatabase } {
  const t = tempDir('obs-import-')
  cleanups.push(t.cleanup)
  const db = openProjectDatabase(join(t.path, 'project.sqlite'), { create: true })
  cleanups.push(() => db.close())
  const season = join(t.path, 'season')
  mkdirSync(season)
  return { root: t.path, season, db }
}

const T0 = Date.UTC(2024, 5, 1, 4, 0, 0)
const SERIAL_A = '24E144055E080032'
const SERIAL_B = '24F319046A5C1D2E'

function rows(db: SqliteDatabase, sql: string, ...params: unknown[]): Record<string, unknown>[] {
  return db.prepare(sql).all(...params) as Record<string, unknown>[]
}

describe('importSeason', () => {
  it('infers sites from folders and deployments from folders or recorder serials; reads start times, serials and locations', async () => {
    const { season, db } = setup()
    // <site>/<deployment>/files, with a recorder-made daily folder that is not a place
    for (let i = 0; i < 3; i++) writeMothFile(join(season, 'Ridge', 'moth-1', '20240601'), { serial: SERIAL_A, startMs: T0 + i * 600_000, seconds: 1, offsetMinutes: 60, guano: { latitude: 50.5, longitude: 4.25 } })
    // <site>/files from two recorders: one deployment per serial
    for (let i = 0; i < 2; i++) writeMothFile(join(season, 'Marsh'), { serial: SERIAL_A, startMs: T0 + 86_400_000 + i * 600_000, seconds: 2 })
    writeMothFile(join(season, 'Marsh'), { serial: SERIAL_B, startMs: T0 + 7_200_000, seconds: 2 })
    writeFileSync(join(season, 'Marsh', 'CONFIG.TXT'), 'Device ID: 24E144055E080032\n')

    const result = await importSeason(db, { folders: [season] })
    expect(result).toMatchObject({ files: 6, imported: 6, updated: 0, unchanged: 0, moved: 0, quarantined: 0, skipped: 1, missing: 0, sitesCreated: 2, deploymentsCreated: 3, quarantineTotal: 0 })
    expect(result.durationS).toBe(3 + 6)

    expect(rows(db, 'SELECT name, latitude, longitude FROM sites ORDER BY name')).toEqual([
      { name: 'Marsh', latitude: null, longitude: null },
      { name: 'Ridge', latitude: 50.5, longitude: 4.25 },
    ])
    expect(rows(db, 'SELECT s.name AS site, d.name, d.recorder_serial, d.recorder_model, d.started_at, d.ended_at, d.timezone FROM deployments d JOIN sites s ON s.id = d.site_id ORDER BY s.name, d.name')).toEqual([
      { site: 'Marsh', name: SERIAL_A, recorder_serial: SERIAL_A, recorder_model: 'AudioMoth', started_at: '2024-06-02T04:00:00Z', ended_at: '2024-06-02T04:10:02Z', timezone: 'UTC' },
      { site: 'Marsh', name: SERIAL_B, recorder_serial: SERIAL_B, recorder_model: 'AudioMoth', started_at: '2024-06-01T06:00:00Z', ended_at: '2024-06-01T06:00:02Z', timezone: 'UTC' },
      { site: 'Ridge', name: 'moth-1', recorder_serial: SERIAL_A, recorder_model: 'AudioMoth', started_at: '2024-06-01T05:00:00+01:00', ended_at: '2024-06-01T05:20:01+01:00', timezone: 'UTC+01:00' },
    ])
    const first = rows(db, "SELECT file_name, format, sample_rate, channels, duration_s, start_time, start_utc_ms, start_local_ms, time_expansion, status, has_conflicts FROM recordings WHERE path LIKE '%Ridge%' ORDER BY path LIMIT 1")[0]
    expect(first).toEqual({
      file_name: '20240601_050000.WAV',
      format: 'wav',
      sample_rate: 8000,
      channels: 1,
      duration_s: 1,
      start_time: '2024-06-01T05:00:00+01:00',
      start_utc_ms: T0,
      start_local_ms: T0 + 3_600_000,
      time_expansion: 1,
      status: 'ok',
      has_conflicts: 0,
    })
    const metadata = JSON.parse((rows(db, "SELECT metadata FROM recordings WHERE path LIKE '%Ridge%' LIMIT 1")[0].metadata as string)) as Record<string, unknown>
    expect(metadata).toMatchObject({ serial: SERIAL_A, make: 'Open Acoustic Devices', model: 'AudioMoth', gain: 'medium', batteryVolts: 4.3, temperatureC: 18.7, latitude: 50.5, longitude: 4.25, audio: { container: 'wav', codec: 'pcm', headerSampleRate: 8000, frames: 8000, bitsPerSample: 16 } })
  })

  it('files directly in the import root take the root as their site and the serial (or the root) as their deployment', async () => {
    const { season, db } = setup()
    writeMothFile(season, { serial: SERIAL_A, startMs: T0, seconds: 1 })
    writeMothFile(season, { serial: SERIAL_B, startMs: T0, seconds: 1, offsetMinutes: 60 })
    writeFileSync(join(season, 'loose.wav'), plainWav(8000, 1, 7))
    await importSeason(db, { folders: [season] })
    expect(rows(db, 'SELECT s.name AS site, d.name FROM recordings r JOIN deployments d ON d.id = r.deployment_id JOIN sites s ON s.id = d.site_id ORDER BY r.file_name')).toEqual([
      { site: 'season', name: SERIAL_A },
      { site: 'season', name: SERIAL_B },
      { site: 'season', name: 'season' },
    ])
  })

  it('a file without a recorder serial joins the one recorder deployment of its folder', async () => {
    const { season, db } = setup()
    writeMothFile(join(season, 'Marsh'), { serial: SERIAL_A, startMs: T0, seconds: 1 })
    writeMothFile(join(season, 'Marsh', '20240602'), { serial: SERIAL_A, startMs: T0 + 86_400_000, seconds: 1 })
    writeFileSync(join(season, 'Marsh', 'loose.wav'), plainWav(8000, 1, 7))
    writeFileSync(join(season, 'Marsh', 'z-broken.WAV'), Buffer.from('RIFF'))
    await importSeason(db, { folders: [season] })
    expect(rows(db, 'SELECT r.file_name, d.name FROM recordings r JOIN deployments d ON d.id = r.deployment_id ORDER BY r.file_name')).toEqual([
      { file_name: '20240601_040000.WAV', name: SERIAL_A },
      { file_name: '20240602_040000.WAV', name: SERIAL_A },
      { file_name: 'loose.wav', name: SERIAL_A },
      { file_name: 'z-broken.WAV', name: SERIAL_A },
    ])
  })

  it('re-importing the same folders changes nothing; a renamed site and deployment are found again', async () => {
    const { season, db } = setup()
    for (let i = 0; i < 4; i++) writeMothFile(join(season, 'Ridge', 'moth-1'), { serial: SERIAL_A, startMs: T0 + i * 600_000, seconds: 1 })
    await importSeason(db, { folders: [season] })
    const before = rows(db, 'SELECT * FROM recordings ORDER BY id')
    db.prepare("UPDATE sites SET name = 'North ridge'").run()
    db.prepare("UPDATE deployments SET name = 'AudioMoth A, June'").run()

    writeMothFile(join(season, 'Ridge', 'moth-1'), { serial: SERIAL_A, startMs: T0 + 4 * 600_000, seconds: 1 })
    const again = await importSeason(db, { folders: [season] })
    expect(again).toMatchObject({ files: 5, imported: 1, unchanged: 4, updated: 0, moved: 0, sitesCreated: 0, deploymentsCreated: 0 })
    expect(rows(db, 'SELECT * FROM recordings ORDER BY id').slice(0, 4)).toEqual(before)
    expect(rows(db, 'SELECT name FROM sites')).toEqual([{ name: 'North ridge' }])
    expect(rows(db, 'SELECT name, ended_at FROM deployments')).toEqual([{ name: 'AudioMoth A, June', ended_at: '2024-06-01T04:40:01Z' }])
  })

  it('a file moved within the folders keeps its row and annotations; a file that vanished is marked missing, and back when it returns', async () => {
    const { season, db } = setup()
    const a = writeMothFile(join(season, 'Ridge', 'card-1'), { serial: SERIAL_A, startMs: T0, seconds: 1 })
    const b = writeMothFile(join(season, 'Ridge', 'card-1'), { serial: SERIAL_A, startMs: T0 + 600_000, seconds: 1 })
    await importSeason(db, { folders: [season] })
    const idA = (rows(db, 'SELECT id FROM recordings WHERE path = ?', a)[0].id as number)
    db.prepare("INSERT INTO label_sets (id, name, created_at) VALUES (1, 'Birds', 'x')").run()
    db.prepare("INSERT INTO labels (id, label_set_id, code) VALUES (1, 1, 'TURMER')").run()
    db.prepare("INSERT INTO annotations (recording_id, label_id, start_s, end_s, source, created_at, updated_at) VALUES (?, 1, 0.1, 0.5, 'manual', 'x', 'x')").run(idA)

    const movedTo = join(season, 'Ridge', 'card-1', 'sorted', '20240601_040000.WAV')
    mkdirSync(join(season, 'Ridge', 'card-1', 'sorted'))
    renameSync(a, movedTo)
    renameSync(b, join(season, '..', 'b.bak'))
    const r = await importSeason(db, { folders: [season] })
    expect(r).toMatchObject({ files: 1, moved: 1, imported: 0, missing: 1 })
    expect(rows(db, 'SELECT id, path, annotation_count, status FROM recordings ORDER BY id')).toEqual([
      { id: idA, path: movedTo, annotation_count: 1, status: 'ok' },
      { id: idA + 1, path: b, annotation_count: 0, status: 'missing' },
    ])

    renameSync(join(season, '..', 'b.bak'), b)
    const back = await importSeason(db, { folders: [season] })
    expect(back).toMatchObject({ updated: 1, missing: 0 })
    expect(rows(db, 'SELECT status, status_reason FROM recordings WHERE id = ?', idA + 1)).toEqual([{ status: 'ok', status_reason: null }])
  })

  it('quarantines empty, truncated, unsupported and garbage audio files with their codes and imports the rest', async () => {
    const { season, db } = setup()
    const dir = join(season, 'Ridge', 'card-1')
    writeMothFile(dir, { serial: SERIAL_A, startMs: T0, seconds: 1 })
    const good = mothWav({ serial: SERIAL_A, startMs: T0 + 600_000, seconds: 1 })
    writeFileSync(join(dir, 'empty.WAV'), Buffer.alloc(0))
    writeFileSync(join(dir, 'cut.WAV'), good.subarray(0, 10))
    writeFileSync(join(dir, 'noise.wav'), Buffer.from('this is not audio at all, just words'))
    writeFileSync(join(dir, 'song.aiff'), Buffer.concat([Buffer.from('FORM'), Buffer.alloc(4), Buffer.from('AIFF'), Buffer.alloc(20)]))
    writeFileSync(join(dir, '._20240601_041000.WAV'), Buffer.from('AppleDouble junk'))
    writeFileSync(join(dir, 'notes.txt'), 'battery swapped on day 3')

    const r = await importSeason(db, { folders: [season] })
    expect(r).toMatchObject({ files: 5, imported: 1, quarantined: 4, skipped: 1, quarantineTotal: 4 })
    expect(r.quarantine.map((q) => [q.path.split('/').pop(), q.code])).toEqual([
      ['cut.WAV', 'AUDIO_TRUNCATED'],
      ['empty.WAV', 'AUDIO_EMPTY'],
      ['noise.wav', 'AUDIO_UNSUPPORTED'],
      ['song.aiff', 'AUDIO_UNSUPPORTED'],
    ])
    expect(r.quarantine.every((q) => q.reason.startsWith(q.path))).toBe(true)
    expect(rows(db, "SELECT file_name, status, status_code, sample_rate, deployment_id IS NOT NULL AS placed FROM recordings WHERE status = 'quarantined' ORDER BY file_name")[0]).toEqual({ file_name: 'cut.WAV', status: 'quarantined', status_code: 'AUDIO_TRUNCATED', sample_rate: null, placed: 1 })

    // The same broken files again: nothing new is quarantined.
    const again = await importSeason(db, { folders: [season] })
    expect(again).toMatchObject({ quarantined: 0, unchanged: 5, quarantineTotal: 4 })
  })

  it('applies the import time expansion only to files whose metadata states none, and when the header rate allows it', async () => {
    const { season, db } = setup()
    writeFileSync(join(season, 'slow.wav'), plainWav(38_400, 0.5, 1))
    writeFileSync(join(season, 'fast.wav'), plainWav(384_000, 0.05, 2))
    await importSeason(db, { folders: [season], timeExpansion: 10 })
    const byName = Object.fromEntries(rows(db, 'SELECT file_name, time_expansion, duration_s, warnings FROM recordings').map((r) => [r.file_name, r]))
    expect(byName['slow.wav']).toMatchObject({ time_expansion: 10, duration_s: 0.05 })
    expect(JSON.parse(byName['slow.wav'].warnings as string)).toEqual(['time expansion ×10 from the import settings (the file states none)'])
    expect(byName['fast.wav']).toMatchObject({ time_expansion: 1, duration_s: 0.05 })
    expect(JSON.parse(byName['fast.wav'].warnings as string)[0]).toMatch(/^import setting: time expansion ×10 ignored: the header rate 384000 Hz is already a real-time rate/)

    // Re-importing without the setting re-reads the expanded file as real time.
    const again = await importSeason(db, { folders: [season] })
    expect(again).toMatchObject({ updated: 1, unchanged: 1 })
  })

  it('a file that vanished after the listing is skipped, not an error', async () => {
    const { season } = setup()
    expect(await probeRecording(join(season, 'gone.WAV'))).toEqual({ kind: 'other', path: join(season, 'gone.WAV'), size: 0 })
  })

  it('refuses a relative or missing folder', async () => {
    const { root, db } = setup()
    await expect(importSeason(db, { folders: ['season'] })).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
    const missing = await importSeason(db, { folders: [join(root, 'nope')] }).catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(AppError)
    expect(missing).toMatchObject({ code: 'NOT_FOUND', message: `folder ${join(root, 'nope')} does not exist or cannot be read` })
  })

  it('resumes after the last committed batch: cancelled after a checkpoint, it finishes with the rows and counts of an uninterrupted import', async () => {
    const { season, db, root } = setup()
    for (let d = 0; d < 3; d++) {
      for (let i = 0; i < 100; i++) writeMothFile(join(season, `site-${d}`, 'card'), { serial: SERIAL_A, startMs: T0 + d * 86_400_000 + i * 600_000, seconds: 0.1 })
    }
    writeFileSync(join(season, 'site-0', 'card', 'empty.WAV'), Buffer.alloc(0))

    const controller = new AbortController()
    const checkpoints: ImportCheckpoint[] = []
    const first = importSeason(db, {
      folders: [season],
      batchSize: 50,
      signal: controller.signal,
      onCheckpoint: (c) => {
        checkpoints.push(c)
        if (checkpoints.length === 3) controller.abort()
      },
    })
    await expect(first).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(rows(db, 'SELECT count(*) AS n FROM recordings')).toEqual([{ n: 150 }])
    const last = checkpoints[2]
    expect(last.tallies.files).toBe(150)

    const progress: number[] = []
    const resumed = await importSeason(db, { folders: [season], batchSize: 50, resumeFrom: JSON.parse(JSON.stringify(last)), onProgress: (done, total) => total !== null && progress.push(done) })
    expect(progress[0]).toBe(150)

    const reference = openProjectDatabase(join(root, 'reference.sqlite'), { create: true })
    cleanups.push(() => reference.close())
    const straight = await importSeason(reference, { folders: [season] })
    expect(resumed).toEqual(straight)
    expect(resumed).toMatchObject({ files: 301, imported: 300, quarantined: 1 })
    const content = (d: SqliteDatabase) => d.prepare('SELECT path, fingerprint, deployment_id, start_time, duration_s, status FROM recordings ORDER BY path').all()
    expect(content(db)).toEqual(content(reference))
  })

  it('starts over when the checkpoint is for other folders or names a file that is gone', async () => {
    const { season, db } = setup()
    for (let i = 0; i < 4; i++) writeMothFile(join(season, 'a', 'b'), { serial: SERIAL_A, startMs: T0 + i * 600_000, seconds: 0.1 })
    const tallies = { files: 2, imported: 2, updated: 0, unchanged: 0, moved: 0, duplicates: 0, quarantined: 0, skipped: 0, sitesCreated: 1, deploymentsCreated: 1, durationS: 0.2 }
    const stale: ImportCheckpoint = { version: 1, folders: [season], lastPath: join(season, 'gone.wav'), tallies }
    expect(await importSeason(db, { folders: [season], resumeFrom: stale })).toMatchObject({ files: 4, imported: 4 })
    const otherFolders: ImportCheckpoint = { ...stale, folders: [join(season, 'a')], lastPath: join(season, 'a', 'b', '20240601_041000.WAV') }
    rmSync(join(season, 'a', 'b', '20240601_040000.WAV'))
    expect(await importSeason(db, { folders: [season], resumeFrom: otherFolders })).toMatchObject({ files: 3, unchanged: 3, missing: 1 })
  })
})
