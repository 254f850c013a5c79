import Database from 'better-sqlite3'
import type { Database as SqliteDatabase } from 'better-sqlite3'
import { AppError } from '../errors'
import { migrate, schemaVersion, latestSchemaVersion } from './migrate'

export type { Database as SqliteDatabase } from 'better-sqlite3'

/** The connection settings every process uses on a project DB (main and workers alike). */
export function configureConnection(db: SqliteDatabase): void {
  db.pragma('journal_mode = WAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  db.pragma('synchronous = NORMAL')
}

/** Opens (creating if asked) a project database and migrates it to the newest schema. */
export function openProjectDatabase(file: string, opts: { create?: boolean } = {}): SqliteDatabase {
  let db: SqliteDatabase
  try {
    db = new Database(file, { fileMustExist: !opts.create })
  } catch (err) {
    throw new AppError('PROJECT_NOT_FOUND', `cannot open project database ${file}: ${err instanceof Error ? err.message : String(err)}`)
  }
  try {
    // Checked before WAL is switched on: a database from a newer build is left untouched.
    const version = schemaVersion(db)
    if (version > latestSchemaVersion()) migrate(db, undefined, file)
    configureConnection(db)
    migrate(db, undefined, file)
    return db
  } catch (err) {
    db.close()
    throw err
  }
}

/**
 * A second connection for a worker process: same settings, no migration (the main process owns the
 * schema); refuses a database whose schema this build does not match.
 */
export function openWorkerConnection(file: string): SqliteDatabase {
  const db = new Database(file, { fileMustExist: true })
  configureConnection(db)
  const version = schemaVersion(db)
  if (version !== latestSchemaVersion()) {
    db.close()
    const newer = version > latestSchemaVersion()
    throw new AppError(newer ? 'DB_FROM_FUTURE' : 'DB_MIGRATION_FAILED', `${file} has schema version ${version}; this worker expects ${latestSchemaVersion()}${newer ? '' : ' (the app migrates a project when it opens it)'}`)
  }
  return db
}

/**
 * A read-only look at a project (CLI listings): no migration, no lock, no job recovery, so it is
 * safe while the app has the project open.
 */
export function openProjectReadOnly(file: string): SqliteDatabase {
  let db: SqliteDatabase
  try {
    db = new Database(file, { readonly: true, fileMustExist: true })
  } catch (err) {
    throw new AppError('PROJECT_NOT_FOUND', `cannot open project database ${file}: ${err instanceof Error ? err.message : String(err)}`)
  }
  db.pragma('busy_timeout = 5000')
  const version = schemaVersion(db)
  if (version > latestSchemaVersion()) {
    db.close()
    throw new AppError('DB_FROM_FUTURE', `${file} has schema version ${version}, newer than this version of OpenBEATs Studio (${latestSchemaVersion()})`)
  }
  return db
}
