import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { windowTimes } from '../../src-main/analysis/window-grid'
import { AppError } from '../../src-main/errors'
import { buildTrainingSet } from '../../src-main/training/training-set'
import { WindowDecisionsRepository } from '../../src-main/training/window-decisions'
import { LabelsRepository } from '../../src-main/services/labels-repository'
import { AnnotationsRepository } from '../../src-main/services/annotations-repository'
import { tempDir } from '../helpers/main-services'
import { insertDetection } from '../services/season-fixture'
import { syntheticProject, type SyntheticProject, type SyntheticRecording } from './synthetic-project'

const tmp = tempDir('obs-training-set-')
afterAll(() => tmp.cleanup())
let n = 0
async function project(opts: Parameters<typeof syntheticProject>[1] = {}): Promise<SyntheticProject> {
  return syntheticProject(`${tmp.path}/p${++n}`, opts)
}

/** The positives of each species by a plain reading of the rule, window by window. */
function handCount(p: SyntheticProject, recordings: SyntheticRecording[]): { positives: Map<string, number>; windowsWithCalls: number; background: number } {
  const positives = new Map<string, number>()
  let windowsWithCalls = 0
  let background = 0
  for (const r of recordings) {
    const windows = Math.floor((r.durationS - p.windowS) / p.hopS + 1e-9) + 1
    const t = windowTimes(p, windows, r.durationS)
    for (let w = 0; w < windows; w++) {
      const hit = new Set<string>()
      let touched = false
      let partial = false
      for (const c of r.calls) {
        const overlap = Math.min(t.end[w], c.endS) - Math.max(t.start[w], c.startS)
        if (overlap <= 0) continue
        touched = true
        if (overlap / (t.end[w] - t.start[w]) >= 0.5 || overlap / (c.endS - c.startS) >= 0.5) hit.add(c.species)
        else partial = true
      }
      if (partial && hit.size === 0) continue
      if (partial) {
        // a partial call of another species makes the window ambiguous
        const partialSpecies = r.calls.filter((c) => {
          const overlap = Math.min(t.end[w], c.endS) - Math.max(t.start[w], c.startS)
          return overlap > 0 && !(overlap / (t.end[w] - t.start[w]) >= 0.5 || overlap / (c.endS - c.startS) >= 0.5)
        })
        if (partialSpecies.some((c) => !hit.has(c.species))) continue
      }
      if (hit.size > 0) windowsWithCalls++
      for (const s of hit) positives.set(s, (positives.get(s) ?? 0) + 1)
      if (!touched) background++
    }
  }
  return { positives, windowsWithCalls, background }
}

describe('training set from annotations', () => {
  let p: SyntheticProject
  beforeAll(async () => {
    p = await project({ sites: 3, recordingsPerSite: 4 })
  })
  afterAll(() => p.close())

  it('counts every window holding half a call (or covered half by it) as a positive of its species', () => {
    const set = buildTrainingSet(p.db, { labelIds: [...p.labels.values()] })
    const hand = handCount(p, p.recordings)
    for (const c of set.report.classes) {
      expect(c.positives.train + c.positives.validation + c.positives.test).toBe(hand.positives.get(c.code))
    }
    const positive = set.report.splits.train.positive + set.report.splits.validation.positive
    expect(positive).toBe(hand.windowsWithCalls)
    // background: 3 unlabelled windows per positive window, sampled from the pool
    const background = set.report.splits.train.background + set.report.splits.validation.background
    expect(background).toBe(Math.min(hand.background, 3 * hand.windowsWithCalls))
    expect(set.report.examples).toBe(positive + background)
    expect(set.report.evidence.annotations).toBe(p.recordings.reduce((s, r) => s + r.calls.length, 0))
  })

  it('never puts windows of one recording, site or day into two splits', () => {
    for (const by of ['recording', 'site', 'date'] as const) {
      const set = buildTrainingSet(p.db, { labelIds: [...p.labels.values()], split: { by, validation: 0.34, test: 0 }, seed: 4 })
      const recording = new Map(p.recordings.map((r) => [r.id, r]))
      const splitOf = new Map<string, string>()
      for (const e of set.examples) {
        const r = recording.get(e.recordingId) as SyntheticRecording
        const key = by === 'recording' ? `${r.id}` : by === 'site' ? `${r.site}` : `${r.day}`
        expect(splitOf.get(key) ?? e.split).toBe(e.split)
        splitOf.set(key, e.split)
      }
      expect(new Set(splitOf.values())).toEqual(new Set(['train', 'validation']))
    }
  })

  it('is the same set for the same seed, and another split and sample for another seed', () => {
    const a = buildTrainingSet(p.db, { labelIds: [...p.labels.values()], seed: 9 })
    const b = buildTrainingSet(p.db, { labelIds: [...p.labels.values()], seed: 9 })
    const c = buildTrainingSet(p.db, { labelIds: [...p.labels.values()], seed: 10 })
    expect(b.report.fingerprint).toBe(a.report.fingerprint)
    expect(b.examples).toEqual(a.examples)
    expect(c.report.fingerprint).not.toBe(a.report.fingerprint)
  })

  it('trains on part of the labels: other species neither label windows nor block them', () => {
    const one = p.labels.get('AAA') as number
    const set = buildTrainingSet(p.db, { labelIds: [one] })
    expect(set.report.classes.map((c) => c.code)).toEqual(['AAA'])
    expect(set.report.classes[0].positives.train + set.report.classes[0].positives.validation).toBe(handCount(p, p.recordings).positives.get('AAA'))
  })

  it('stops at the chosen background ratio, and takes none at 0', () => {
    const none = buildTrainingSet(p.db, { labelIds: [...p.labels.values()], backgroundRatio: 0 })
    expect(none.report.splits.train.background + none.report.splits.validation.background).toBe(0)
    const one = buildTrainingSet(p.db, { labelIds: [...p.labels.values()], backgroundRatio: 1 })
    const positive = one.report.splits.train.positive + one.report.splits.validation.positive
    expect(one.report.splits.train.background + one.report.splits.validation.background).toBe(positive)
  })

  it('warns before training: too few positives, one group only, recordings not analysed', () => {
    const few = buildTrainingSet(p.db, { labelIds: [...p.labels.values()], minPositives: 1000 })
    expect(few.report.warnings.filter((w) => w.code === 'FEW_POSITIVES').map((w) => w.labelId)).toEqual([...p.labels.values()])
    const bySite = buildTrainingSet(p.db, { labelIds: [...p.labels.values()], split: { by: 'site', validation: 0.9, test: 0 } })
    expect(bySite.report.warnings.map((w) => w.code)).not.toContain('EMPTY_VALIDATION')
  })

  it('refuses classes from two label sets and labels that do not exist', () => {
    const other = new LabelsRepository(p.db).createSet('Other set')
    const x = new LabelsRepository(p.db).upsertLabel(other.id, 'XXX', {}).label.id
    expect(() => buildTrainingSet(p.db, { labelIds: [p.labels.get('AAA') as number, x] })).toThrow(/2 label sets/)
    expect(() => buildTrainingSet(p.db, { labelIds: [99_999] })).toThrow(AppError)
  })
})

describe('training set from reviews and decisions', () => {
  it('uses confirmed, rejected and relabelled detections of unannotated recordings, without background from them', async () => {
    const p = await project({ annotate: () => false })
    const head = Number(p.db.prepare("INSERT INTO models (kind, name, version, encoder_id, created_at) VALUES ('head', 'h', '1', ?, '2024-01-01')").run(p.encoderId).lastInsertRowid)
    const [a, b] = [p.labels.get('AAA') as number, p.labels.get('BBB') as number]
    const r = p.recordings[0].id
    insertDetection(p.db, { modelId: head, recordingId: r, labelId: a, startS: 2, endS: 3, score: 0.9, reviewState: 'confirmed' })
    insertDetection(p.db, { modelId: head, recordingId: r, labelId: a, startS: 10, endS: 11, score: 0.8, reviewState: 'rejected' })
    insertDetection(p.db, { modelId: head, recordingId: r, labelId: b, startS: 20, endS: 21, score: 0.7, reviewState: 'unreviewed' })
    const relabelled = insertDetection(p.db, { modelId: head, recordingId: r, labelId: b, startS: 15, endS: 16, score: 0.6, reviewState: 'confirmed' })
    p.db.prepare('UPDATE detections SET original_label_id = ? WHERE id = ?').run(a, relabelled)
    const set = buildTrainingSet(p.db, { labelIds: [a, b], split: { validation: 0, test: 0, by: 'recording' } })
    const ev = set.report.evidence
    expect([ev.confirmedDetections, ev.rejectedDetections, ev.relabelledDetections, ev.annotations]).toEqual([2, 1, 1, 0])
    const byStart = new Map(set.examples.map((e) => [e.startS, e]))
    // 1 s windows every 0.5 s: a detection of 2–3 s matches windows 1.5–2.5, 2–3 and 2.5–3.5
    for (const s of [1.5, 2, 2.5]) expect(byStart.get(s)?.positives).toEqual([0])
    for (const s of [9.5, 10, 10.5]) expect(byStart.get(s)).toMatchObject({ positives: [], negatives: [0] })
    for (const s of [14.5, 15, 15.5]) expect(byStart.get(s)).toMatchObject({ positives: [1], negatives: [0] })
    expect(byStart.has(20)).toBe(false)
    expect(set.report.splits.train.background).toBe(0)
    p.close()
  })

  it('counts an absent decision as a negative of that window and a present one as a review annotation', async () => {
    const p = await project({ annotate: () => false })
    const [a, b] = [p.labels.get('AAA') as number, p.labels.get('BBB') as number]
    const r = p.recordings[1].id
    const decisions = new WindowDecisionsRepository(p.db)
    decisions.decide({ recordingId: r, startS: 4, endS: 5, labelId: a, decision: 'absent', origin: 'active-learning' })
    decisions.decide({ recordingId: r, startS: 8, endS: 9, labelId: b, decision: 'present', origin: 'search' })
    const review = new AnnotationsRepository(p.db).list(r).filter((x) => x.source === 'review')
    expect(review.map((x) => [x.labelId, x.startS, x.endS])).toEqual([[b, 8, 9]])
    const set = buildTrainingSet(p.db, { labelIds: [a, b], split: { by: 'recording', validation: 0, test: 0 } })
    expect(set.report.evidence).toMatchObject({ absentDecisions: 1, presentDecisions: 1, annotations: 0 })
    expect(set.examples.filter((e) => e.negatives.length > 0).map((e) => [e.startS, e.negatives])).toEqual([[4, [0]]])
    // a confirmed window says nothing about the rest of its recording: no background
    expect(set.report.splits.train.background).toBe(0)
    expect(set.examples.filter((e) => e.positives.includes(1)).map((e) => e.startS)).toEqual([7.5, 8, 8.5])
    p.close()
  })

  it('treats annotations of a "no call" label as negatives for every class, found by its code', async () => {
    const p = await project({ annotate: () => false })
    const labels = new LabelsRepository(p.db)
    const noise = labels.upsertLabel(p.labelSetId, 'NOISE', {}).label.id
    new AnnotationsRepository(p.db).create({ recordingId: p.recordings[0].id, labelId: noise, startS: 0, endS: 3, lowHz: null, highHz: null, source: 'manual', author: null, modelId: null, note: null })
    const set = buildTrainingSet(p.db, { labelIds: [p.labels.get('AAA') as number, p.labels.get('BBB') as number], split: { by: 'recording', validation: 0, test: 0 } })
    expect(set.report.evidence.noCallAnnotations).toBe(1)
    expect(set.examples.filter((e) => e.negatives.join() === '0,1').map((e) => e.startS)).toEqual([0, 0.5, 1, 1.5, 2, 2.5])
    p.close()
  })

  it('keeps one class per window for a multi-class head: windows of two classes are left out, background only with a "no call" class', async () => {
    const p = await project({ species: ['AAA', 'BBB'], callsPerRecording: 3 })
    const [a, b] = [p.labels.get('AAA') as number, p.labels.get('BBB') as number]
    const r = p.recordings[0]
    new AnnotationsRepository(p.db).create({ recordingId: r.id, labelId: b, startS: r.calls[0].startS, endS: r.calls[0].endS, lowHz: null, highHz: null, source: 'manual', author: null, modelId: null, note: null })
    const set = buildTrainingSet(p.db, { labelIds: [a, b], task: 'multi-class' })
    expect(set.report.dropped.unassignable).toBeGreaterThan(0)
    expect(set.examples.every((e) => e.positives.length === 1)).toBe(true)
    expect(set.report.splits.train.background).toBe(0)
    const bg = new LabelsRepository(p.db).upsertLabel(p.labelSetId, 'NOCALL', {}).label.id
    const withBg = buildTrainingSet(p.db, { labelIds: [a, b, bg], task: 'multi-class' })
    expect(withBg.report.splits.train.background + withBg.report.splits.validation.background).toBeGreaterThan(0)
    expect(withBg.examples.filter((e) => e.background).every((e) => e.positives[0] === 2)).toBe(true)
    p.close()
  })

  it('says which recordings with labels lack embeddings', async () => {
    const p = await project()
    p.db.prepare('DELETE FROM analysed_recordings WHERE recording_id = ?').run(p.recordings[0].id)
    const set = buildTrainingSet(p.db, { labelIds: [...p.labels.values()] })
    expect(set.report.dropped.unanalysedRecordings).toBe(1)
    expect(set.report.warnings.map((w) => w.code)).toContain('UNANALYSED_RECORDINGS')
    p.db.prepare('DELETE FROM analysed_recordings').run()
    expect(() => buildTrainingSet(p.db, { labelIds: [...p.labels.values()] })).toThrow(/no recordings were analysed/)
    p.close()
  })
})
