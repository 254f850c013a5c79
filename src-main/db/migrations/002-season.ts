// What importing and browsing a season needs beyond the first schema: the file name (search and
// sort without parsing paths), the applied time-expansion factor, start times as numbers for
// sorting, filtering and coverage (UTC when the zone is known, and the wall clock read as UTC for
// every dated file), metadata conflicts and warnings beside the metadata, the quarantine error
// code, a per-recording annotation count kept by triggers (the browser sorts and filters on it
// for 100k recordings), and the name each site and deployment was inferred under, so a re-import
// finds them again after the user renamed or moved them.
import { basename } from 'node:path'
import type { Migration } from './migration'

const SCHEMA = `
ALTER TABLE recordings ADD COLUMN file_name TEXT NOT NULL DEFAULT '';
ALTER TABLE recordings ADD COLUMN time_expansion REAL NOT NULL DEFAULT 1 CHECK (time_expansion > 0);
-- Epoch milliseconds of the start when the zone is known.
ALTER TABLE recordings ADD COLUMN start_utc_ms INTEGER;
-- The start's wall-clock reading as if it were UTC; set whenever a start time is known.
ALTER TABLE recordings ADD COLUMN start_local_ms INTEGER;
ALTER TABLE recordings ADD COLUMN conflicts TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(conflicts));
ALTER TABLE recordings ADD COLUMN warnings TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(warnings));
ALTER TABLE recordings ADD COLUMN has_conflicts INTEGER NOT NULL DEFAULT 0 CHECK (has_conflicts IN (0, 1));
-- Error code of a quarantined file (AUDIO_TRUNCATED …); status_reason holds the message.
ALTER TABLE recordings ADD COLUMN status_code TEXT;
ALTER TABLE recordings ADD COLUMN annotation_count INTEGER NOT NULL DEFAULT 0 CHECK (annotation_count >= 0);

CREATE INDEX recordings_by_file_name ON recordings (file_name COLLATE NOCASE);
CREATE INDEX recordings_by_local_time ON recordings (start_local_ms);
CREATE INDEX recordings_by_deployment_local_time ON recordings (deployment_id, start_local_ms);

CREATE TRIGGER annotations_count_insert AFTER INSERT ON annotations BEGIN
  UPDATE recordings SET annotation_count = annotation_count + 1 WHERE id = NEW.recording_id;
END;
CREATE TRIGGER annotations_count_delete AFTER DELETE ON annotations BEGIN
  UPDATE recordings SET annotation_count = annotation_count - 1 WHERE id = OLD.recording_id;
END;
CREATE TRIGGER annotations_count_move AFTER UPDATE OF recording_id ON annotations WHEN NEW.recording_id <> OLD.recording_id BEGIN
  UPDATE recordings SET annotation_count = annotation_count - 1 WHERE id = OLD.recording_id;
  UPDATE recordings SET annotation_count = annotation_count + 1 WHERE id = NEW.recording_id;
END;

ALTER TABLE sites ADD COLUMN inference_key TEXT;
CREATE UNIQUE INDEX sites_by_inference_key ON sites (inference_key) WHERE inference_key IS NOT NULL;
ALTER TABLE deployments ADD COLUMN inference_key TEXT;
CREATE UNIQUE INDEX deployments_by_inference_key ON deployments (inference_key) WHERE inference_key IS NOT NULL;
`

export const migration002: Migration = {
  version: 2,
  name: 'season',
  up(db) {
    db.exec(SCHEMA)
    // Rows written by the first schema (none in practice): fill what the new columns derive from.
    const rows = db.prepare('SELECT id, path FROM recordings').all() as Array<{ id: number; path: string }>
    const setName = db.prepare('UPDATE recordings SET file_name = ? WHERE id = ?')
    for (const r of rows) setName.run(basename(r.path), r.id)
    db.exec('UPDATE recordings SET annotation_count = (SELECT count(*) FROM annotations a WHERE a.recording_id = recordings.id)')
  },
}
