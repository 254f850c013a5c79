// Training heads in the app. Two tables:
//
// window_decisions — a reviewer's verdict on one window offered by active learning or search by
// example: 'present' (the label is heard; a 'review' annotation of the window is created with it
// and the decision lives only as long as that annotation) or 'absent' (an explicit negative).
// One decision per window span and label.
//
// head_trainings — what a head version was made from and how well it did: the train-head params
// (so it can be trained again), the training-set report and snapshot (ids of the evidence used, a
// hash of the examples), the stored evaluation (metrics, PR curves, loss history), and the version
// it retrained. Imported heads keep the evaluation their package carried.
import type { Migration } from './migration'

const SCHEMA = `
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
CREATE INDEX window_decisions_by_recording ON window_decisions (recording_id, start_s);
CREATE INDEX window_decisions_by_annotation ON window_decisions (annotation_id) WHERE annotation_id IS NOT NULL;

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
CREATE INDEX head_trainings_by_previous ON head_trainings (previous_model_id);
`

export const migration005: Migration = {
  version: 5,
  name: 'training',
  up(db) {
    db.exec(SCHEMA)
  },
}
