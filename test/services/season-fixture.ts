// A project with a small generated season, for the recordings/labels/annotations service tests:
// real services (createTestServices), the season imported straight into the open project's
// database (importSeason; the job path has its own integration test), and helpers to add models
// and detections the analyze job would write.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { SqliteDatabase } from '../../src-main/db/connection'
import type { MainCallContext } from '../../src-main/ipc/router'
import { importSeason } from '../../src-main/season/import/import-season'
import type { ImportResult } from '../../src-shared/contracts'
import { createTestServices, tempDir, testContext } from '../helpers/main-services'
import { writeMothFile, type MothFile } from '../season/import/season-files'

export const T0 = Date.UTC(2024, 5, 1, 4, 0, 0)
export const SERIAL_A = '24E144055E080032'
export const SERIAL_B = '24F319046A5C1D2E'

export interface SeasonProject {
  root: string
  season: string
  services: ReturnType<typeof createTestServices>
  call: MainCallContext
  db(): SqliteDatabase
  importFolders(folders?: string[], timeExpansion?: number): Promise<ImportResult>
  cleanup(): Promise<void>
}

export async function seasonProject(): Promise<SeasonProject> {
  const t = tempDir('obs-season-svc-')
  const services = createTestServices({ dataDir: join(t.path, 'data') })
  const call = testContext()
  await services.handlers.projects.create({ dir: join(t.path, 'project'), name: 'Season' }, call)
  const season = join(t.path, 'season')
  mkdirSync(season)
  return {
    root: t.path,
    season,
    services,
    call,
    db: () => services.session.require().db,
    importFolders: (folders = [season], timeExpansion) => importSeason(services.session.require().db, { folders, timeExpansion }),
    cleanup: async () => {
      await services.dispose()
      t.cleanup()
    },
  }
}

/** `count` recordings of `seconds`, one every `periodS`, into `dir`; returns their paths. */
export function writeSchedule(dir: string, base: Omit<MothFile, 'startMs'>, startMs: number, count: number, periodS: number): string[] {
  return Array.from({ length: count }, (_, i) => writeMothFile(dir, { ...base, startMs: startMs + i * periodS * 1000 }))
}

/** An encoder and a head model, as the models service would register them. */
export function insertModels(db: SqliteDatabase): { encoderId: number; headId: number } {
  const now = '2024-06-01T00:00:00Z'
  const encoderId = Number(db.prepare("INSERT INTO models (kind, name, version, created_at) VALUES ('encoder', 'OpenBEATs demo', '1', ?)").run(now).lastInsertRowid)
  const headId = Number(db.prepare("INSERT INTO models (kind, name, version, encoder_id, created_at) VALUES ('head', 'Birds head', '3', ?, ?)").run(encoderId, now).lastInsertRowid)
  return { encoderId, headId }
}

export function insertDetection(db: SqliteDatabase, d: { modelId: number; recordingId: number; labelId: number; startS: number; endS: number; score: number; reviewState?: string; threshold?: number }): number {
  return Number(
    db
      .prepare("INSERT INTO detections (model_id, recording_id, label_id, start_s, end_s, score, review_state, settings, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '2024-06-01T00:00:00Z')")
      .run(d.modelId, d.recordingId, d.labelId, d.startS, d.endS, d.score, d.reviewState ?? 'unreviewed', JSON.stringify(d.threshold === undefined ? {} : { threshold: d.threshold })).lastInsertRowid,
  )
}
