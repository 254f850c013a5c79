// Brings a project database to the newest schema: all pending steps in one transaction, or none.
import type { Database } from 'better-sqlite3'
import { AppError } from '../errors'
import { MIGRATIONS, type Migration } from './migrations'

/** Throws unless versions start at 1 and each is exactly one more than the one before. */
export function assertMigrationOrder(migrations: readonly Migration[]): void {
  migrations.forEach((m, i) => {
    if (!Number.isInteger(m.version) || m.version !== i + 1) {
      throw new Error(`migration list out of order: entry ${i} ("${m.name}") has version ${m.version}, expected ${i + 1}`)
    }
  })
}

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number
}

export function latestSchemaVersion(migrations: readonly Migration[] = MIGRATIONS): number {
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1].version
}

/**
 * Runs the pending migrations. A database newer than this build is refused (DB_FROM_FUTURE) before
 * anything is written; a failing step rolls back every step of this run (DB_MIGRATION_FAILED).
 * Returns the versions applied.
 */
export function migrate(db: Database, migrations: readonly Migration[] = MIGRATIONS, label = 'project database'): number[] {
  assertMigrationOrder(migrations)
  const current = schemaVersion(db)
  const latest = latestSchemaVersion(migrations)
  if (current > latest) {
    throw new AppError('DB_FROM_FUTURE', `${label} has schema version ${current}, but this version of OpenBEATs Studio knows only up to ${latest}; update the app to open it`, { version: current, supported: latest })
  }
  const pending = migrations.filter((m) => m.version > current)
  if (pending.length === 0) return []

  let step: Migration | undefined
  try {
    db.transaction(() => {
      for (const m of pending) {
        step = m
        m.up(db)
      }
      step = undefined
      const violations = db.pragma('foreign_key_check') as unknown[]
      if (violations.length > 0) throw new Error(`${violations.length} foreign key violation(s) after migrating`)
      db.pragma(`user_version = ${latest}`)
    })()
  } catch (err) {
    const where = step ? `migration ${step.version} (${step.name})` : 'migration'
    throw new AppError('DB_MIGRATION_FAILED', `${label}: ${where} failed, nothing was changed: ${err instanceof Error ? err.message : String(err)}`, { from: current, to: latest })
  }
  return pending.map((m) => m.version)
}
