// What the Train view offers: analyses with stored embeddings, and label sets with how much
// evidence each label has (annotations, confirmed and rejected detections).
import type { Database } from 'better-sqlite3'
import type { TrainingOptions } from '../../src-shared/contracts'
import { defaultNoCallLabelIds } from './resolve-request'

export function trainingOptions(db: Database): TrainingOptions {
  const analyses = db
    .prepare(
      `SELECT a.id AS analysisId, a.encoder_id AS encoderId, m.name AS encoderName, m.version AS encoderVersion, m.active AS encoderActive,
              coalesce(json_extract(m.config, '$.pretrained'), 1) AS pretrained, a.window_s AS windowS, a.hop_s AS hopS, a.dim,
              count(ar.recording_id) AS recordings, coalesce(sum(ar.windows), 0) AS windows
       FROM analyses a JOIN models m ON m.id = a.encoder_id
       LEFT JOIN analysed_recordings ar ON ar.analysis_id = a.id AND ar.status = 'done'
       GROUP BY a.id ORDER BY m.active DESC, a.id`,
    )
    .all() as (Omit<TrainingOptions['analyses'][number], 'encoderActive' | 'pretrained'> & { encoderActive: number; pretrained: number })[]
  const labels = db
    .prepare(
      `SELECT l.id, l.label_set_id AS labelSetId, s.name AS setName, l.code, coalesce(l.common_name, l.scientific_name) AS name, l.color,
              (SELECT count(*) FROM annotations a WHERE a.label_id = l.id) AS annotations,
              (SELECT count(*) FROM detections d WHERE d.label_id = l.id AND d.review_state = 'confirmed') AS confirmed,
              (SELECT count(*) FROM detections d WHERE d.label_id = l.id AND d.review_state = 'rejected') AS rejected
       FROM labels l JOIN label_sets s ON s.id = l.label_set_id ORDER BY s.name, l.sort_order, l.code`,
    )
    .all() as { id: number; labelSetId: number; setName: string; code: string; name: string | null; color: string | null; annotations: number; confirmed: number; rejected: number }[]
  const sets = new Map<number, TrainingOptions['labelSets'][number]>()
  for (const { labelSetId, setName, ...l } of labels) {
    const set = sets.get(labelSetId) ?? { id: labelSetId, name: setName, labels: [] }
    set.labels.push(l)
    sets.set(labelSetId, set)
  }
  return {
    analyses: analyses.map((a) => ({ ...a, encoderActive: a.encoderActive === 1, pretrained: a.pretrained !== 0 })),
    labelSets: [...sets.values()],
    noCallLabelIds: defaultNoCallLabelIds(db),
  }
}
