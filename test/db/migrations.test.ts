import Database from 'better-sqlite3'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openProjectDatabase, openProjectReadOnly, openWorkerConnection } from '../../src-main/db/connection'
import { assertMigrationOrder, latestSchemaVersion, migrate, schemaVersion } from '../../src-main/db/migrate'
import { MIGRATIONS, type Migration } from '../../src-main/db/migrations'
import { AppError } from '../../src-main/errors'
import { tempDir } from '../helpers/main-services'

function memoryDb(): Database.Database {
  const db = new Database(':memory:')
  db.pragma('foreign_keys = ON')
  return db
}

function schemaText(db: Database.Database): string {
  const rows = db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").all() as Array<{ type: string; name: string; sql: string | null }>
  return rows.map((r) => `-- ${r.type} ${r.name}\n${r.sql ?? ''};\n`).join('\n')
}

function appErrorCode(fn: () => unknown): string | null {
  try {
    fn()
    return null
  } catch (err) {
    return err instanceof AppError ? err.code : `not an AppError: ${String(err)}`
  }
}

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})

describe('migration list', () => {
  it('numbers the shipped migrations 1, 2, 3 … without gaps', () => {
    expect(() => assertMigrationOrder(MIGRATIONS)).not.toThrow()
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1))
  })

  it('rejects a list that repeats or skips a version', () => {
    const m = (version: number): Migration => ({ version, name: `m${version}`, up: () => {} })
    expect(() => assertMigrationOrder([m(1), m(1)])).toThrow('entry 1 ("m1") has version 1, expected 2')
    expect(() => assertMigrationOrder([m(1), m(3)])).toThrow('expected 2')
    expect(() => assertMigrationOrder([m(2)])).toThrow('expected 1')
  })
})

describe('migrations on an in-memory database', () => {
  it.each(MIGRATIONS.map((m) => [m.version, m.name, m] as const))('migration %i (%s) applies on top of the previous ones', (version, _name, _m) => {
    const db = memoryDb()
    migrate(db, MIGRATIONS.slice(0, version - 1))
    expect(schemaVersion(db)).toBe(version - 1)
    expect(migrate(db, MIGRATIONS.slice(0, version))).toEqual([version])
    expect(schemaVersion(db)).toBe(version)
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
    expect(db.pragma('foreign_key_check')).toEqual([])
    db.close()
  })

  it('is idempotent: a second run applies nothing', () => {
    const db = memoryDb()
    expect(migrate(db)).toEqual(MIGRATIONS.map((m) => m.version))
    expect(migrate(db)).toEqual([])
    db.close()
  })

  it('creates only STRICT tables (project_meta aside, which is also WITHOUT ROWID)', () => {
    const db = memoryDb()
    migrate(db)
    const tables = db.prepare("SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%'").all() as Array<{ name: string; strict: number }>
    expect(tables.map((t) => t.name).sort()).toEqual([
      'analysed_recordings',
      'analyses',
      'annotations',
      'deployments',
      'detections',
      'head_trainings',
      'job_logs',
      'jobs',
      'label_sets',
      'labels',
      'models',
      'project_meta',
      'recordings',
      'sites',
      'window_decisions',
    ])
    expect(tables.filter((t) => t.strict !== 1)).toEqual([])
    db.close()
  })

  it('matches the committed schema snapshot (update it only for a deliberate schema change)', async () => {
    const db = memoryDb()
    migrate(db)
    await expect(schemaText(db)).toMatchFileSnapshot('./__snapshots__/schema.sql')
    db.close()
  })
})

describe('schema 1 constraints', () => {
  const now = '2026-05-01T06:00:00Z'

  function seeded(): Database.Database {
    const db = memoryDb()
    migrate(db)
    db.prepare("INSERT INTO sites (id, name, created_at) VALUES (1, 'Ridge', ?)").run(now)
    db.prepare("INSERT INTO deployments (id, site_id, name, created_at) VALUES (1, 1, 'D1', ?)").run(now)
    db.prepare(`INSERT INTO recordings (id, deployment_id, path, fingerprint, format, size_bytes, sample_rate, channels, duration_s, imported_at)
      VALUES (1, 1, '/r/a.wav', 'fp', 'wav', 100, 48000, 1, 60, ?)`).run(now)
    db.prepare("INSERT INTO label_sets (id, name, created_at) VALUES (1, 'Birds', ?)").run(now)
    db.prepare("INSERT INTO labels (id, label_set_id, code, scientific_name, common_name) VALUES (1, 1, 'TURMER', 'Turdus merula', 'Blackbird')").run()
    db.prepare("INSERT INTO models (id, kind, name, version, created_at) VALUES (1, 'encoder', 'OpenBEATs', '1', ?)").run(now)
    return db
  }

  const fails = (db: Database.Database, sql: string, ...params: unknown[]) => expect(() => db.prepare(sql).run(...params)).toThrow()

  it('accepts segments and boxes and rejects malformed annotations', () => {
    const db = seeded()
    const insert = `INSERT INTO annotations (recording_id, label_id, start_s, end_s, low_hz, high_hz, source, created_at, updated_at) VALUES (1, 1, ?, ?, ?, ?, ?, '${now}', '${now}')`
    db.prepare(insert).run(1, 2, null, null, 'manual')
    db.prepare(insert).run(1, 2, 500, 4000, 'review')
    fails(db, insert, 2, 1, null, null, 'manual') // end before start
    fails(db, insert, 1, 2, 500, null, 'manual') // half a box
    fails(db, insert, 1, 2, 4000, 500, 'manual') // low above high
    fails(db, insert, 1, 2, null, null, 'guess') // unknown source
    fails(db, insert, 'one', 2, null, null, 'manual') // STRICT: text in a REAL column
    db.close()
  })

  it('requires audio properties except for quarantined recordings', () => {
    const db = seeded()
    const insert = `INSERT INTO recordings (path, fingerprint, format, size_bytes, status, status_reason, imported_at) VALUES (?, 'fp', 'wav', 0, ?, ?, '${now}')`
    db.prepare(insert).run('/r/bad.wav', 'quarantined', 'header truncated')
    fails(db, insert, '/r/ok.wav', 'ok', null)
    fails(db, insert, '/r/x.wav', 'lost', null)
    db.close()
  })

  it('checks JSON columns, detection review states and foreign keys', () => {
    const db = seeded()
    fails(db, "UPDATE recordings SET metadata = '{not json' WHERE id = 1")
    const det = `INSERT INTO detections (model_id, recording_id, label_id, start_s, end_s, score, review_state, created_at) VALUES (?, 1, 1, 0, 3, 0.9, ?, '${now}')`
    db.prepare(det).run(1, 'unreviewed')
    fails(db, det, 1, 'maybe')
    fails(db, det, 99, 'unreviewed') // no such model
    fails(db, "INSERT INTO models (kind, name, version, encoder_id, created_at) VALUES ('encoder', 'e', '2', 1, 'x')") // only heads have an encoder
    db.prepare('DELETE FROM recordings WHERE id = 1').run()
    expect(db.prepare('SELECT count(*) AS n FROM detections').get()).toEqual({ n: 0 })
    db.close()
  })

  it('keeps job statuses to the contract union', () => {
    const db = seeded()
    const insert = "INSERT INTO jobs (type, status, resource, params, created_at, updated_at) VALUES ('scan-folder', ?, 'io', '{}', 'x', 'x')"
    for (const s of ['queued', 'running', 'cancelling', 'cancelled', 'failed', 'succeeded', 'interrupted']) db.prepare(insert).run(s)
    fails(db, insert, 'paused')
    db.close()
  })
})

describe('opening project databases', () => {
  it('sets WAL, foreign keys, the busy timeout and synchronous=NORMAL', () => {
    const dir = tempDir()
    cleanups.push(dir.cleanup)
    const db = openProjectDatabase(join(dir.path, 'project.sqlite'), { create: true })
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000)
    expect(db.pragma('synchronous', { simple: true })).toBe(1)
    expect(schemaVersion(db)).toBe(latestSchemaVersion())
    db.close()
  })

  it('refuses a database from a newer version with DB_FROM_FUTURE and leaves the file untouched', () => {
    const dir = tempDir()
    cleanups.push(dir.cleanup)
    const file = join(dir.path, 'project.sqlite')
    const future = new Database(file)
    future.exec('CREATE TABLE from_the_future (x INTEGER)')
    future.pragma(`user_version = ${latestSchemaVersion() + 5}`)
    future.close()
    const before = readFileSync(file)
    expect(appErrorCode(() => openProjectDatabase(file))).toBe('DB_FROM_FUTURE')
    expect(readFileSync(file).equals(before)).toBe(true)
    const db = new Database(file)
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete')
    db.close()
  })

  it('rolls back every step of a run when one migration fails', () => {
    const db = memoryDb()
    migrate(db, MIGRATIONS)
    const v = latestSchemaVersion()
    const steps: Migration[] = [
      ...MIGRATIONS,
      { version: v + 1, name: 'adds a table', up: (d) => d.exec('CREATE TABLE added (x INTEGER) STRICT') },
      { version: v + 2, name: 'changes data', up: (d) => d.exec("INSERT INTO project_meta (key, value) VALUES ('k', 'v')") },
      { version: v + 3, name: 'breaks', up: (d) => d.exec('ALTER TABLE no_such_table ADD COLUMN y INTEGER') },
    ]
    let error: unknown
    try {
      migrate(db, steps)
    } catch (err) {
      error = err
    }
    expect(error).toBeInstanceOf(AppError)
    expect((error as AppError).code).toBe('DB_MIGRATION_FAILED')
    expect((error as AppError).message).toMatch(`migration ${v + 3} (breaks) failed, nothing was changed: no such table: no_such_table`)
    expect(schemaVersion(db)).toBe(v)
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'added'").get()).toEqual({ n: 0 })
    expect(db.prepare('SELECT count(*) AS n FROM project_meta').get()).toEqual({ n: 0 })
    db.close()
  })

  it('worker connections share the settings and see the main connection\'s writes; read-only ones cannot write', () => {
    const dir = tempDir()
    cleanups.push(dir.cleanup)
    const file = join(dir.path, 'project.sqlite')
    const main = openProjectDatabase(file, { create: true })
    const worker = openWorkerConnection(file)
    expect(worker.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(worker.pragma('busy_timeout', { simple: true })).toBe(5000)
    worker.prepare("INSERT INTO project_meta (key, value) VALUES ('from', 'worker')").run()
    expect(main.prepare("SELECT value FROM project_meta WHERE key = 'from'").get()).toEqual({ value: 'worker' })
    const reader = openProjectReadOnly(file)
    expect(() => reader.prepare("INSERT INTO project_meta (key, value) VALUES ('x', 'y')").run()).toThrow(/readonly/)
    for (const db of [reader, worker, main]) db.close()
  })

  it('a worker refuses a database whose schema differs from its own', () => {
    const dir = tempDir()
    cleanups.push(dir.cleanup)
    const file = join(dir.path, 'old.sqlite')
    new Database(file).close()
    expect(appErrorCode(() => openWorkerConnection(file))).toBe('DB_MIGRATION_FAILED')
    const future = new Database(file)
    future.pragma(`user_version = ${latestSchemaVersion() + 1}`)
    future.close()
    expect(appErrorCode(() => openWorkerConnection(file))).toBe('DB_FROM_FUTURE')
  })

  it('refuses to open a file that is not a database', () => {
    const dir = tempDir()
    cleanups.push(dir.cleanup)
    const file = join(dir.path, 'project.sqlite')
    writeFileSync(file, 'this is not sqlite, it is a text file that happens to be long enough to have a header')
    expect(() => openProjectDatabase(file)).toThrow()
  })
})
