import Database from 'better-sqlite3'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DetectionStore, type NewDetection } from '../../src-main/analysis/detection-store'
import { migrate } from '../../src-main/db/migrate'

let db: Database.Database
beforeEach(() => {
  db = new Database(':memory:')
  db.pragma('foreign_keys = ON')
  migrate(db)
  const now = 'now'
  db.prepare("INSERT INTO recordings (id, path, fingerprint, format, size_bytes, sample_rate, channels, duration_s, imported_at) VALUES (1, '/a.wav', 'f', 'wav', 1, 16000, 1, 60, ?)").run(now)
  db.prepare("INSERT INTO label_sets (id, name, created_at) VALUES (1, 'S', ?)").run(now)
  for (const [id, code] of [[1, 'A'], [2, 'B'], [3, 'C']] as const) db.prepare('INSERT INTO labels (id, label_set_id, code) VALUES (?, 1, ?)').run(id, code)
  db.prepare("INSERT INTO models (id, kind, name, version, created_at) VALUES (1, 'encoder', 'E', '1', ?)").run(now)
  db.prepare("INSERT INTO models (id, kind, name, version, encoder_id, created_at) VALUES (2, 'head', 'H', '1', 1, ?)").run(now)
})
afterEach(() => db.close())

function det(labelId: number, startS: number, endS: number, score = 0.9, settings = '{"threshold":0.5}'): NewDetection {
  return { labelId, startS, endS, score, settings }
}

function rows() {
  return db.prepare('SELECT id, label_id AS label, original_label_id AS original, start_s AS s, end_s AS e, score, review_state AS state FROM detections ORDER BY id').all()
}

describe('DetectionStore.replace', () => {
  it('replaces unreviewed detections and moves each review onto the new detection of its model label that overlaps it most', () => {
    const store = new DetectionStore(db)
    db.transaction(() => store.replace(2, 1, [det(1, 0, 2), det(1, 5, 7), det(2, 10, 11)], null, 'then'))()
    db.prepare("UPDATE detections SET review_state = 'confirmed' WHERE id = 2").run()
    // Relabelled by a reviewer from A to C: it still matches the model's label A.
    db.prepare("UPDATE detections SET label_id = 3, original_label_id = 1, review_state = 'confirmed' WHERE id = 1").run()
    const out = db.transaction(() => store.replace(2, 1, [det(1, 1, 3, 0.7), det(1, 1.5, 2.5, 0.8), det(1, 6, 8, 0.95), det(2, 30, 31)], null, 'now'))()
    expect(out).toEqual({ inserted: 2, deleted: 1, kept: 0, reviewsKept: 2 })
    expect(rows()).toEqual([
      // overlap with [0, 2]: [1, 3] → 1 s, [1.5, 2.5] → 0.5 s: the review follows [1, 3]
      { id: 1, label: 3, original: 1, s: 1, e: 3, score: 0.7, state: 'confirmed' },
      { id: 2, label: 1, original: null, s: 6, e: 8, score: 0.95, state: 'confirmed' },
      { id: 3, label: 1, original: null, s: 1.5, e: 2.5, score: 0.8, state: 'unreviewed' },
      { id: 4, label: 2, original: null, s: 30, e: 31, score: 0.9, state: 'unreviewed' },
    ])
  })

  it('keeps a reviewed detection that nothing matches any more, and touches no other head or recording', () => {
    const store = new DetectionStore(db)
    db.prepare("INSERT INTO models (id, kind, name, version, encoder_id, created_at) VALUES (3, 'head', 'Other', '1', 1, 'x')").run()
    db.transaction(() => {
      store.replace(2, 1, [det(1, 0, 1), det(2, 4, 5)], null, 'then')
      store.replace(3, 1, [det(1, 0, 1)], null, 'then')
    })()
    db.prepare("UPDATE detections SET review_state = 'rejected' WHERE id = 1").run()
    db.transaction(() => store.replace(2, 1, [det(2, 0, 1)], null, 'now'))()
    expect(rows()).toEqual([
      { id: 1, label: 1, original: null, s: 0, e: 1, score: 0.9, state: 'rejected' },
      { id: 3, label: 1, original: null, s: 0, e: 1, score: 0.9, state: 'unreviewed' },
      { id: 4, label: 2, original: null, s: 0, e: 1, score: 0.9, state: 'unreviewed' },
    ])
  })

  it('keeps unchanged rows (and their ids), rewrites only changed settings, and ends with the same rows as a full replace', () => {
    const store = new DetectionStore(db)
    db.transaction(() => store.replace(2, 1, [det(1, 0, 1), det(1, 3, 4), det(2, 5, 6)], null, 'then'))()
    const out = db.transaction(() => store.replace(2, 1, [det(1, 0, 1), det(1, 3, 4, 0.9, '{"threshold":0.6}'), det(2, 7, 8)], null, 'now'))()
    expect(out).toEqual({ inserted: 1, deleted: 1, kept: 2, reviewsKept: 0 })
    expect(db.prepare('SELECT id, label_id AS label, start_s AS s, settings, created_at AS at FROM detections ORDER BY id').all()).toEqual([
      { id: 1, label: 1, s: 0, settings: '{"threshold":0.5}', at: 'then' },
      { id: 2, label: 1, s: 3, settings: '{"threshold":0.6}', at: 'then' },
      { id: 3, label: 2, s: 7, settings: '{"threshold":0.5}', at: 'now' },
    ])
  })
})
