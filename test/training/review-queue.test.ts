import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DEFAULT_OVERLAP_RULE } from '../../src-shared/contracts'
import { windowRelation } from '../../src-main/training/overlap'
import { proposeQueue } from '../../src-main/training/review-queue'
import { trainVersion } from '../../src-main/training/train-version'
import { WindowDecisionsRepository } from '../../src-main/training/window-decisions'
import { tempDir } from '../helpers/main-services'
import { insertDetection } from '../services/season-fixture'
import { syntheticProject, type SyntheticProject } from './synthetic-project'

const tmp = tempDir('obs-queue-')
let p: SyntheticProject
let headId: number
beforeAll(async () => {
  // half the recordings annotated: the other half is what the queue proposes from
  p = await syntheticProject(join(tmp.path, 'p'), { sites: 2, recordingsPerSite: 6, noise: 1.4, annotate: (_r, i) => i % 2 === 0 })
  headId = (await trainVersion({ db: p.db, projectDir: p.dir, params: { type: 'train-head', set: { labelIds: [...p.labels.values()] }, head: { epochs: 15 } }, jobId: null })).modelId
})
afterAll(() => {
  p.close()
  tmp.cleanup()
})

function labelledSpans(): { recordingId: number; startS: number; endS: number }[] {
  return p.db
    .prepare(
      `SELECT recording_id AS recordingId, start_s AS startS, end_s AS endS FROM annotations
       UNION ALL SELECT recording_id, start_s, end_s FROM detections WHERE review_state <> 'unreviewed'`,
    )
    .all() as { recordingId: number; startS: number; endS: number }[]
}

describe('active-learning review queue', () => {
  it('proposes k distinct, uncertain windows, none covered by an annotation', async () => {
    const q = await proposeQueue({ db: p.db, projectDir: p.dir, modelId: headId, k: 12 })
    expect(q.items).toHaveLength(12)
    expect(new Set(q.items.map((i) => `${i.recordingId}:${i.startS}`)).size).toBe(12)
    expect(q.excluded).toBeGreaterThan(0)
    const spans = labelledSpans()
    for (const item of q.items) {
      expect(item.uncertainty).toBeGreaterThan(0)
      expect(item.labelCode).not.toBeNull()
      for (const s of spans.filter((x) => x.recordingId === item.recordingId)) {
        expect(windowRelation(item.startS, item.endS, s.startS, s.endS, DEFAULT_OVERLAP_RULE)).not.toBe('match')
      }
    }
  })

  it('never proposes a window again once it is decided, nor windows of reviewed detections', async () => {
    const decisions = new WindowDecisionsRepository(p.db)
    const first = await proposeQueue({ db: p.db, projectDir: p.dir, modelId: headId, k: 8 })
    const decided = first.items.slice(0, 4)
    decided.forEach((w, i) =>
      decisions.decide({ recordingId: w.recordingId, startS: w.startS, endS: w.endS, labelId: w.labelId as number, decision: i % 2 ? 'absent' : 'present', origin: 'active-learning', modelId: headId }),
    )
    const reviewed = first.items[4]
    insertDetection(p.db, { modelId: headId, recordingId: reviewed.recordingId, labelId: reviewed.labelId as number, startS: reviewed.startS, endS: reviewed.endS, score: 0.5, reviewState: 'rejected' })
    const second = await proposeQueue({ db: p.db, projectDir: p.dir, modelId: headId, k: 50 })
    const key = (w: { recordingId: number; startS: number }) => `${w.recordingId}:${w.startS}`
    const proposed = new Set(second.items.map(key))
    for (const w of [...decided, reviewed]) expect(proposed.has(key(w))).toBe(false)
    expect(second.excluded).toBeGreaterThan(first.excluded)
    // the remaining three of the first batch are still uncertain and still offered
    expect(first.items.slice(5).filter((w) => proposed.has(key(w))).length).toBeGreaterThan(0)
  })

  it('limits uncertainty to the chosen labels and reports the label and its probability', async () => {
    const b = p.labels.get('BBB') as number
    const q = await proposeQueue({ db: p.db, projectDir: p.dir, modelId: headId, k: 5, labelIds: [b] })
    expect(q.items.every((i) => i.labelId === b && i.labelCode === 'BBB')).toBe(true)
    for (const i of q.items) expect(i.uncertainty).toBeCloseTo(1 - Math.abs(2 * i.score - 1), 6)
    await expect(proposeQueue({ db: p.db, projectDir: p.dir, modelId: headId, labelIds: [99_999] })).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
  })
})
