// The data manifests exported from a project for the trainer: labelled clips for fine-tuning
// (annotations, review decisions, widening, splits by recording), unlabelled segments for
// pre-training, and the job.json a training job runs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ensureDemoEncoder } from '../../src-main/services/models-register'
import { buildAudioSet } from '../../src-main/trainer/audio-set'
import { splitRecordings } from '../../src-main/trainer/data-manifest'
import { buildLabelledSet, type LabelledSetOptions } from '../../src-main/trainer/labelled-set'
import { planTraining } from '../../src-main/trainer/training-job'
import { trainerProject, type TrainerProject } from './trainer-project'

let p: TrainerProject
beforeAll(async () => {
  p = await trainerProject()
})
afterAll(async () => {
  await p?.cleanup()
})

const options = (o: Partial<LabelledSetOptions> = {}): LabelledSetOptions => ({
  labelIds: [p.low, p.high],
  multiLabel: false,
  valFraction: 0.25,
  testFraction: 0,
  minSegmentS: 1,
  useReviews: true,
  seed: 0,
  ...o,
})

describe('fine-tuning data from a project', () => {
  it('makes one clip per annotation, widened to the minimum length, with the label codes in class order', () => {
    const set = buildLabelledSet(p.db(), options())
    expect(set.labelSetId).toBe(p.labelSetId)
    expect(set.labelIds).toEqual([p.low, p.high])
    expect(set.data.labels).toEqual(['low', 'high'])
    expect(set.data.multi_label).toBe(false)
    expect(set.data.items).toHaveLength(8)
    const first = set.data.items[0]
    expect(first.id).toBe(`r${p.recordingIds[0]}#0`)
    expect(first.labels).toEqual(['low'])
    expect(first.path).toMatch(/rec0\.wav$/)
    // 0.5–1.3 s (0.8 s) widened around its centre to 1 s
    expect(first.segment?.[0]).toBeCloseTo(0.4, 12)
    expect(first.segment?.[1]).toBeCloseTo(1.4, 12)
    expect(set.data.items[1].labels).toEqual(['high'])
    expect(set.summary).toMatchObject({ items: 8, recordings: 4, perSplit: { train: 6, val: 2 }, perLabel: { low: { train: 3, val: 1 }, high: { train: 3, val: 1 } } })
    expect(set.summary.audioSeconds).toBeCloseTo(8, 9)
  })

  it('splits by recording, deterministically for a seed', () => {
    const a = buildLabelledSet(p.db(), options({ seed: 7 }))
    const b = buildLabelledSet(p.db(), options({ seed: 7 }))
    expect(b.summary.sha256).toBe(a.summary.sha256)
    const splitOf = new Map<string, Set<string>>()
    for (const item of a.data.items) splitOf.set(item.path, (splitOf.get(item.path) ?? new Set()).add(item.split))
    expect([...splitOf.values()].every((s) => s.size === 1)).toBe(true)
    const valRecordings = new Set<number>()
    for (let seed = 0; seed < 20; seed++) {
      const split = splitRecordings(p.recordingIds, seed, 0.25, 0)
      expect([...split.values()].filter((s) => s === 'val')).toHaveLength(1)
      for (const [id, s] of split) if (s === 'val') valRecordings.add(id)
    }
    expect(valRecordings.size).toBeGreaterThan(1)
  })

  it('keeps at least one training and one validation recording, and honours test fractions', () => {
    expect([...splitRecordings([1, 2], 0, 0.9, 0.9).values()].sort()).toEqual(['train', 'val'])
    expect([...splitRecordings([1, 2, 3, 4, 5], 0, 0.2, 0.2).values()].sort()).toEqual(['test', 'train', 'train', 'train', 'val'])
    expect([...splitRecordings([1], 0, 0.5, 0).values()]).toEqual(['train'])
  })

  it('adds confirmed and relabelled detections as positives and rejected ones as multi-label negatives, without duplicating annotations', () => {
    const db = p.db()
    const now = '2024-06-01T00:00:00Z'
    const encoder = Number(db.prepare("INSERT INTO models (kind, name, version, created_at) VALUES ('encoder', 'enc', '1', ?)").run(now).lastInsertRowid)
    const head = Number(db.prepare("INSERT INTO models (kind, name, version, encoder_id, created_at) VALUES ('head', 'head', '1', ?, ?)").run(encoder, now).lastInsertRowid)
    const insert = db.prepare('INSERT INTO detections (model_id, recording_id, label_id, start_s, end_s, score, review_state, original_label_id, created_at) VALUES (?, ?, ?, ?, ?, 0.9, ?, ?, ?)')
    const [r0, r1, r2] = p.recordingIds
    insert.run(head, r0, p.low, 0.6, 1.2, 'confirmed', null, now) // the annotated call again
    insert.run(head, r1, p.high, 3.3, 3.8, 'confirmed', null, now)
    insert.run(head, r1, p.high, 0.0, 0.3, 'confirmed', p.low, now) // relabelled low → high
    insert.run(head, r2, p.low, 3.5, 3.9, 'rejected', null, now)
    insert.run(head, r2, p.high, 3.5, 3.9, 'uncertain', null, now)
    try {
      const clipsOf = (set: ReturnType<typeof buildLabelledSet>, recordingId: number) =>
        set.data.items.filter((i) => i.id.startsWith(`r${recordingId}#`)).map((i) => ({ labels: i.labels, segment: i.segment?.map((v) => Math.round(v * 100) / 100) }))
      const multiClass = buildLabelledSet(db, options())
      expect(multiClass.data.items).toHaveLength(10)
      expect(clipsOf(multiClass, r0)).toHaveLength(2)
      expect(clipsOf(multiClass, r1)).toEqual([
        { labels: ['high'], segment: [0, 1] },
        { labels: ['low'], segment: [0.5, 1.5] },
        { labels: ['high'], segment: [2.2, 3.2] },
        { labels: ['high'], segment: [3, 4] },
      ])
      expect(multiClass.summary.warnings).toContain('1 labelled interval(s) repeat a call already counted (an annotation and its confirmed detection) and were counted once')
      expect(multiClass.summary.warnings).toContain('1 detection(s) reviewed as uncertain were left out')

      const multiLabel = buildLabelledSet(db, options({ multiLabel: true }))
      expect(clipsOf(multiLabel, r2)).toEqual([
        { labels: ['low'], segment: [0.6, 1.6] },
        { labels: ['high'], segment: [2.3, 3.3] },
        { labels: [], segment: [3, 4] },
      ])
      expect(multiLabel.summary.perLabel['(none)']).toEqual({ [multiLabel.data.items.find((i) => i.labels.length === 0)?.split ?? 'train']: 1 })
      // the relabelled detection's "not low" is already said by its "high" clip
      expect(clipsOf(multiLabel, r1)).toHaveLength(4)

      expect(buildLabelledSet(db, options({ useReviews: false })).data.items).toHaveLength(8)
    } finally {
      db.prepare('DELETE FROM detections').run()
      db.prepare("DELETE FROM models WHERE kind = 'head'").run()
      db.prepare('DELETE FROM models').run()
    }
  })

  it('leaves out recordings the trainer cannot read (time-expanded) and says so', () => {
    const db = p.db()
    db.prepare('UPDATE recordings SET time_expansion = 10 WHERE id = ?').run(p.recordingIds[3])
    try {
      const set = buildLabelledSet(db, options())
      expect(set.data.items).toHaveLength(6)
      expect(set.summary.warnings[0]).toBe('2 labelled interval(s) on missing, quarantined or time-expanded recordings were left out')
    } finally {
      db.prepare('UPDATE recordings SET time_expansion = 1').run()
    }
  })

  it('refuses impossible requests with clear errors', async () => {
    const db = p.db()
    expect(() => buildLabelledSet(db, options({ labelIds: [p.low] }))).toThrow(/multi-class training needs at least two labels/)
    const other = await p.services.handlers.labels.createSet({ name: 'Other' }, p.call)
    const stray = (await p.services.handlers.labels.upsertLabel({ labelSetId: other.id, code: 'stray' }, p.call)).id
    expect(() => buildLabelledSet(db, options({ labelIds: [p.low, stray] }))).toThrow('the labels of one training job must come from one label set')
    const silent = (await p.services.handlers.labels.upsertLabel({ labelSetId: p.labelSetId, code: 'silent' }, p.call)).id
    try {
      expect(() => buildLabelledSet(db, options({ labelIds: [p.low, silent] }))).toThrow('label silent has no training examples: annotate some calls of it (or confirm detections) first')
    } finally {
      db.prepare('DELETE FROM labels WHERE id = ?').run(silent)
    }
    expect(() => buildLabelledSet(db, options({ labelIds: [p.low, 999_999] }))).toThrow('label(s) 999999 do not exist in this project')
  })
})

describe('pre-training data from a project', () => {
  it('cuts every recording into segments, split by recording', () => {
    const { data, summary } = buildAudioSet(p.db(), { segmentS: 1.5, maxItems: 1000, valFraction: 0.25, seed: 0 })
    expect(data.items).toHaveLength(12)
    expect(data.items.slice(0, 3).map((i) => i.segment)).toEqual([[0, 1.5], [1.5, 3], [3, 4]])
    expect(data.items[0].id).toBe(`r${p.recordingIds[0]}@0`)
    expect(summary.perSplit).toEqual({ train: 9, val: 3 })
    expect(data.items.every((i) => i.labels.length === 0)).toBe(true)
  })

  it('keeps a seeded sample when there are more segments than allowed', () => {
    const a = buildAudioSet(p.db(), { segmentS: 1, maxItems: 5, valFraction: 0, seed: 1 })
    const b = buildAudioSet(p.db(), { segmentS: 1, maxItems: 5, valFraction: 0, seed: 1 })
    expect(a.data.items).toHaveLength(5)
    expect(b.data.items).toEqual(a.data.items)
    expect(a.summary.warnings).toEqual(['16 segments of 1 s: a seeded sample of 5 is used'])
  })
})

describe('the job.json of a training job', () => {
  it('holds the data, the starting weights, the hyper-parameters, the seed and the device', async () => {
    const signal = new AbortController().signal
    const { job, plan } = await planTraining({ db: p.db(), projectDir: p.projectDir, signal }, { type: 'finetune', architecture: 'tiny', labelIds: [p.low, p.high], seed: 4, device: 'cpu', hparams: { epochs: 3, lr: 1e-4 } }, 'output')
    expect(job).toMatchObject({ type: 'finetune', output_dir: 'output', model: { architecture: { preset: 'tiny' } }, hparams: { epochs: 3, lr: 1e-4 }, resume: false, seed: 4, device: 'cpu' })
    expect(job.data.items).toHaveLength(8)
    expect(plan).toMatchObject({ type: 'finetune', name: 'OpenBEATs tiny fine-tuned', labels: { labelSetId: p.labelSetId, labelIds: [p.low, p.high] }, base: { kind: 'random-init', preset: 'tiny' }, pretrained: false })
  })

  it('explains that the demo model has no checkpoint to train from', async () => {
    const signal = new AbortController().signal
    const demo = await ensureDemoEncoder(p.db(), p.projectDir)
    try {
      await expect(planTraining({ db: p.db(), projectDir: p.projectDir, signal }, { type: 'pretrain', encoderId: demo }, 'output')).rejects.toMatchObject({
        code: 'MODEL_NOT_FOUND',
        message: expect.stringContaining('has no PyTorch checkpoint for the trainer: it is the demo model (random weights, generated in the app)'),
      })
    } finally {
      p.db().prepare('DELETE FROM models').run()
    }
  })
})
