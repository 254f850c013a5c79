// Reviewing detections at scale. A relabelled detection keeps the label the model gave
// (original_label_id) so training can learn from the correction. The indexes serve the review
// table's orders with every filter column inside the index, so a page deep into a million rows is
// one index walk without table lookups:
//  - by score (the default), with ties by id;
//  - by label, then score (one species, or the label-sorted table, and per-label histograms);
//  - by recording, then offset (time- and recording-sorted tables, stats); it widens the initial
//    (recording_id, start_s) index, which is dropped so inserts do not maintain both;
//  - labels by code, for the label-sorted table.
import type { Migration } from './migration'

const SCHEMA = `
ALTER TABLE detections ADD COLUMN original_label_id INTEGER REFERENCES labels(id) ON DELETE SET NULL;
CREATE INDEX detections_by_score ON detections (score, id, label_id, review_state, model_id, recording_id);
CREATE INDEX detections_by_label_score ON detections (label_id, score, id, review_state, model_id, recording_id);
CREATE INDEX detections_by_recording ON detections (recording_id, start_s, id, label_id, review_state, score, model_id);
DROP INDEX detections_by_recording_time;
CREATE INDEX labels_by_code ON labels (code);
`

export const migration003: Migration = {
  version: 3,
  name: 'detection-review',
  up(db) {
    db.exec(SCHEMA)
  },
}
