-- index analysed_recordings_by_recording
CREATE INDEX analysed_recordings_by_recording ON analysed_recordings (recording_id);

-- index annotations_by_label
CREATE INDEX annotations_by_label ON annotations (label_id);

-- index annotations_by_recording_time
CREATE INDEX annotations_by_recording_time ON annotations (recording_id, start_s);

-- index deployments_by_inference_key
CREATE UNIQUE INDEX deployments_by_inference_key ON deployments (inference_key) WHERE inference_key IS NOT NULL;

-- index detections_by_label_score
CREATE INDEX detections_by_label_score ON detections (label_id, score, id, review_state, model_id, recording_id);

-- index detections_by_model_recording
CREATE INDEX detections_by_model_recording ON detections (model_id, recording_id);

-- index detections_by_recording
CREATE INDEX detections_by_recording ON detections (recording_id, start_s, id, label_id, review_state, score, model_id);

-- index detections_by_review
CREATE INDEX detections_by_review ON detections (review_state, label_id);

-- index detections_by_score
CREATE INDEX detections_by_score ON detections (score, id, label_id, review_state, model_id, recording_id);

-- index head_trainings_by_previous
CREATE INDEX head_trainings_by_previous ON head_trainings (previous_model_id);

-- index job_logs_by_job
CREATE INDEX job_logs_by_job ON job_logs (job_id, id);

-- index jobs_by_status
CREATE INDEX jobs_by_status ON jobs (status, id);

-- index labels_by_code
CREATE INDEX labels_by_code ON labels (code);

-- index models_by_encoder
CREATE INDEX models_by_encoder ON models (encoder_id);

-- index models_by_kind_active
CREATE INDEX models_by_kind_active ON models (kind, active);

-- index recordings_by_deployment_local_time
CREATE INDEX recordings_by_deployment_local_time ON recordings (deployment_id, start_local_ms);

-- index recordings_by_deployment_time
CREATE INDEX recordings_by_deployment_time ON recordings (deployment_id, start_time);

-- index recordings_by_file_name
CREATE INDEX recordings_by_file_name ON recordings (file_name COLLATE NOCASE);

-- index recordings_by_fingerprint
CREATE INDEX recordings_by_fingerprint ON recordings (fingerprint);

-- index recordings_by_local_time
CREATE INDEX recordings_by_local_time ON recordings (start_local_ms);

-- index recordings_by_status
CREATE INDEX recordings_by_status ON recordings (status);

-- index recordings_by_time
CREATE INDEX recordings_by_time ON recordings (start_time);

-- index sites_by_inference_key
CREATE UNIQUE INDEX sites_by_inference_key ON sites (inference_key) WHERE inference_key IS NOT NULL;

-- index window_decisions_by_annotation
CREATE INDEX window_decisions_by_annotation ON window_decisions (annotation_id) WHERE annotation_id IS NOT NULL;

-- index window_decisions_by_recording
CREATE INDEX window_decisions_by_recording ON window_decisions (recording_id, start_s);

-- table analysed_recordings
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

-- table analyses
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

-- table annotations
CREATE TABLE annotations (
  id INTEGER PRIMARY KEY,
  recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
  label_id INTEGER NOT NULL REFERENCES labels(id) ON DELETE RESTRICT,
  start_s REAL NOT NULL CHECK (start_s >= 0),
  end_s REAL NOT NULL,
  low_hz REAL,
  high_hz REAL,
  source TEXT NOT NULL CHECK (source IN ('manual', 'imported', 'model', 'review')),
  author TEXT,
  -- Provenance of model-made annotations.
  model_id INTEGER REFERENCES models(id) ON DELETE SET NULL,
  note TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  CHECK (end_s > start_s),
  -- A segment has no frequency bounds; a box has both, low below high.
  CHECK ((low_hz IS NULL AND high_hz IS NULL) OR (low_hz IS NOT NULL AND high_hz IS NOT NULL AND low_hz >= 0 AND high_hz > low_hz))
) STRICT;

-- table deployments
CREATE TABLE deployments (
  id INTEGER PRIMARY KEY,
  site_id INTEGER NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  name TEXT NOT NULL,
  recorder_model TEXT,
  recorder_serial TEXT,
  started_at TEXT,
  ended_at TEXT,
  timezone TEXT,
  metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
  created_at TEXT NOT NULL, inference_key TEXT,
  UNIQUE (site_id, name)
) STRICT;

-- table detections
CREATE TABLE detections (
  id INTEGER PRIMARY KEY,
  model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
  label_id INTEGER NOT NULL REFERENCES labels(id) ON DELETE CASCADE,
  start_s REAL NOT NULL CHECK (start_s >= 0),
  end_s REAL NOT NULL,
  score REAL NOT NULL,
  review_state TEXT NOT NULL DEFAULT 'unreviewed' CHECK (review_state IN ('unreviewed', 'confirmed', 'rejected', 'uncertain')),
  reviewed_by TEXT,
  reviewed_at TEXT,
  -- Which settings (threshold, window, hop …) produced this detection.
  settings TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings)),
  job_id INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
  created_at TEXT NOT NULL, original_label_id INTEGER REFERENCES labels(id) ON DELETE SET NULL,
  CHECK (end_s > start_s)
) STRICT;

-- table head_trainings
CREATE TABLE head_trainings (
  model_id INTEGER PRIMARY KEY REFERENCES models(id) ON DELETE CASCADE,
  origin TEXT NOT NULL CHECK (origin IN ('trained', 'imported')),
  job_id INTEGER REFERENCES jobs(id) ON DELETE SET NULL,
  previous_model_id INTEGER REFERENCES models(id) ON DELETE SET NULL,
  params TEXT CHECK (params IS NULL OR json_valid(params)),
  report TEXT CHECK (report IS NULL OR json_valid(report)),
  snapshot TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(snapshot)),
  evaluation TEXT NOT NULL CHECK (json_valid(evaluation)),
  created_at TEXT NOT NULL
) STRICT;

-- table job_logs
CREATE TABLE job_logs (
  id INTEGER PRIMARY KEY,
  job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
  at TEXT NOT NULL,
  level TEXT NOT NULL CHECK (level IN ('debug', 'info', 'warn', 'error')),
  message TEXT NOT NULL
) STRICT;

-- table jobs
CREATE TABLE jobs (
  id INTEGER PRIMARY KEY,
  type TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'cancelling', 'cancelled', 'failed', 'succeeded', 'interrupted')),
  resource TEXT NOT NULL,
  params TEXT NOT NULL CHECK (json_valid(params)),
  progress TEXT CHECK (progress IS NULL OR json_valid(progress)),
  result TEXT CHECK (result IS NULL OR json_valid(result)),
  error TEXT CHECK (error IS NULL OR json_valid(error)),
  -- The last unit of work a worker committed; handed back to it on resume.
  checkpoint TEXT CHECK (checkpoint IS NULL OR json_valid(checkpoint)),
  attempts INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL,
  started_at TEXT,
  finished_at TEXT,
  updated_at TEXT NOT NULL
) STRICT;

-- table label_sets
CREATE TABLE label_sets (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  description TEXT,
  created_at TEXT NOT NULL
) STRICT;

-- table labels
CREATE TABLE labels (
  id INTEGER PRIMARY KEY,
  label_set_id INTEGER NOT NULL REFERENCES label_sets(id) ON DELETE CASCADE,
  code TEXT NOT NULL,
  scientific_name TEXT,
  common_name TEXT,
  color TEXT,
  sort_order INTEGER NOT NULL DEFAULT 0,
  UNIQUE (label_set_id, code)
) STRICT;

-- table models
CREATE TABLE models (
  id INTEGER PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('encoder', 'head')),
  name TEXT NOT NULL,
  version TEXT NOT NULL,
  -- A head is trained on the embeddings of one encoder.
  encoder_id INTEGER REFERENCES models(id) ON DELETE RESTRICT,
  label_set_id INTEGER REFERENCES label_sets(id) ON DELETE SET NULL,
  files TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(files)),
  config TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(config)),
  metrics TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metrics)),
  provenance TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(provenance)),
  active INTEGER NOT NULL DEFAULT 0 CHECK (active IN (0, 1)),
  created_at TEXT NOT NULL,
  UNIQUE (name, version),
  CHECK (kind = 'head' OR encoder_id IS NULL)
) STRICT;

-- table project_meta
CREATE TABLE project_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT, WITHOUT ROWID;

-- table recordings
CREATE TABLE recordings (
  id INTEGER PRIMARY KEY,
  deployment_id INTEGER REFERENCES deployments(id) ON DELETE SET NULL,
  path TEXT NOT NULL UNIQUE,
  fingerprint TEXT NOT NULL,
  format TEXT NOT NULL,
  size_bytes INTEGER NOT NULL CHECK (size_bytes >= 0),
  sample_rate INTEGER CHECK (sample_rate IS NULL OR sample_rate > 0),
  channels INTEGER CHECK (channels IS NULL OR channels > 0),
  duration_s REAL CHECK (duration_s IS NULL OR duration_s >= 0),
  start_time TEXT,
  metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
  status TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'missing', 'quarantined')),
  status_reason TEXT,
  imported_at TEXT NOT NULL, file_name TEXT NOT NULL DEFAULT '', time_expansion REAL NOT NULL DEFAULT 1 CHECK (time_expansion > 0), start_utc_ms INTEGER, start_local_ms INTEGER, conflicts TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(conflicts)), warnings TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(warnings)), has_conflicts INTEGER NOT NULL DEFAULT 0 CHECK (has_conflicts IN (0, 1)), status_code TEXT, annotation_count INTEGER NOT NULL DEFAULT 0 CHECK (annotation_count >= 0),
  -- Only a quarantined file (unreadable header) may lack its audio properties.
  CHECK (status = 'quarantined' OR (sample_rate IS NOT NULL AND channels IS NOT NULL AND duration_s IS NOT NULL))
) STRICT;

-- table sites
CREATE TABLE sites (
  id INTEGER PRIMARY KEY,
  name TEXT NOT NULL UNIQUE,
  latitude REAL CHECK (latitude IS NULL OR latitude BETWEEN -90 AND 90),
  longitude REAL CHECK (longitude IS NULL OR longitude BETWEEN -180 AND 180),
  elevation_m REAL,
  notes TEXT,
  metadata TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metadata)),
  created_at TEXT NOT NULL
, inference_key TEXT) STRICT;

-- table window_decisions
CREATE TABLE window_decisions (
  id INTEGER PRIMARY KEY,
  recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
  start_s REAL NOT NULL CHECK (start_s >= 0),
  end_s REAL NOT NULL,
  label_id INTEGER NOT NULL REFERENCES labels(id) ON DELETE CASCADE,
  decision TEXT NOT NULL CHECK (decision IN ('present', 'absent')),
  origin TEXT NOT NULL CHECK (origin IN ('active-learning', 'search')),
  model_id INTEGER REFERENCES models(id) ON DELETE SET NULL,
  annotation_id INTEGER REFERENCES annotations(id) ON DELETE CASCADE,
  created_at TEXT NOT NULL,
  CHECK (end_s > start_s),
  CHECK ((decision = 'present') = (annotation_id IS NOT NULL)),
  UNIQUE (recording_id, label_id, start_s, end_s)
) STRICT;

-- trigger annotations_count_delete
CREATE TRIGGER annotations_count_delete AFTER DELETE ON annotations BEGIN
  UPDATE recordings SET annotation_count = annotation_count - 1 WHERE id = OLD.recording_id;
END;

-- trigger annotations_count_insert
CREATE TRIGGER annotations_count_insert AFTER INSERT ON annotations BEGIN
  UPDATE recordings SET annotation_count = annotation_count + 1 WHERE id = NEW.recording_id;
END;

-- trigger annotations_count_move
CREATE TRIGGER annotations_count_move AFTER UPDATE OF recording_id ON annotations WHEN NEW.recording_id <> OLD.recording_id BEGIN
  UPDATE recordings SET annotation_count = annotation_count - 1 WHERE id = OLD.recording_id;
  UPDATE recordings SET annotation_count = annotation_count + 1 WHERE id = NEW.recording_id;
END;
