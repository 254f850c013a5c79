// Analyses: the window embeddings of a season, computed once per encoder and window/hop setting
// and scored by every head that reads those windows.
//
// An analysis is one (encoder, window, hop); analysed_recordings says which recordings it has
// embedded (and from which file content, via the fingerprint) or failed to read. The embeddings
// themselves live in files, one per recording (<project>/embeddings/analysis-<id>/<recording id>.f32,
// float32 windows × dim), because rescoring a season reads every vector: one row per window made a
// million windows take seconds just to iterate, a file per recording reads at disk speed. The
// initial schema's per-window `embeddings` table is not used.
import type { Migration } from './migration'

const SCHEMA = `
CREATE TABLE analyses (
  id INTEGER PRIMARY KEY,
  encoder_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  window_s REAL NOT NULL CHECK (window_s > 0),
  hop_s REAL NOT NULL CHECK (hop_s > 0),
  dim INTEGER NOT NULL CHECK (dim > 0),
  -- How the embeddings were made (chunking, normalisation, encoder package hash …).
  settings TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings)),
  created_at TEXT NOT NULL,
  UNIQUE (encoder_id, window_s, hop_s)
) STRICT;

CREATE TABLE analysed_recordings (
  analysis_id INTEGER NOT NULL REFERENCES analyses(id) ON DELETE CASCADE,
  recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
  status TEXT NOT NULL CHECK (status IN ('done', 'failed')),
  -- The recording's fingerprint when it was analysed: a changed file is analysed again.
  fingerprint TEXT NOT NULL,
  windows INTEGER NOT NULL DEFAULT 0 CHECK (windows >= 0),
  -- 16 kHz audio seconds embedded.
  audio_s REAL NOT NULL DEFAULT 0 CHECK (audio_s >= 0),
  embeddings_sha256 TEXT,
  error_code TEXT,
  error TEXT,
  job_id INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
  analysed_at TEXT NOT NULL,
  PRIMARY KEY (analysis_id, recording_id),
  CHECK (status = 'failed' OR embeddings_sha256 IS NOT NULL)
) STRICT, WITHOUT ROWID;
CREATE INDEX analysed_recordings_by_recording ON analysed_recordings (recording_id);
-- Rescoring replaces one head's detections recording by recording.
CREATE INDEX detections_by_model_recording ON detections (model_id, recording_id);
`

export const migration004: Migration = {
  version: 4,
  name: 'analysis',
  up(db) {
    db.exec(SCHEMA)
  },
}
