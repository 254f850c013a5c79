-- index annotations_by_label
CREATE INDEX annotations_by_label ON annotations (label_id);

-- index annotations_by_recording_time
CREATE INDEX annotations_by_recording_time ON annotations (recording_id, start_s);

-- index detections_by_model_label_score
CREATE INDEX detections_by_model_label_score ON detections (model_id, label_id, score DESC);

-- index detections_by_recording_time
CREATE INDEX detections_by_recording_time ON detections (recording_id, start_s);

-- index detections_by_review
CREATE INDEX detections_by_review ON detections (review_state, label_id);

-- index embeddings_by_recording
CREATE INDEX embeddings_by_recording ON embeddings (recording_id);

-- index job_logs_by_job
CREATE INDEX job_logs_by_job ON job_logs (job_id, id);

-- index jobs_by_status
CREATE INDEX jobs_by_status ON jobs (status, id);

-- index models_by_encoder
CREATE INDEX models_by_encoder ON models (encoder_id);

-- index models_by_kind_active
CREATE INDEX models_by_kind_active ON models (kind, active);

-- index recordings_by_deployment_time
CREATE INDEX recordings_by_deployment_time ON recordings (deployment_id, start_time);

-- index recordings_by_fingerprint
CREATE INDEX recordings_by_fingerprint ON recordings (fingerprint);

-- index recordings_by_status
CREATE INDEX recordings_by_status ON recordings (status);

-- index recordings_by_time
CREATE INDEX recordings_by_time ON recordings (start_time);

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
  created_at TEXT NOT NULL,
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
  created_at TEXT NOT NULL,
  CHECK (end_s > start_s)
) STRICT;

-- table embeddings
CREATE TABLE embeddings (
  id INTEGER PRIMARY KEY,
  model_id INTEGER NOT NULL REFERENCES models(id) ON DELETE CASCADE,
  recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
  window_start_s REAL NOT NULL CHECK (window_start_s >= 0),
  window_duration_s REAL NOT NULL CHECK (window_duration_s > 0),
  dim INTEGER NOT NULL CHECK (dim > 0),
  -- float32 little-endian
  vector BLOB NOT NULL CHECK (length(vector) = dim * 4),
  UNIQUE (model_id, recording_id, window_start_s)
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
  imported_at TEXT NOT NULL,
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
) STRICT;
