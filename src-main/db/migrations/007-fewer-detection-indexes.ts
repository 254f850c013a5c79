// Every detection row is written by analysis and rewritten by rescoring, and each index on the
// table is one more b-tree to update per row. detections_by_model_label_score (model_id, label_id,
// score) served only the per-model detection count, which detections_by_model_recording
// (migration 004) answers as well; the five left are each walked by a review, statistics or
// rescoring query.
import type { Migration } from './migration'

export const migration007: Migration = {
  version: 7,
  name: 'fewer-detection-indexes',
  up(db) {
    db.exec('DROP INDEX IF EXISTS detections_by_model_label_score')
  },
}
