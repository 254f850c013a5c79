// What a worker entry wraps around the operation it runs: the project database on a worker
// connection (closed whatever happens), and the cancel signal, progress and log wired to the job.
import { openWorkerConnection, type SqliteDatabase } from '../db/connection'
import { projectDbPath } from '../db/project-layout'
import type { WorkerContext } from './worker-runtime'

type LogLevel = Parameters<WorkerContext<unknown>['log']>[0]

export interface OperationHooks {
  signal: AbortSignal
  onProgress: (done: number, total: number | null, unit: string, message?: string) => void
  log: (level: LogLevel, message: string) => void
}

export function operationHooks(ctx: WorkerContext<unknown>): OperationHooks {
  return {
    signal: ctx.signal,
    onProgress: (done, total, unit, message) => ctx.progress(done, total, unit, message),
    log: (level, message) => ctx.log(level, message),
  }
}

export async function withProjectDatabase<T>(ctx: WorkerContext<unknown>, use: (db: SqliteDatabase) => Promise<T>): Promise<T> {
  const db = openWorkerConnection(projectDbPath(ctx.projectDir))
  try {
    return await use(db)
  } finally {
    db.close()
  }
}
