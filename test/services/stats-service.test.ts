import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Activity, ActivityQuery, DielCell } from '../../src-shared/contracts'
import { AppError } from '../../src-main/errors'
import { activityTables, recordedByHour } from '../../src-main/services/stats-activity'
import { createTestServices, tempDir, testContext } from '../helpers/main-services'

// A hand-made season whose answers are worked out below by hand:
//  Site A: two 30-min recordings at 05:00 and 05:30 on 10 May (zone unknown) with 3 detections,
//          and a 2-h recording from 23:30 on 10 May (UTC+2) with detections at 23:40 and 00:15.
//  Site B: a 1-h recording at 05:00 on 13 May stamped in UTC with 2 detections (one confirmed),
//          and a recording without a start time with 1 detection.

const root = tempDir()
const services = createTestServices({ dataDir: join(root.path, 'data') })
const ctx = testContext()
const stats = services.handlers.stats
const ids = { siteA: 0, siteB: 0, l1: 0, l2: 0, head: 0 }

const H = 3_600_000
const wall = (iso: string) => Date.parse(`${iso}Z`)

beforeAll(async () => {
  await services.handlers.projects.create({ dir: join(root.path, 'project'), name: 'Stats test' }, ctx)
  const db = services.session.require().db
  const now = '2024-06-01T00:00:00Z'
  ids.siteA = Number(db.prepare("INSERT INTO sites (name, created_at) VALUES ('Marsh, north', ?)").run(now).lastInsertRowid)
  ids.siteB = Number(db.prepare("INSERT INTO sites (name, created_at) VALUES ('Ridge', ?)").run(now).lastInsertRowid)
  const depA = Number(db.prepare("INSERT INTO deployments (site_id, name, created_at) VALUES (?, 'A1', ?)").run(ids.siteA, now).lastInsertRowid)
  const depB = Number(db.prepare("INSERT INTO deployments (site_id, name, created_at) VALUES (?, 'B1', ?)").run(ids.siteB, now).lastInsertRowid)
  const set = Number(db.prepare("INSERT INTO label_sets (name, created_at) VALUES ('Birds', ?)").run(now).lastInsertRowid)
  ids.l1 = Number(db.prepare("INSERT INTO labels (label_set_id, code) VALUES (?, 'WREN')").run(set).lastInsertRowid)
  ids.l2 = Number(db.prepare("INSERT INTO labels (label_set_id, code) VALUES (?, 'ROBI')").run(set).lastInsertRowid)
  ids.head = Number(db.prepare("INSERT INTO models (kind, name, version, created_at) VALUES ('head', 'Birds', '1', ?)").run(now).lastInsertRowid)
  const rec = db.prepare(
    "INSERT INTO recordings (deployment_id, path, file_name, fingerprint, format, size_bytes, sample_rate, channels, duration_s, start_time, start_local_ms, start_utc_ms, imported_at) VALUES (?, ?, ?, ?, 'wav', 1, 48000, 1, ?, ?, ?, ?, ?)",
  )
  const add = (dep: number, name: string, durationS: number, local: string | null, offsetMin: number | null) =>
    Number(
      rec.run(dep, `/s/${name}`, name, name, durationS, local, local === null ? null : wall(local), local === null || offsetMin === null ? null : wall(local) - offsetMin * 60_000, now)
        .lastInsertRowid,
    )
  const r1 = add(depA, 'a1.wav', 1800, '2024-05-10T05:00:00', null)
  const r2 = add(depA, 'a2.wav', 1800, '2024-05-10T05:30:00', null)
  const r3 = add(depA, 'a3.wav', 7200, '2024-05-10T23:30:00', 120)
  const r4 = add(depB, 'b1.wav', 3600, '2024-05-13T05:00:00', 0)
  const r5 = add(depB, 'b2.wav', 600, null, null)
  const det = db.prepare("INSERT INTO detections (model_id, recording_id, label_id, start_s, end_s, score, review_state, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
  const d = (r: number, label: number, startS: number, score: number, state = 'unreviewed') => det.run(ids.head, r, label, startS, startS + 3, score, state, now)
  d(r1, ids.l1, 60, 0.8)
  d(r1, ids.l2, 900, 0.6)
  d(r2, ids.l1, 100, 0.7, 'confirmed')
  d(r3, ids.l1, 600, 0.9)
  d(r3, ids.l1, 2700, 0.5)
  d(r4, ids.l1, 10, 0.9, 'confirmed')
  d(r4, ids.l1, 20, 0.4)
  d(r5, ids.l1, 5, 0.8)
})

afterAll(async () => {
  await services.dispose()
  root.cleanup()
})

const cell = (a: Activity, date: string, hour: number): DielCell | undefined => a.diel.find((c) => c.date === date && c.hour === hour)
const activity = (query: ActivityQuery) => stats.activity({ query }, ctx)

describe('stats.activity', () => {
  it('normalises by recorded hours: two 30-min recordings in hour 05 with 3 detections give 3 per recorded hour', async () => {
    const a = await activity({ siteId: ids.siteA })
    expect(cell(a, '2024-05-10', 5)).toEqual({ date: '2024-05-10', hour: 5, detections: 3, recordedHours: 1, perRecordedHour: 3 })
    // An hour nobody recorded has no rate, rather than a rate of zero.
    expect(cell(a, '2024-05-10', 4)).toEqual({ date: '2024-05-10', hour: 4, detections: 0, recordedHours: 0, perRecordedHour: null })
  })

  it('splits a recording across the hours and days it spans', async () => {
    const a = await activity({ siteId: ids.siteA })
    expect(cell(a, '2024-05-10', 23)).toMatchObject({ detections: 1, recordedHours: 0.5, perRecordedHour: 2 })
    expect(cell(a, '2024-05-11', 0)).toMatchObject({ detections: 1, recordedHours: 1, perRecordedHour: 1 })
    expect(cell(a, '2024-05-11', 1)).toMatchObject({ detections: 0, recordedHours: 0.5, perRecordedHour: 0 })
    expect(a.daily).toEqual([
      { date: '2024-05-10', detections: 4, recordedHours: 1.5, perRecordedHour: 4 / 1.5 },
      { date: '2024-05-11', detections: 1, recordedHours: 1.5, perRecordedHour: 1 / 1.5 },
    ])
    expect(a.diel).toHaveLength(2 * 24)
    expect(a.totals).toEqual({ detections: 5, recordedHours: 3, perRecordedHour: 5 / 3 })
  })

  it('pools sites and lists every day of the span, unrecorded days included', async () => {
    const a = await activity({})
    expect(a.daily.map((d) => [d.date, d.detections, d.recordedHours, d.perRecordedHour])).toEqual([
      ['2024-05-10', 4, 1.5, 4 / 1.5],
      ['2024-05-11', 1, 1.5, 1 / 1.5],
      ['2024-05-12', 0, 0, null],
      ['2024-05-13', 2, 1, 2],
    ])
    expect(a.sparseDates).toBe(false)
  })

  it('counts only confirmed detections, or those above a score, or one label', async () => {
    expect((await activity({ confirmedOnly: true })).totals).toEqual({ detections: 2, recordedHours: 4, perRecordedHour: 0.5 })
    expect((await activity({ minScore: 0.75 })).totals.detections).toBe(3)
    const robin = await activity({ labelId: ids.l2 })
    expect(robin.totals.detections).toBe(1)
    expect(cell(robin, '2024-05-10', 5)).toMatchObject({ detections: 1, recordedHours: 1, perRecordedHour: 1 })
  })

  it('restricts to a date range, recorded hours included (a date-only end includes that day)', async () => {
    const a = await activity({ from: '2024-05-11', to: '2024-05-11' })
    expect(a.daily).toEqual([{ date: '2024-05-11', detections: 1, recordedHours: 1.5, perRecordedHour: 1 / 1.5 }])
    expect(await codeOf(activity({ from: '2024-05-12', to: '2024-05-11' }))).toBe('INVALID_REQUEST')
  })

  it('says how to read the hours: zone unknown, UTC stamps, and what was left out', async () => {
    const a = await activity({})
    expect(a.timeBasis).toEqual({
      zoneKnown: false,
      recordings: 4,
      withoutZone: 2,
      inUtc: 1,
      withoutStartTime: 1,
      detectionsWithoutStartTime: 1,
      note:
        "Hours are the recorders' local clock time; the time zone is unknown for 2 recordings of 4. 1 recording is stamped in UTC: its hours are UTC, not necessarily local time. 1 recording without a start time (1 detection) is left out.",
    })
    const b = await activity({ siteId: ids.siteB })
    expect(b.timeBasis.zoneKnown).toBe(true)
  })

  it('sees new reviews (confirmed-only changes after a decision)', async () => {
    const before = (await activity({ confirmedOnly: true })).totals.detections
    const row = (await services.handlers.detections.list({ filter: { reviewStates: ['unreviewed'] }, offset: 0, limit: 1 }, ctx)).items[0]
    await services.handlers.detections.review({ id: row.id, state: 'confirmed' }, ctx)
    const after = (await activity({ confirmedOnly: true })).totals.detections
    const dated = row.startTime !== null
    expect(after).toBe(before + (dated ? 1 : 0))
    await services.handlers.detections.review({ id: row.id, state: 'unreviewed' }, ctx)
  })
})

describe('stats.exportCsv', () => {
  it('writes the daily table with scope columns and quoting', async () => {
    const out = await stats.exportCsv({ table: 'daily', query: { siteId: ids.siteA } }, ctx)
    expect(out.fileName).toBe('activity-daily-marsh-north-all-labels.csv')
    expect(out.text).toBe(
      [
        'site,label,date,detections,recorded_hours,detections_per_recorded_hour',
        '"Marsh, north",all labels,2024-05-10,4,1.5000,2.6667',
        '"Marsh, north",all labels,2024-05-11,1,1.5000,0.6667',
        '',
      ].join('\r\n'),
    )
  })

  it('writes the diel table, one row per date and hour, empty rate where nothing was recorded', async () => {
    const out = await stats.exportCsv({ table: 'diel', query: { siteId: ids.siteB, labelId: ids.l1 } }, ctx)
    const lines = out.text.trimEnd().split('\r\n')
    expect(out.fileName).toBe('activity-diel-ridge-wren.csv')
    expect(lines[0]).toBe('site,label,date,hour,detections,recorded_hours,detections_per_recorded_hour')
    expect(lines).toHaveLength(1 + 24)
    expect(lines[1]).toBe('Ridge,WREN,2024-05-13,0,0,0,')
    expect(lines[6]).toBe('Ridge,WREN,2024-05-13,5,2,1,2')
  })
})

describe('recorded hours', () => {
  it('clips spans to the range and sums overlapping recordings', () => {
    const base = wall('2024-05-10T00:00:00')
    const hours = recordedByHour(
      [
        { startLocalMs: base + 5 * H + 15 * 60_000, durationS: 5400 },
        { startLocalMs: base + 6 * H, durationS: 1800 },
      ],
      base + 6 * H + 30 * 60_000,
    )
    const h0 = base / H
    expect([...hours.entries()].map(([h, ms]) => [h - h0, ms / 60_000])).toEqual([[6, 15]])
  })

  it('lists only the recorded dates when a clock that was never set spreads them over decades', () => {
    const recorded = recordedByHour([
      { startLocalMs: 0, durationS: 60 },
      { startLocalMs: wall('2024-05-10T05:00:00'), durationS: 3600 },
    ])
    const t = activityTables(recorded, new Map())
    expect(t.sparseDates).toBe(true)
    expect(t.daily.map((d) => d.date)).toEqual(['1970-01-01', '2024-05-10'])
  })
})

async function codeOf(promise: Promise<unknown>): Promise<string | null> {
  try {
    await promise
    return null
  } catch (err) {
    return err instanceof AppError ? err.code : `not an AppError: ${String(err)}`
  }
}
