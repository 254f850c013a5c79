import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DetectionFilter, DetectionRow, DetectionSort, ReviewState } from '../../src-shared/contracts'
import { AppError } from '../../src-main/errors'
import { createTestServices, tempDir, testContext } from '../helpers/main-services'
import { seedSeason, type SeededSeason } from './detections-seed'

// One generated project for the whole file: 2 sites × 2 deployments × 6 one-hour recordings × 25
// detections (600), plus a recording without a start time and one outside any deployment. Every
// list answer is checked against the same selection and order computed here in plain JavaScript.

interface Truth {
  id: number
  recordingId: number
  fileName: string
  deploymentId: number | null
  siteId: number | null
  labelId: number
  labelCode: string
  modelId: number
  startS: number
  score: number
  state: ReviewState
  startLocalMs: number | null
}

const root = tempDir()
const services = createTestServices({ dataDir: join(root.path, 'data') })
const ctx = testContext()
const d = services.handlers.detections
let season: SeededSeason
let truth: Truth[] = []
const changed: Array<number[] | null> = []

function loadTruth(): Truth[] {
  const db = services.session.require().db
  return db
    .prepare(
      `SELECT d.id, d.recording_id AS recordingId, r.file_name AS fileName, r.deployment_id AS deploymentId, dep.site_id AS siteId,
        d.label_id AS labelId, l.code AS labelCode, d.model_id AS modelId, d.start_s AS startS, d.score, d.review_state AS state, r.start_local_ms AS startLocalMs
       FROM detections d JOIN recordings r ON r.id = d.recording_id LEFT JOIN deployments dep ON dep.id = r.deployment_id JOIN labels l ON l.id = d.label_id`,
    )
    .all() as Truth[]
}

function parseWall(text: string, end: boolean): number {
  const dateOnly = text.length === 10
  return Date.parse(dateOnly ? `${text}T00:00:00Z` : `${text}Z`) + (end && dateOnly ? 86_400_000 : 0)
}

function selects(f: DetectionFilter): (t: Truth) => boolean {
  return (t) =>
    (!f.labelIds?.length || f.labelIds.includes(t.labelId)) &&
    (!f.reviewStates?.length || f.reviewStates.includes(t.state)) &&
    (f.modelId === undefined || t.modelId === f.modelId) &&
    (f.minScore === undefined || t.score >= f.minScore) &&
    (f.maxScore === undefined || t.score <= f.maxScore) &&
    (f.recordingId === undefined || t.recordingId === f.recordingId) &&
    (f.deploymentId === undefined || t.deploymentId === f.deploymentId) &&
    (f.siteId === undefined || t.siteId === f.siteId) &&
    (f.from === undefined || (t.startLocalMs !== null && t.startLocalMs + t.startS * 1000 >= parseWall(f.from, false))) &&
    (f.to === undefined || (t.startLocalMs !== null && t.startLocalMs + t.startS * 1000 < parseWall(f.to, true)))
}

const cmp = (a: number | string | null, b: number | string | null): number => {
  // SQLite: NULL before everything.
  if (a === b) return 0
  if (a === null) return -1
  if (b === null) return 1
  return a < b ? -1 : 1
}

function ordered(rows: Truth[], sort: DetectionSort): Truth[] {
  const s = sort.dir === 'asc' ? 1 : -1
  const by: Record<DetectionSort['by'], (a: Truth, b: Truth) => number> = {
    score: (a, b) => s * (cmp(a.score, b.score) || cmp(a.id, b.id)),
    time: (a, b) => s * (cmp(a.startLocalMs, b.startLocalMs) || cmp(a.recordingId, b.recordingId) || cmp(a.startS, b.startS) || cmp(a.id, b.id)),
    label: (a, b) => s * (cmp(a.labelCode, b.labelCode) || cmp(a.labelId, b.labelId)) || -(cmp(a.score, b.score) || cmp(a.id, b.id)),
    recording: (a, b) => s * (cmp(a.fileName.toLowerCase(), b.fileName.toLowerCase()) || cmp(a.recordingId, b.recordingId)) || cmp(a.startS, b.startS) || cmp(a.id, b.id),
  }
  return [...rows].sort(by[sort.by])
}

async function allIds(filter: DetectionFilter, sort: DetectionSort, pageSize: number): Promise<{ ids: number[]; total: number }> {
  const ids: number[] = []
  let total = -1
  for (let offset = 0; ; offset += pageSize) {
    const page = await d.list({ filter, sort, offset, limit: pageSize }, ctx)
    total = page.total
    ids.push(...page.items.map((r) => r.id))
    if (page.items.length < pageSize) break
  }
  return { ids, total }
}

async function codeOf(promise: Promise<unknown>): Promise<string | null> {
  try {
    await promise
    return null
  } catch (err) {
    return err instanceof AppError ? err.code : `not an AppError: ${String(err)}`
  }
}

beforeAll(async () => {
  await services.handlers.projects.create({ dir: join(root.path, 'project'), name: 'Review test' }, ctx)
  const db = services.session.require().db
  season = seedSeason(db, { sites: 2, deploymentsPerSite: 2, recordingsPerDeployment: 6, detectionsPerRecording: 25, labels: 5, heads: 2, seed: 7 })
  // Edge rows: a recording without start time, one outside any deployment, and equal scores (ties).
  const addRecording = db.prepare(
    "INSERT INTO recordings (deployment_id, path, file_name, fingerprint, format, size_bytes, sample_rate, channels, duration_s, start_time, start_local_ms, imported_at) VALUES (?, ?, ?, ?, 'wav', 10, 48000, 1, 600, ?, ?, '2024-06-01')",
  )
  const undated = Number(addRecording.run(season.deploymentIds[0], '/season/undated.wav', 'undated.wav', 'u', null, null).lastInsertRowid)
  const orphan = Number(addRecording.run(null, '/elsewhere/orphan.wav', 'Orphan.wav', 'o', '2024-05-02T23:55:00', Date.UTC(2024, 4, 2, 23, 55)).lastInsertRowid)
  const addDetection = db.prepare("INSERT INTO detections (model_id, recording_id, label_id, start_s, end_s, score, created_at) VALUES (?, ?, ?, ?, ?, ?, '2024-06-01')")
  for (let i = 0; i < 6; i++) {
    addDetection.run(season.headIds[0], undated, season.labelIds[i % 5], i * 10, i * 10 + 3, 0.75)
    // 23:55 + 0…500 s: the later ones fall on the next day.
    addDetection.run(season.headIds[1], orphan, season.labelIds[(i + 2) % 5], i * 100, i * 100 + 3, 0.75)
  }
  truth = loadTruth()
  services.events.on('detections.changed', (e) => changed.push(e.recordingIds))
})

afterAll(async () => {
  await services.dispose()
  root.cleanup()
})

describe('detections.list', () => {
  const filters: Array<[string, () => DetectionFilter]> = [
    ['no filter', () => ({})],
    ['one label', () => ({ labelIds: [season.labelIds[2]] })],
    ['two labels, unreviewed', () => ({ labelIds: [season.labelIds[0], season.labelIds[3]], reviewStates: ['unreviewed'] })],
    ['reviewed states', () => ({ reviewStates: ['confirmed', 'rejected', 'uncertain'] })],
    ['score range', () => ({ minScore: 0.6, maxScore: 0.8 })],
    ['site', () => ({ siteId: season.siteIds[1] })],
    ['deployment and head', () => ({ deploymentId: season.deploymentIds[2], modelId: season.headIds[1] })],
    ['one recording', () => ({ recordingId: season.recordingIds[4] })],
    ['date range (date-only end includes the day)', () => ({ from: '2024-05-01T03:30:00', to: '2024-05-02' })],
    ['from a time, across midnight', () => ({ from: '2024-05-03T00:00:00' })],
    ['everything at once', () => ({ labelIds: [season.labelIds[1], season.labelIds[4]], siteId: season.siteIds[0], reviewStates: ['unreviewed', 'uncertain'], minScore: 0.55, from: '2024-05-01T02:00' })],
  ]
  const sorts: DetectionSort[] = [
    { by: 'score', dir: 'desc' },
    { by: 'score', dir: 'asc' },
    { by: 'time', dir: 'asc' },
    { by: 'time', dir: 'desc' },
    { by: 'label', dir: 'asc' },
    { by: 'label', dir: 'desc' },
    { by: 'recording', dir: 'asc' },
    { by: 'recording', dir: 'desc' },
  ]

  it.each(filters)('selects exactly the detections of "%s" in every order, page by page', async (_name, filter) => {
    const f = filter()
    const expected = truth.filter(selects(f))
    expect(expected.length).toBeGreaterThan(0)
    for (const sort of sorts) {
      const got = await allIds(f, sort, 37)
      expect(got.total, `${sort.by} ${sort.dir}`).toBe(expected.length)
      expect(got.ids, `${sort.by} ${sort.dir}`).toEqual(ordered(expected, sort).map((t) => t.id))
    }
  })

  it('sorts by score, highest first, when no order is given', async () => {
    const page = await d.list({ offset: 0, limit: 10 }, ctx)
    expect(page.items.map((r) => r.id)).toEqual(ordered(truth, { by: 'score', dir: 'desc' }).slice(0, 10).map((t) => t.id))
  })

  it('answers a page past the end with no rows and the true total', async () => {
    expect(await d.list({ offset: 5000, limit: 50 }, ctx)).toEqual({ total: truth.length, items: [] })
  })

  it('fills a row with its recording, site, label, head and wall-clock start', async () => {
    const db = services.session.require().db
    const zoned = db.prepare('SELECT r.id, r.start_local_ms AS local FROM recordings r WHERE r.start_utc_ms IS NOT NULL ORDER BY r.id LIMIT 1').get() as { id: number; local: number }
    const page = await d.list({ filter: { recordingId: zoned.id }, sort: { by: 'time', dir: 'asc' }, offset: 0, limit: 1 }, ctx)
    const row = page.items[0]
    const t = truth.find((x) => x.id === row.id)!
    expect(row).toMatchObject({
      recordingId: zoned.id,
      siteId: t.siteId,
      siteName: 'Site 01',
      deploymentId: t.deploymentId,
      labelId: t.labelId,
      labelCode: t.labelCode,
      labelName: `Bird ${season.labelIds.indexOf(t.labelId) + 1}`,
      modelName: `Head ${season.headIds.indexOf(t.modelId) + 1} 1`,
      recordingDurationS: 3600,
      originalLabelId: null,
      score: t.score,
    })
    // Seeded zoned recordings are at UTC+2: the start keeps that offset.
    const wall = new Date(zoned.local + t.startS * 1000).toISOString().replace(/Z$/, '').replace(/\.000$/, '')
    expect(row.startTime).toBe(`${wall}+02:00`)
  })

  it('gives detections of a recording without a start time no wall-clock start', async () => {
    const undated = truth.find((t) => t.startLocalMs === null)!
    expect((await d.get({ id: undated.id }, ctx)).startTime).toBeNull()
  })

  it('refuses a date bound that is not a date', async () => {
    expect(await codeOf(d.list({ filter: { from: '3rd of May' }, offset: 0, limit: 10 }, ctx))).toBe('INVALID_REQUEST')
    expect(await codeOf(d.list({ filter: { to: '2024-02-30' }, offset: 0, limit: 10 }, ctx))).toBe('INVALID_REQUEST')
  })
})

describe('detections.review', () => {
  it('stores confirm, reject and uncertain with the time, and unreviewed clears it', async () => {
    const id = truth[10].id
    let row: DetectionRow = await d.review({ id, state: 'confirmed' }, ctx)
    expect(row.reviewState).toBe('confirmed')
    expect(Number.isNaN(Date.parse(row.reviewedAt ?? ''))).toBe(false)
    row = await d.review({ id, state: 'rejected' }, ctx)
    expect((await d.get({ id }, ctx)).reviewState).toBe('rejected')
    row = await d.review({ id, state: 'uncertain' }, ctx)
    expect(row.reviewState).toBe('uncertain')
    row = await d.review({ id, state: 'unreviewed' }, ctx)
    expect(row).toMatchObject({ reviewState: 'unreviewed', reviewedAt: null })
    const stored = services.session.require().db.prepare('SELECT review_state, reviewed_at FROM detections WHERE id = ?').get(id)
    expect(stored).toEqual({ review_state: 'unreviewed', reviewed_at: null })
  })

  it('relabels and keeps the model’s label as the original, also over a second relabel, and forgets it when set back', async () => {
    const t = truth[20]
    const [a, b] = season.labelIds.filter((l) => l !== t.labelId)
    let row = await d.review({ id: t.id, state: 'confirmed', labelId: a }, ctx)
    expect(row).toMatchObject({ labelId: a, originalLabelId: t.labelId, originalLabelCode: t.labelCode, reviewState: 'confirmed' })
    row = await d.review({ id: t.id, state: 'confirmed', labelId: b }, ctx)
    expect(row).toMatchObject({ labelId: b, originalLabelId: t.labelId })
    row = await d.review({ id: t.id, state: 'uncertain' }, ctx)
    expect(row).toMatchObject({ labelId: b, originalLabelId: t.labelId, reviewState: 'uncertain' })
    row = await d.review({ id: t.id, state: 'confirmed', labelId: t.labelId }, ctx)
    expect(row).toMatchObject({ labelId: t.labelId, originalLabelId: null })
  })

  it('emits detections.changed for the recording', async () => {
    changed.length = 0
    const t = truth[30]
    await d.review({ id: t.id, state: 'confirmed' }, ctx)
    expect(changed).toEqual([[t.recordingId]])
  })

  it('says which detection or label does not exist', async () => {
    expect(await codeOf(d.review({ id: 999_999, state: 'confirmed' }, ctx))).toBe('NOT_FOUND')
    expect(await codeOf(d.review({ id: truth[0].id, state: 'confirmed', labelId: 999_999 }, ctx))).toBe('NOT_FOUND')
    expect(await codeOf(d.get({ id: 999_999 }, ctx))).toBe('NOT_FOUND')
  })

  it('keeps totals, facets and histograms right after decisions (cached answers follow the change)', async () => {
    const label = season.labelIds[1]
    const unreviewed: DetectionFilter = { reviewStates: ['unreviewed'] }
    const before = await d.list({ filter: unreviewed, offset: 0, limit: 3 }, ctx)
    const facetsBefore = await d.facets({}, ctx)
    const histBefore = await d.histogram({ labelId: label, filter: unreviewed, bins: 10 }, ctx)
    const allBefore = await d.list({ offset: 0, limit: 1 }, ctx)
    const target = before.items.find((r) => r.labelId === label) ?? before.items[0]
    await d.review({ id: target.id, state: 'rejected' }, ctx)
    expect((await d.list({ filter: unreviewed, offset: 0, limit: 3 }, ctx)).total).toBe(before.total - 1)
    expect((await d.list({ offset: 0, limit: 1 }, ctx)).total).toBe(allBefore.total)
    const facets = await d.facets({}, ctx)
    expect(facets.reviewStates.unreviewed).toBe(facetsBefore.reviewStates.unreviewed - 1)
    expect(facets.reviewStates.rejected).toBe(facetsBefore.reviewStates.rejected + 1)
    const hist = await d.histogram({ labelId: label, filter: unreviewed, bins: 10 }, ctx)
    expect(hist.total).toBe(histBefore.total - (target.labelId === label ? 1 : 0))

    // A relabel moves one detection between labels in the facets.
    const other = season.labelIds.find((l) => l !== target.labelId)!
    const countOf = (f: typeof facets, id: number) => f.labels.find((l) => l.id === id)?.count ?? 0
    await d.review({ id: target.id, state: 'confirmed', labelId: other }, ctx)
    const after = await d.facets({}, ctx)
    expect(countOf(after, other)).toBe(countOf(facets, other) + 1)
    expect(countOf(after, target.labelId)).toBe(countOf(facets, target.labelId) - 1)
    expect(after.reviewStates.confirmed).toBe(facets.reviewStates.confirmed + 1)
    // And a fresh count from the database agrees with the carried one.
    services.events.emit('detections.changed', { recordingIds: null })
    expect(await d.facets({}, ctx)).toEqual(after)
  })

  it('notices detections written by another connection (a worker) without being told', async () => {
    const before = (await d.list({ offset: 0, limit: 1 }, ctx)).total
    const other = (await import('better-sqlite3')).default(join(root.path, 'project', 'project.sqlite'))
    other.prepare("INSERT INTO detections (model_id, recording_id, label_id, start_s, end_s, score, created_at) VALUES (?, ?, ?, 1, 2, 0.9, '2024-06-01')").run(season.headIds[0], season.recordingIds[0], season.labelIds[0])
    other.close()
    expect((await d.list({ offset: 0, limit: 1 }, ctx)).total).toBe(before + 1)
    truth = loadTruth()
  })
})

describe('detections.histogram and countAbove', () => {
  it('counts scores into equal bins over [0, 1] for one label, with other filters applied', async () => {
    truth = loadTruth()
    const label = season.labelIds[3]
    const site = season.siteIds[0]
    const rows = truth.filter((t) => t.labelId === label && t.siteId === site)
    const hist = await d.histogram({ labelId: label, bins: 20, filter: { siteId: site, labelIds: [season.labelIds[0]], minScore: 0.9 } }, ctx)
    const expected = new Array(20).fill(0)
    for (const t of rows) expected[Math.min(19, Math.floor(t.score * 20))] += 1
    expect(hist.bins.map((b) => b.count)).toEqual(expected)
    expect(hist.total).toBe(rows.length)
    expect(hist.bins[0]).toEqual({ from: 0, to: 0.05, count: expected[0] })
    expect(hist.bins[19].to).toBe(1)
  })

  it('restricts the histogram to one head', async () => {
    const label = season.labelIds[0]
    const head = season.headIds[1]
    const hist = await d.histogram({ labelId: label, modelId: head }, ctx)
    expect(hist.bins).toHaveLength(50)
    expect(hist.total).toBe(truth.filter((t) => t.labelId === label && t.modelId === head).length)
  })

  it('counts detections at or above a threshold against the label’s total', async () => {
    const label = season.labelIds[2]
    const rows = truth.filter((t) => t.labelId === label)
    const threshold = [...rows].sort((a, b) => a.score - b.score)[Math.floor(rows.length / 3)].score
    expect(await d.countAbove({ labelId: label, threshold }, ctx)).toEqual({ count: rows.filter((t) => t.score >= threshold).length, total: rows.length })
    const unreviewed = rows.filter((t) => t.state === 'unreviewed')
    expect(await d.countAbove({ labelId: label, threshold, filter: { reviewStates: ['unreviewed'] } }, ctx)).toEqual({
      count: unreviewed.filter((t) => t.score >= threshold).length,
      total: unreviewed.length,
    })
  })
})

describe('detections.facets', () => {
  it('lists labels, heads and sites that have detections, with counts, and the time span', async () => {
    truth = loadTruth()
    const f = await d.facets({}, ctx)
    expect(f.total).toBe(truth.length)
    expect(f.labels.map((l) => [l.code, l.count])).toEqual(
      season.labelIds.map((id, i) => [`SP00${i + 1}`, truth.filter((t) => t.labelId === id).length]),
    )
    expect(f.models.map((m) => m.count)).toEqual(season.headIds.map((id) => truth.filter((t) => t.modelId === id).length))
    expect(f.sites.map((s) => [s.name, s.count])).toEqual(season.siteIds.map((id, i) => [`Site 0${i + 1}`, truth.filter((t) => t.siteId === id).length]))
    expect(f.withoutSite).toBe(truth.filter((t) => t.siteId === null).length)
    expect(Object.values(f.reviewStates).reduce((a, b) => a + b, 0)).toBe(truth.length)
    expect(f.firstTime).toBe('2024-05-01T00:00:00')
    // The last recording of deployment 2 starts at 7 days + 5 h and lasts an hour.
    expect(f.lastTime).toBe('2024-05-08T06:00:00')
  })
})
