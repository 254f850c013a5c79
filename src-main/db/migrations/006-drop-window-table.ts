// Window embeddings moved to per-recording float32 files tracked by `analyses` and
// `analysed_recordings` (migration 004): a season's million windows read in a fraction of a second
// from files but took seconds as one row each. The initial schema's per-window `embeddings` table
// was never written by any release; dropping it keeps the schema telling the truth.
import type { Migration } from './migration'

export const migration006: Migration = {
  version: 6,
  name: 'drop-window-table',
  up(db) {
    db.exec('DROP INDEX IF EXISTS embeddings_by_recording; DROP TABLE IF EXISTS embeddings;')
  },
}
