import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { fake, ApiError } from '../helpers/fake-api'
import { jobSnapshot } from '../helpers/fixtures'
import { useTrainingStore } from '../../../src-renderer/src/stores/training'
import { useTrainingReviewStore } from '../../../src-renderer/src/stores/training-review'
import { headVersion, reviewWindow, trainingReport } from './fixtures'

vi.mock('../../../src-renderer/src/api', async () => (await import('../helpers/fake-api')).fakeApiModule())

beforeEach(() => {
  fake.reset()
  setActivePinia(createPinia())
})

describe('training store', () => {
  it('keeps the answer of the latest preview and cancels the one it replaces', async () => {
    const signals: AbortSignal[] = []
    let release: (() => void) | null = null
    fake.api.training.preview.mockImplementationOnce(async (_r, o) => {
      signals.push(o?.signal as AbortSignal)
      await new Promise<void>((r) => (release = r))
      return trainingReport({ examples: 1 })
    })
    fake.api.training.preview.mockImplementationOnce(async (_r, o) => {
      signals.push(o?.signal as AbortSignal)
      return trainingReport({ examples: 2 })
    })
    const s = useTrainingStore()
    const first = s.preview({ labelIds: [11] })
    await s.preview({ labelIds: [11, 12] })
    ;(release as unknown as () => void)()
    expect(await first).toBeNull()
    expect(signals[0].aborted).toBe(true)
    expect(s.report?.examples).toBe(2)
    expect(s.reportFor).toBe(JSON.stringify({ labelIds: [11, 12] }))
    expect(s.previewing).toBe(false)
  })

  it('retrains in one action: the stored params, started as a job it follows', async () => {
    const params = { type: 'train-head' as const, set: { labelIds: [11] }, name: 'Marsh birds head', previousModelId: 21 }
    fake.api.training.retrainParams.mockResolvedValue(params)
    fake.api.jobs.start.mockResolvedValue(jobSnapshot({ id: 9, type: 'train-head', status: 'queued', params }))
    const s = useTrainingStore()
    await s.retrain(21)
    expect(fake.api.jobs.start).toHaveBeenCalledWith({ params })
    expect(s.jobId).toBe(9)
    expect(s.job?.status).toBe('queued')
  })

  it('puts a version back when the main process refuses to activate it, and reloads when models change', async () => {
    fake.api.training.versions.mockResolvedValue([headVersion({ active: false })])
    fake.api.models.setActive.mockRejectedValue(new ApiError('MODEL_NOT_FOUND', 'gone'))
    const s = useTrainingStore()
    await s.loadVersions()
    await expect(s.setActive(21, true)).rejects.toThrow('gone')
    expect(s.versions[0].active).toBe(false)
    s.listen()
    fake.api.training.versions.mockResolvedValue([headVersion(), headVersion({ id: 22, version: '2' })])
    fake.emit('models.changed', { modelId: null })
    await vi.waitFor(() => expect(s.versions.map((v) => v.id)).toEqual([21, 22]))
  })
})

describe('training review store', () => {
  it('shows a decision at once, keeps the stored one, and rolls back a refused one', async () => {
    fake.api.training.queue.mockResolvedValue({ items: [reviewWindow(), reviewWindow({ startS: 20, endS: 21 })], candidates: 100, excluded: 5, seconds: 0.1 })
    const r = useTrainingReviewStore()
    await r.loadQueue(21, 2)
    expect(fake.api.training.queue).toHaveBeenCalledWith({ modelId: 21, k: 2 })
    expect(r.selectedIndex).toBe(0)
    fake.api.training.decide.mockResolvedValue([{ labelId: 11, decision: 'present', annotationId: 70 }])
    await r.decide(0, 11, 'present')
    expect(fake.api.training.decide).toHaveBeenCalledWith({ recordingId: 7, startS: 12.5, endS: 13.5, labelId: 11, decision: 'present', origin: 'active-learning', modelId: 21 })
    expect(r.items[0].decisions).toEqual([{ labelId: 11, decision: 'present', annotationId: 70 }])
    expect(r.decidedCount).toBe(1)

    fake.api.training.decide.mockRejectedValue(new ApiError('NOT_FOUND', 'recording gone'))
    const pending = r.decide(1, 11, 'absent')
    expect(r.items[1].decisions).toEqual([{ labelId: 11, decision: 'absent', annotationId: null }])
    await expect(pending).rejects.toThrow('recording gone')
    expect(r.items[1].decisions).toEqual([])
  })

  it('relabels as absent for the proposed label and present for the new one, from search hits too', async () => {
    const r = useTrainingReviewStore()
    r.show([reviewWindow({ labelId: null, labelCode: null })])
    fake.api.training.decide.mockResolvedValue([
      { labelId: 11, decision: 'absent', annotationId: null },
      { labelId: 12, decision: 'present', annotationId: 71 },
    ])
    await r.decide(0, 11, 'present', 12)
    expect(fake.api.training.decide).toHaveBeenCalledWith({ recordingId: 7, startS: 12.5, endS: 13.5, labelId: 11, decision: 'present', relabelTo: 12, origin: 'search' })
    expect(r.items[0].decisions.map((d) => d.decision)).toEqual(['absent', 'present'])
  })
})
