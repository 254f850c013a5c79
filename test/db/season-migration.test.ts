// Migration 2 (season): the columns the importer and the browser need, and the annotation counts
// its triggers keep on each recording.
import Database from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { migrate } from '../../src-main/db/migrate'
import { MIGRATIONS } from '../../src-main/db/migrations'

const now = '2026-05-01T06:00:00Z'

function memoryDb(version?: number): Database.Database {
  const db = new Database(':memory:')
  db.pragma('foreign_keys = ON')
  migrate(db, version === undefined ? MIGRATIONS : MIGRATIONS.slice(0, version))
  return db
}

function seed(db: Database.Database): void {
  db.prepare("INSERT INTO sites (id, name, created_at) VALUES (1, 'Ridge', ?)").run(now)
  db.prepare("INSERT INTO deployments (id, site_id, name, created_at) VALUES (1, 1, 'D1', ?)").run(now)
  const rec = db.prepare(`INSERT INTO recordings (id, deployment_id, path, fingerprint, format, size_bytes, sample_rate, channels, duration_s, imported_at) VALUES (?, 1, ?, 'fp', 'wav', 100, 48000, 1, 60, ?)`)
  rec.run(1, '/season/Ridge/D1/20240601_050000.WAV', now)
  rec.run(2, '/season/Ridge/D1/20240601_051000.WAV', now)
  db.prepare("INSERT INTO label_sets (id, name, created_at) VALUES (1, 'Birds', ?)").run(now)
  db.prepare("INSERT INTO labels (id, label_set_id, code) VALUES (1, 1, 'TURMER')").run()
}

const annotation = `INSERT INTO annotations (recording_id, label_id, start_s, end_s, source, created_at, updated_at) VALUES (?, 1, 0, 1, 'manual', '${now}', '${now}')`
const counts = (db: Database.Database) => db.prepare('SELECT id, annotation_count AS n FROM recordings ORDER BY id').all()

describe('migration 2 (season)', () => {
  it('fills file names and annotation counts of rows written under schema 1', () => {
    const db = memoryDb(1)
    seed(db)
    db.prepare(annotation).run(1)
    db.prepare(annotation).run(1)
    migrate(db)
    expect(db.prepare('SELECT file_name FROM recordings ORDER BY id').all()).toEqual([{ file_name: '20240601_050000.WAV' }, { file_name: '20240601_051000.WAV' }])
    expect(counts(db)).toEqual([{ id: 1, n: 2 }, { id: 2, n: 0 }])
    expect(db.prepare('SELECT time_expansion, has_conflicts, conflicts, warnings FROM recordings WHERE id = 1').get()).toEqual({ time_expansion: 1, has_conflicts: 0, conflicts: '[]', warnings: '[]' })
  })

  it('keeps annotation_count in step on insert, delete and moving an annotation to another recording', () => {
    const db = memoryDb()
    seed(db)
    const a = Number(db.prepare(annotation).run(1).lastInsertRowid)
    db.prepare(annotation).run(1)
    db.prepare(annotation).run(2)
    expect(counts(db)).toEqual([{ id: 1, n: 2 }, { id: 2, n: 1 }])
    db.prepare('UPDATE annotations SET recording_id = 2 WHERE id = ?').run(a)
    expect(counts(db)).toEqual([{ id: 1, n: 1 }, { id: 2, n: 2 }])
    db.prepare('UPDATE annotations SET start_s = 0.5 WHERE id = ?').run(a)
    expect(counts(db)).toEqual([{ id: 1, n: 1 }, { id: 2, n: 2 }])
    db.prepare('DELETE FROM annotations WHERE recording_id = 2').run()
    expect(counts(db)).toEqual([{ id: 1, n: 1 }, { id: 2, n: 0 }])
  })

  it('rejects a non-positive time expansion, invalid conflict JSON and a second site or deployment with the same inference key', () => {
    const db = memoryDb()
    seed(db)
    expect(() => db.prepare('UPDATE recordings SET time_expansion = 0 WHERE id = 1').run()).toThrow()
    expect(() => db.prepare("UPDATE recordings SET conflicts = '[' WHERE id = 1").run()).toThrow()
    db.prepare("UPDATE sites SET inference_key = 'Ridge' WHERE id = 1").run()
    expect(() => db.prepare("INSERT INTO sites (name, inference_key, created_at) VALUES ('Other', 'Ridge', ?)").run(now)).toThrow()
    db.prepare("INSERT INTO sites (name, inference_key, created_at) VALUES ('Other', NULL, ?)").run(now)
    db.prepare("INSERT INTO sites (name, inference_key, created_at) VALUES ('Third', NULL, ?)").run(now)
    db.prepare("UPDATE deployments SET inference_key = 'Ridge/D1' WHERE id = 1").run()
    expect(() => db.prepare("INSERT INTO deployments (site_id, name, inference_key, created_at) VALUES (1, 'D2', 'Ridge/D1', ?)").run(now)).toThrow()
  })
})
