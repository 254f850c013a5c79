// The shared real recordings imported as a season (copied into a temp dir at test time; never into
// the repository): what each file carries comes out in the database.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { openProjectDatabase, type SqliteDatabase } from '../../../src-main/db/connection'
import { importSeason } from '../../../src-main/season/import/import-season'
import type { ImportResult } from '../../../src-shared/contracts'
import { tempDir } from '../../helpers/main-services'
import { describeShared, realPath } from '../../helpers/shared-data'

interface Row {
  file_name: string
  start_time: string | null
  start_utc_ms: number | null
  serial: string | null
  latitude: number | null
  longitude: number | null
  sample_rate: number | null
  time_expansion: number
  duration_s: number | null
  status: string
  status_code: string | null
  has_conflicts: number
  site: string
  deployment: string
}

describeShared('importing the shared real recordings', () => {
  let db: SqliteDatabase
  let result: ImportResult
  let cleanup: () => void
  const byName = new Map<string, Row>()

  beforeAll(async () => {
    const t = tempDir('obs-real-season-')
    cleanup = t.cleanup
    for (const dir of ['recordings', 'edge_cases']) {
      mkdirSync(join(t.path, 'season', dir), { recursive: true })
      for (const name of readdirSync(realPath(dir))) copyFileSync(realPath(`${dir}/${name}`), join(t.path, 'season', dir, name))
    }
    db = openProjectDatabase(join(t.path, 'project.sqlite'), { create: true })
    result = await importSeason(db, { folders: [join(t.path, 'season')] })
    const rows = db
      .prepare(`SELECT r.file_name, r.start_time, r.start_utc_ms, json_extract(r.metadata, '$.serial') AS serial, json_extract(r.metadata, '$.latitude') AS latitude,
          json_extract(r.metadata, '$.longitude') AS longitude, r.sample_rate, r.time_expansion, r.duration_s, r.status, r.status_code, r.has_conflicts, s.name AS site, d.name AS deployment
        FROM recordings r JOIN deployments d ON d.id = r.deployment_id JOIN sites s ON s.id = d.site_id`)
      .all() as Row[]
    for (const r of rows) byName.set(r.file_name, r)
  })
  afterAll(() => {
    db?.close()
    cleanup?.()
  })

  it('imports every readable file and quarantines the truncated one with its code; the rest of the folder goes on', () => {
    expect(result).toMatchObject({ files: 16, imported: 15, quarantined: 1, skipped: 0, quarantineTotal: 1 })
    expect(result.quarantine.map((q) => [q.path.split('/').pop(), q.code])).toEqual([['empty_2c.wav', 'AUDIO_TRUNCATED']])
    expect(result.quarantine[0].reason).toContain("'data' promises 116 bytes but the file holds 1")
    expect(byName.get('empty_2c.wav')).toMatchObject({ status: 'quarantined', status_code: 'AUDIO_TRUNCATED', sample_rate: null })
  })

  it.each([
    ['1min.wav', '2018-05-04T09:32:00Z', Date.UTC(2018, 4, 4, 9, 32), '0FE081F80FE081F0', null],
    ['audiomoth_gps.wav', '2024-05-28T10:00:00Z', Date.UTC(2024, 4, 28, 10), '243B1F026488F56E', null],
    ['LOCA_2021_09_24_652_3.wav', '2021-09-24T06:52:00Z', Date.UTC(2021, 8, 24, 6, 52), null, null],
    ['AudiomothNoBatCalls.WAV', '2024-09-03T19:31:30+01:00', Date.UTC(2024, 8, 3, 18, 31, 30), '24E144055E080032', null],
    ['0166_20240531_223911.wav', '2024-05-31T22:39:11', null, '22060166', [49.093119, 5.047867]],
    ['S4U00331_0_20160427_185458_000.wav', '2016-04-27T18:54:58', null, 'S4U00331', null],
    ['Car300711-2014-Pass2-C1-16701_0_20141004_210909_000.wav', '2014-10-04T21:09:09', null, null, null],
    ['o_o_Col_de_Roncevaux_ferme_abandonnee10250_20140725_081655_173.wav', '2014-07-25T08:16:55.173', null, null, null],
  ] as const)('%s: start %s', (name, start, utc, serial, location) => {
    const r = byName.get(name)
    expect(r).toMatchObject({ status: 'ok', start_time: start, start_utc_ms: utc, serial, latitude: location?.[0] ?? null, longitude: location?.[1] ?? null })
  })

  it('files that carry no time, serial or location have none', () => {
    for (const name of ['spinetail.wav', 'soundscape.wav', 'LluviasDeMayo.flac', '456440__inspectorj__bird-whistling-robin-single-13.hq.ogg', 'recording.mp3', 'stereo.wav']) {
      expect(byName.get(name), name).toMatchObject({ status: 'ok', start_time: null, serial: null, latitude: null })
    }
  })

  it('time expansion: the ×10 Song Meter file becomes 384 kHz for 5 s; the Kaleidoscope file keeps 384 kHz and flags the contradiction', () => {
    expect(byName.get('S4U00331_0_20160427_185458_000.wav')).toMatchObject({ sample_rate: 38400, time_expansion: 10, duration_s: 5, has_conflicts: 0 })
    expect(byName.get('Car300711-2014-Pass2-C1-16701_0_20141004_210909_000.wav')).toMatchObject({ sample_rate: 384000, time_expansion: 1, has_conflicts: 1 })
    const conflicts = db.prepare("SELECT conflicts, warnings FROM recordings WHERE file_name LIKE 'Car300711%'").get() as { conflicts: string; warnings: string }
    expect(JSON.parse(conflicts.conflicts)).toEqual([{ field: 'timeExpansion', values: [{ source: 'wamd', value: 10 }, { source: 'header', value: 1 }] }])
    expect(JSON.parse(conflicts.warnings)).toContain('time expansion ×10 ignored: the header rate 384000 Hz is already a real-time rate (a time-expanded header is ≤ 50000 Hz)')
  })

  it('sites come from the folders ("recordings" is a generic name, so the root names the site), deployments from recorder serials where there is one; the GUANO location lands on its site', () => {
    expect(byName.get('1min.wav')).toMatchObject({ site: 'season', deployment: '0FE081F80FE081F0' })
    expect(byName.get('spinetail.wav')).toMatchObject({ site: 'season', deployment: 'season' })
    expect(byName.get('AudiomothNoBatCalls.WAV')).toMatchObject({ site: 'edge_cases', deployment: '24E144055E080032' })
    expect(db.prepare("SELECT latitude, longitude FROM sites WHERE name = 'season'").get()).toEqual({ latitude: 49.093119, longitude: 5.047867 })
  })
})
