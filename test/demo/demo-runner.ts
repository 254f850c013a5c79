// Builds the demo project in this process: the jobs run as library calls instead of workers
// (same code, no process start-up), so the truth check fits a unit-test budget.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { JobParams } from '../../src-shared/contracts'
import { analyzeRecordings } from '../../src-main/analysis/analyze-recordings'
import { rescoreHeads } from '../../src-main/analysis/rescore-heads'
import { openProjectDatabase, type SqliteDatabase } from '../../src-main/db/connection'
import { buildDemoProject, type DemoReport } from '../../src-main/demo/build-demo'
import type { DemoSeasonOptions } from '../../src-main/demo/demo-season'
import { importSeason } from '../../src-main/season/import/import-season'

export async function buildDemoInProcess(dir: string, options: DemoSeasonOptions): Promise<{ report: DemoReport; db: SqliteDatabase }> {
  mkdirSync(join(dir, 'models'), { recursive: true })
  const db = openProjectDatabase(join(dir, 'project.sqlite'), { create: true })
  const runJob = async (params: JobParams): Promise<unknown> => {
    if (params.type === 'import') return importSeason(db, { folders: params.folders })
    if (params.type === 'analyze') return analyzeRecordings({ db, projectDir: dir, params: { encoderId: params.encoderId, threads: 2, provider: 'cpu' }, jobId: null })
    if (params.type === 'rescore') return rescoreHeads({ db, projectDir: dir, headIds: params.headIds, jobId: null })
    throw new Error(`the demo runs no ${params.type} job`)
  }
  return { report: await buildDemoProject({ db, projectDir: dir, runJob }, options), db }
}
