import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { fake, ApiError } from '../helpers/fake-api'
import { PAGE_SIZE, useDetectionsStore } from '../../../src-renderer/src/stores/detections'
import { detectionRow, facets, listAnswer } from './fixtures'

vi.mock('../../../src-renderer/src/api', async () => (await import('../helpers/fake-api')).fakeApiModule())

describe('detections store', () => {
  beforeEach(() => {
    fake.reset()
    setActivePinia(createPinia())
  })

  it('loads the first page with the total, then the pages the table scrolls to, once each', async () => {
    fake.api.detections.list.mockImplementation(listAnswer(1_000_000))
    const store = useDetectionsStore()
    await store.reload()
    expect(store.total).toBe(1_000_000)
    expect(store.rowAt(0)?.id).toBe(1)
    expect(store.rowAt(PAGE_SIZE)).toBeUndefined()
    await Promise.all([store.ensureRows(499_990, 500_020), store.ensureRows(499_995, 500_010)])
    expect(fake.api.detections.list.mock.calls.map(([r]) => r.offset)).toEqual([0, 499_900, 500_000])
    expect(store.rowAt(500_001)?.id).toBe(500_002)
  })

  it('sends a clean filter and the order, and starts over when either changes', async () => {
    fake.api.detections.list.mockImplementation(listAnswer(300))
    const store = useDetectionsStore()
    await store.setFilter({ labelIds: [2], reviewStates: [], minScore: undefined, siteId: 1 })
    expect(fake.api.detections.list.mock.calls[0][0]).toEqual({ filter: { labelIds: [2], siteId: 1 }, sort: { by: 'score', dir: 'desc' }, offset: 0, limit: PAGE_SIZE })
    await store.toggleSort('time')
    expect(store.sort).toEqual({ by: 'time', dir: 'asc' })
    await store.toggleSort('time')
    expect(store.sort).toEqual({ by: 'time', dir: 'desc' })
    await store.toggleSort('score')
    expect(store.sort).toEqual({ by: 'score', dir: 'desc' })
    expect(fake.api.detections.list).toHaveBeenCalledTimes(4)
  })

  it('ignores an answer for a filter that was replaced meanwhile', async () => {
    let release: (() => void) | null = null
    fake.api.detections.list.mockImplementationOnce(
      (req) => new Promise((done) => (release = () => void listAnswer(50)(req).then(done))),
    )
    fake.api.detections.list.mockImplementation(listAnswer(7))
    const store = useDetectionsStore()
    const first = store.setFilter({ labelIds: [1] })
    await store.setFilter({ labelIds: [2] })
    release!()
    await first
    expect(store.total).toBe(7)
  })

  it('does not report a cancelled request for a replaced filter as an error', async () => {
    fake.api.detections.list.mockImplementationOnce(async () => {
      await new Promise((r) => setTimeout(r, 5))
      throw new ApiError('CANCELLED', 'cancelled')
    })
    fake.api.detections.list.mockImplementation(listAnswer(4))
    const store = useDetectionsStore()
    const first = store.setFilter({ labelIds: [1] })
    await store.setFilter({ labelIds: [2] })
    await expect(first).resolves.toBeUndefined()
    expect(store.total).toBe(4)
  })

  it('shows a decision at once, keeps the saved row, and counts it for the session and the facets', async () => {
    fake.api.detections.list.mockImplementation(listAnswer(20))
    fake.api.detections.facets.mockResolvedValue(facets(20))
    let resolve: ((row: ReturnType<typeof detectionRow>) => void) | null = null
    fake.api.detections.review.mockImplementation(() => new Promise((done) => (resolve = done)))
    const store = useDetectionsStore()
    await Promise.all([store.reload(), store.loadFacets()])
    const pending = store.review(3, 'confirmed')
    expect(store.rowAt(3)?.reviewState).toBe('confirmed')
    expect(store.facets?.reviewStates).toMatchObject({ unreviewed: 19, confirmed: 1 })
    expect(fake.api.detections.review).toHaveBeenCalledWith({ id: 4, state: 'confirmed' })
    resolve!(detectionRow(3, { reviewState: 'confirmed', reviewedAt: '2025-11-02T10:00:00.000Z' }))
    await pending
    expect(store.rowAt(3)?.reviewedAt).toBe('2025-11-02T10:00:00.000Z')
    expect(store.decided.confirmed).toBe(1)
  })

  it('puts the row back when the main process refuses the decision', async () => {
    fake.api.detections.list.mockImplementation(listAnswer(20))
    fake.api.detections.facets.mockResolvedValue(facets(20))
    fake.api.detections.review.mockRejectedValue(new ApiError('NOT_FOUND', 'detection #4 does not exist'))
    const store = useDetectionsStore()
    await Promise.all([store.reload(), store.loadFacets()])
    await expect(store.review(3, 'rejected')).rejects.toThrow('detection #4 does not exist')
    expect(store.rowAt(3)?.reviewState).toBe('unreviewed')
    expect(store.facets?.reviewStates).toMatchObject({ unreviewed: 20, rejected: 0 })
    expect(store.decided.rejected).toBe(0)
  })

  it('relabels optimistically as a confirmation, keeping the model’s label', async () => {
    fake.api.detections.list.mockImplementation(listAnswer(20))
    fake.api.detections.review.mockImplementation(async ({ id, labelId }) => detectionRow(id - 1, { labelId, labelCode: 'WATRAI', originalLabelId: 1, originalLabelCode: 'REEWAR', reviewState: 'confirmed' }))
    const store = useDetectionsStore()
    await store.reload()
    const pending = store.review(0, 'confirmed', { id: 3, code: 'WATRAI', name: 'Water rail', color: null })
    expect(store.rowAt(0)).toMatchObject({ labelId: 3, labelCode: 'WATRAI', originalLabelId: 1, originalLabelCode: 'REEWAR', reviewState: 'confirmed' })
    await pending
    expect(fake.api.detections.review).toHaveBeenCalledWith({ id: 1, state: 'confirmed', labelId: 3 })
  })

  it('takes its own decisions’ events as echoes, and marks the rows stale for changes made elsewhere', async () => {
    fake.api.detections.list.mockImplementation(listAnswer(20))
    fake.api.detections.review.mockImplementation(async ({ id }) => detectionRow(id - 1, { reviewState: 'rejected' }))
    const store = useDetectionsStore()
    store.listen()
    await store.reload()
    store.select(2)
    await store.review(2, 'rejected')
    fake.emit('detections.changed', { recordingIds: [store.rowAt(2)!.recordingId] })
    expect(store.stale).toBe(false)
    fake.emit('detections.changed', { recordingIds: null })
    expect(store.stale).toBe(true)
    // In the middle of a review the rows stay where they are.
    expect(fake.api.detections.list).toHaveBeenCalledTimes(1)
    store.stop()
  })

  it('follows changes by itself while nobody is reviewing', async () => {
    vi.useFakeTimers()
    try {
      fake.api.detections.list.mockImplementation(listAnswer(5))
      fake.api.detections.facets.mockResolvedValue(facets(5))
      const store = useDetectionsStore()
      store.listen()
      await store.reload()
      fake.api.detections.list.mockImplementation(listAnswer(9))
      fake.emit('detections.changed', { recordingIds: [7, 8] })
      await vi.advanceTimersByTimeAsync(2000)
      expect(store.total).toBe(9)
      expect(store.stale).toBe(false)
      store.stop()
    } finally {
      vi.useRealTimers()
    }
  })

  it('refreshes in place: the old rows and the selection stay until the new rows are there', async () => {
    fake.api.detections.list.mockImplementation(listAnswer(300))
    fake.api.detections.facets.mockResolvedValue(facets(300))
    const store = useDetectionsStore()
    await store.reload()
    await store.ensureRows(150, 180)
    store.select(160)
    let release: (() => void) | null = null
    fake.api.detections.list.mockImplementation((req) => new Promise((done) => (release = () => void listAnswer(170)(req).then(done))))
    const pending = store.refresh()
    expect(store.rowAt(160)?.id).toBe(161)
    expect(store.selectedIndex).toBe(160)
    release!()
    await pending
    expect(store.total).toBe(170)
    expect(store.selectedIndex).toBe(160)
    expect(fake.api.detections.list.mock.calls.slice(-1).map(([r]) => r.offset)).toEqual([100])
  })

  it('moves the selection within the table', async () => {
    fake.api.detections.list.mockImplementation(listAnswer(3))
    const store = useDetectionsStore()
    await store.reload()
    store.move(1)
    expect(store.selectedIndex).toBe(0)
    store.move(5)
    expect(store.selectedIndex).toBe(2)
    store.move(-10)
    expect(store.selectedIndex).toBe(0)
    expect(store.selected?.id).toBe(1)
  })
})
