// The review table, histograms and activity statistics on a season of 1M detections (5 sites × 4
// deployments × 500 one-hour recordings × 100 detections, 20 labels, 2 heads), and what the review
// indexes cost when detections are written. The generated database is kept in the temp folder
// (about 200 MB) and reused while its schema is current: making it takes about a minute here.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { DetectionFilter, DetectionSort } from '../../src-shared/contracts'
import { openProjectDatabase } from '../../src-main/db/connection'
import { latestSchemaVersion } from '../../src-main/db/migrate'
import { DetectionRepository } from '../../src-main/services/detections-repository'
import { StatsRepository } from '../../src-main/services/stats-repository'
import { seededRandom, seedSeason, type SeedShape } from '../services/detections-seed'
import { timeIt, type BenchCase, type BenchGroup, type BenchResult } from './harness'

const SHAPE: SeedShape = { sites: 5, deploymentsPerSite: 4, recordingsPerDeployment: 500, detectionsPerRecording: 100, labels: 20, heads: 2, seed: 1 }
const ROWS = 1_000_000
const BASE = existsSync('/dev/shm') ? '/dev/shm' : tmpdir()
const FILE = join(BASE, `openbeats-review-bench-s${latestSchemaVersion()}.sqlite`)

function seasonDatabase(): { db: Database.Database; seededNow: boolean; seedSeconds: number } {
  if (existsSync(FILE)) {
    const db = new Database(FILE, { fileMustExist: true })
    const ok = (db.pragma('user_version', { simple: true }) as number) === latestSchemaVersion() && (db.prepare('SELECT count(*) FROM detections').pluck().get() as number) === ROWS
    if (ok) return { db, seededNow: false, seedSeconds: 0 }
    db.close()
  }
  for (const f of [FILE, `${FILE}-wal`, `${FILE}-shm`]) rmSync(f, { force: true })
  const db = openProjectDatabase(FILE, { create: true })
  db.pragma('cache_size = -400000')
  const t0 = performance.now()
  seedSeason(db, SHAPE)
  const seedSeconds = (performance.now() - t0) / 1000
  db.pragma('wal_checkpoint(TRUNCATE)')
  return { db, seededNow: true, seedSeconds }
}

async function latency(run: () => unknown, note = ''): Promise<BenchResult> {
  const t = await timeIt(run, { minRuns: 5, minSeconds: 1 })
  return { value: t.median * 1000, unit: 'ms', note: `${note}${note ? '; ' : ''}best ${(t.best * 1000).toFixed(1)} ms, ${t.runs} runs` }
}

/** Writes `n` detections into a season without any (the analyse job's pattern: batches of 5000 in transactions). */
function insertRate(dropReviewIndexes: boolean, n: number): BenchResult {
  const dir = mkdtempSync(join(BASE, 'openbeats-review-insert-'))
  try {
    const db = openProjectDatabase(join(dir, 'p.sqlite'), { create: true })
    const season = seedSeason(db, { ...SHAPE, detectionsPerRecording: 0 })
    if (dropReviewIndexes) {
      // Without migration 003: its three covering indexes out, the initial (recording_id, start_s) back.
      db.exec('DROP INDEX detections_by_score; DROP INDEX detections_by_label_score; DROP INDEX detections_by_recording; CREATE INDEX detections_by_recording_time ON detections (recording_id, start_s)')
    }
    const rand = seededRandom(5)
    const insert = db.prepare("INSERT INTO detections (model_id, recording_id, label_id, start_s, end_s, score, created_at) VALUES (?, ?, ?, ?, ?, ?, '2024-06-01')")
    const batch = db.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const rec = season.recordingIds[Math.floor(i / 100) % season.recordingIds.length]
        const start = (i % 100) * 30
        insert.run(season.headIds[i % 2], rec, season.labelIds[Math.floor(rand() * season.labelIds.length)], start, start + 3, 0.5 + 0.5 * rand())
      }
    })
    const t0 = performance.now()
    for (let i = 0; i < n; i += 5000) batch(i, Math.min(n, i + 5000))
    const seconds = (performance.now() - t0) / 1000
    db.close()
    return { value: n / seconds, unit: 'detections/s', note: `${n.toLocaleString('en-US')} rows in batches of 5000` }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export default async function review(): Promise<BenchGroup[]> {
  const { db, seededNow, seedSeconds } = seasonDatabase()
  const repo = new DetectionRepository(db)
  const stats = new StatsRepository(db)
  const made = seededNow ? `season generated in ${seedSeconds.toFixed(0)} s` : 'season reused from an earlier run'

  const page = (name: string, filter: DetectionFilter | undefined, sort: DetectionSort | undefined, offset: number, baseline = false): BenchCase => ({
    name,
    baseline,
    run: async () => {
      const total = repo.list(filter, sort, offset, 100).total
      return latency(() => repo.list(filter, sort, offset, 100), `${total.toLocaleString('en-US')} match`)
    },
  })
  const cold = (name: string, filter: DetectionFilter | undefined): BenchCase => ({
    name,
    run: () =>
      latency(() => {
        repo.freshness.bump()
        return repo.list(filter, undefined, 0, 100)
      }, 'total recounted every call'),
  })
  const species = { labelIds: [SHAPE.labels > 3 ? 4 : 1], reviewStates: ['unreviewed' as const] }

  return [
    {
      title: `detections.list, page of 100, on 1,000,000 detections (${made})`,
      target: 'first pages ≤ 20 ms; any page ≤ 250 ms on this 2-core machine',
      cases: [
        page('first page, by score', undefined, undefined, 0, true),
        cold('first page, by score, total not cached', undefined),
        page('deep page (offset 999,900), by score', undefined, undefined, 999_900),
        page('one species, unreviewed: first page', species, undefined, 0),
        page('one species, unreviewed: last page', species, undefined, 45_000),
        page('three species, score ≥ 0.6, one site: deep page', { labelIds: [2, 3, 5], minScore: 0.6, siteId: 2 }, undefined, 5_000),
        page('unreviewed (900k rows): deep page', { reviewStates: ['unreviewed'] }, undefined, 850_000),
        page('two days: first page', { from: '2024-05-03', to: '2024-05-04' }, undefined, 0),
        page('by time: deep page', undefined, { by: 'time', dir: 'asc' }, 900_000),
        page('by time, one site, two days', { siteId: 3, from: '2024-05-03', to: '2024-05-04' }, { by: 'time', dir: 'desc' }, 1_000),
        page('by label: deep page', undefined, { by: 'label', dir: 'asc' }, 900_000),
        page('by recording: deep page', undefined, { by: 'recording', dir: 'desc' }, 900_000),
        cold('first page, three species and unreviewed, total not cached', { labelIds: [2, 3, 5], reviewStates: ['unreviewed'] }),
      ],
    },
    {
      title: 'Histograms, threshold counts and facets on 1,000,000 detections',
      target: 'histogram and threshold count ≤ 50 ms (the slider asks on every move)',
      cases: [
        { name: 'histogram, one label (50k rows), 50 bins', baseline: true, run: () => latency(() => { repo.freshness.bump(); return repo.histogram(3, undefined, 50, undefined) }) },
        { name: 'histogram, one label, one site, unreviewed', run: () => latency(() => { repo.freshness.bump(); return repo.histogram(3, undefined, 50, { siteId: 2, reviewStates: ['unreviewed'] }) }) },
        { name: 'countAbove, one label', run: () => latency(() => repo.countAbove(3, 0.7, undefined), 'label total cached') },
        { name: 'facets (labels, heads, sites, states, span)', run: () => latency(() => { repo.freshness.bump(); return repo.facets() }, 'uncached; a review updates the cached one in place') },
        { name: 'review one detection (write + row)', run: () => { const rand = seededRandom(9); return latency(() => repo.review(1 + Math.floor(rand() * ROWS), 'confirmed', undefined, '2024-06-01T00:00:00Z')) } },
      ],
    },
    {
      title: 'stats.activity (daily + diel, normalised by recorded hours) on 1,000,000 detections',
      target: '≤ 1 s uncached; cached until detections change',
      cases: [
        { name: 'all sites, all labels', baseline: true, run: () => latency(() => { stats.freshness.bump(); return stats.activity({}) }) },
        { name: 'one site, one label', run: () => latency(() => { stats.freshness.bump(); return stats.activity({ siteId: 2, labelId: 3 }) }) },
        { name: 'confirmed only, score ≥ 0.6', run: () => latency(() => { stats.freshness.bump(); return stats.activity({ confirmedOnly: true, minScore: 0.6 }) }) },
        { name: 'cached', run: () => latency(() => stats.activity({})) },
      ],
    },
    {
      title: 'Writing detections: what the review indexes cost (200,000 rows into 10,000 recordings)',
      cases: [
        { name: 'schema with the review indexes', baseline: true, run: async () => insertRate(false, 200_000) },
        { name: 'without the review indexes (migration 003)', run: async () => insertRate(true, 200_000) },
      ],
    },
  ]
}
