// Season import throughput on 2,000 small AudioMoth-style WAVs (ICMT/IART comment + GUANO), against
// probing the headers alone; and the browser's queries on a season of 100,000 recordings with
// 1,000,000 detections.
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { probeAudio } from '../../src-main/audio'
import { openProjectDatabase, type SqliteDatabase } from '../../src-main/db/connection'
import { computeCoverage } from '../../src-main/season/coverage/coverage'
import { importSeason } from '../../src-main/season/import/import-season'
import { listSeasonFiles } from '../../src-main/season/import/list-season-files'
import { probeRecording } from '../../src-main/season/import/probe-recording'
import { RecordingsRepository } from '../../src-main/services/recordings-repository'
import { writeMothFile } from '../season/import/season-files'
import { timeIt, type BenchGroup, type BenchResult } from './harness'

const FILES = 2000
const T0 = Date.UTC(2024, 5, 1, 4, 0, 0)
// Many small files: tmpfs when there is one, so the figure is the importer's, not the disk's.
const BASE = existsSync('/dev/shm') ? '/dev/shm' : tmpdir()

function makeSeason(root: string): void {
  for (let d = 0; d < 10; d++) {
    const serial = `24E1440${d}5E080032`
    for (let i = 0; i < FILES / 10; i++) {
      writeMothFile(join(root, `site-${d}`, 'card'), { serial, startMs: T0 + i * 600_000, seconds: 0.5, offsetMinutes: 60, guano: { latitude: 50 + d / 10, longitude: 4 } })
    }
  }
}

function filesPerSecond(seconds: number, note: string): BenchResult {
  return { value: FILES / seconds, unit: 'files/s', note: `${FILES} files in ${seconds.toFixed(2)} s; ${note}` }
}

/** A season written straight into the tables: sites × deployments × recordings, detections spread over them. */
function seedBrowserSeason(db: SqliteDatabase, recordings: number, detections: number): { deploymentId: number } {
  const now = '2024-06-01T00:00:00Z'
  db.transaction(() => {
    db.prepare("INSERT INTO label_sets (id, name, created_at) VALUES (1, 'Birds', ?)").run(now)
    for (let l = 1; l <= 20; l++) db.prepare('INSERT INTO labels (id, label_set_id, code) VALUES (?, 1, ?)').run(l, `SP${l}`)
    db.prepare("INSERT INTO models (id, kind, name, version, created_at) VALUES (1, 'encoder', 'enc', '1', ?)").run(now)
    db.prepare("INSERT INTO models (id, kind, name, version, encoder_id, created_at) VALUES (2, 'head', 'head', '1', 1, ?)").run(now)
    for (let s = 1; s <= 10; s++) {
      db.prepare('INSERT INTO sites (id, name, created_at) VALUES (?, ?, ?)').run(s, `site-${s}`, now)
      for (let d = 0; d < 10; d++) db.prepare('INSERT INTO deployments (id, site_id, name, created_at) VALUES (?, ?, ?, ?)').run((s - 1) * 10 + d + 1, s, `dep-${d}`, now)
    }
    const rec = db.prepare(`INSERT INTO recordings (id, deployment_id, path, fingerprint, format, size_bytes, sample_rate, channels, duration_s, start_time, imported_at,
      file_name, start_utc_ms, start_local_ms, status) VALUES (?, ?, ?, ?, 'wav', 1000, 48000, 1, 60, ?, ?, ?, ?, ?, ?)`)
    const perDeployment = recordings / 100
    for (let i = 0; i < recordings; i++) {
      const dep = Math.floor(i / perDeployment) + 1
      const start = T0 + (i % perDeployment) * 600_000
      const iso = new Date(start).toISOString().replace('.000Z', 'Z')
      const name = `${iso.slice(0, 10).replace(/-/g, '')}_${iso.slice(11, 19).replace(/:/g, '')}.WAV`
      rec.run(i + 1, dep, `/season/dep-${dep}/${name}`, `fp${i}`, iso, now, name, start, start, i % 997 === 0 ? 'quarantined' : 'ok')
    }
    // Generated in SQL (a million rows through JS bindings take minutes here): scores, labels and
    // times from the row number; recordings skewed by a product of three residues, so a few have
    // thousands of detections and about a third have none. Inserted in recording order, as analysis writes them.
    db.prepare(`WITH RECURSIVE k(n) AS (SELECT 0 UNION ALL SELECT n + 1 FROM k WHERE n < CAST(? AS INTEGER))
      INSERT INTO detections (model_id, recording_id, label_id, start_s, end_s, score, created_at)
      SELECT 2, 1 + ((n * 7919) % 997) * ((n * 104729) % 991) * ((n * 1299709) % 983) * (CAST(? AS INTEGER) - 1) / 971230541, 1 + n % 20, n % 57, n % 57 + 3, (n % 1000) / 1000.0, '2024-06-01T00:00:00Z'
      FROM k ORDER BY 2, 4`).run(detections - 1, recordings)
  })()
  return { deploymentId: 55 }
}

async function queryMs(fn: () => unknown): Promise<BenchResult> {
  const t = await timeIt(fn, { minRuns: 5, minSeconds: 1 })
  return { value: t.median * 1000, unit: 'ms', note: `median of ${t.runs}, best ${(t.best * 1000).toFixed(1)} ms` }
}

export default async function importBench(): Promise<BenchGroup[]> {
  const dir = join(BASE, `obs-import-bench-${process.pid}`)
  mkdirSync(dir, { recursive: true })
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }))
  const season = join(dir, 'season')
  makeSeason(season)
  const paths = (await listSeasonFiles([season])).files.map((f) => f.path)
  let projects = 0
  const freshDb = (): SqliteDatabase => openProjectDatabase(join(dir, `project-${++projects}.sqlite`), { create: true })

  const browserDb = freshDb()
  const seedStart = performance.now()
  const { deploymentId } = seedBrowserSeason(browserDb, 100_000, 1_000_000)
  const seedSeconds = (performance.now() - seedStart) / 1000
  const repo = new RecordingsRepository(browserDb)
  const page = { offset: 0, limit: 100 }

  return [
    {
      title: `Season import: ${FILES} AudioMoth WAVs (0.5 s, ICMT + IART + GUANO) on ${BASE}`,
      target: 'thousands of files per minute (≥ 50 files/s); the full import within a small factor of probing alone',
      cases: [
        {
          name: 'probeAudio only, one file at a time (no metadata, no DB)',
          baseline: true,
          run: async () => {
            const t0 = performance.now()
            for (const p of paths) await probeAudio(p)
            return filesPerSecond((performance.now() - t0) / 1000, 'header only')
          },
        },
        {
          name: 'probeRecording (probe + metadata chunks + fingerprint), one at a time',
          run: async () => {
            const t0 = performance.now()
            for (const p of paths) await probeRecording(p)
            return filesPerSecond((performance.now() - t0) / 1000, 'no DB')
          },
        },
        {
          name: 'importSeason into a new project (listing, 8 probes in flight, 250-file transactions)',
          run: async () => {
            const db = freshDb()
            const t0 = performance.now()
            const r = await importSeason(db, { folders: [season] })
            const s = (performance.now() - t0) / 1000
            db.close()
            if (r.imported !== FILES) throw new Error(`imported ${r.imported} of ${FILES}`)
            return filesPerSecond(s, `${r.sitesCreated} sites, ${r.deploymentsCreated} deployments`)
          },
        },
        {
          name: 're-import of the same folders (every file unchanged)',
          run: async () => {
            const db = freshDb()
            await importSeason(db, { folders: [season] })
            const t0 = performance.now()
            const r = await importSeason(db, { folders: [season] })
            const s = (performance.now() - t0) / 1000
            db.close()
            if (r.unchanged !== FILES) throw new Error(`unchanged ${r.unchanged} of ${FILES}`)
            return filesPerSecond(s, 'fingerprints compared')
          },
        },
      ],
    },
    {
      title: `Season browser queries: 100,000 recordings, 1,000,000 detections (seeded in ${seedSeconds.toFixed(1)} s)`,
      target: 'each well under 100 ms (a page of the browser)',
      cases: [
        { name: 'tree (sites → deployments with counts)', baseline: true, run: () => queryMs(() => repo.tree()) },
        { name: 'list: first page by start time, with total', run: () => queryMs(() => repo.list({}, { by: 'startTime', dir: 'asc' }, page)) },
        { name: 'list: page at offset 90,000 by start time', run: () => queryMs(() => repo.list({}, { by: 'startTime', dir: 'asc' }, { offset: 90_000, limit: 100 })) },
        { name: 'list: sorted by detection count (desc)', run: () => queryMs(() => repo.list({}, { by: 'detections', dir: 'desc' }, page)) },
        { name: 'list: sorted by file name (desc)', run: () => queryMs(() => repo.list({}, { by: 'fileName', dir: 'desc' }, page)) },
        { name: 'list: has detections', run: () => queryMs(() => repo.list({ hasDetections: true }, { by: 'startTime', dir: 'asc' }, page)) },
        { name: 'list: file-name search "0601_05"', run: () => queryMs(() => repo.list({ search: '0601_05' }, { by: 'startTime', dir: 'asc' }, page)) },
        { name: 'list: one site, date range', run: () => queryMs(() => repo.list({ siteId: 3, from: '2024-06-02', to: '2024-06-03' }, { by: 'startTime', dir: 'asc' }, page)) },
        { name: 'list: quarantined only', run: () => queryMs(() => repo.list({ status: 'quarantined' }, { by: 'startTime', dir: 'asc' }, page)) },
        {
          name: 'coverage of a deployment (1,000 recordings)',
          run: () => queryMs(() => computeCoverage(deploymentId, repo.coverageRows(deploymentId).map((r) => ({ id: r.id, startUtcMs: r.start_utc_ms, startLocalMs: r.start_local_ms, durationS: r.duration_s })))),
        },
      ],
    },
  ]
}
