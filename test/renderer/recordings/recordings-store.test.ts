import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { fake } from '../helpers/fake-api'
import { deferred } from '../helpers/fixtures'
import { recordingSummary, siteTree } from '../annotate/season-fixtures'
import { RECORDINGS_PAGE, useRecordingsStore } from '../../../src-renderer/src/stores/recordings'

vi.mock('../../../src-renderer/src/api', async () => (await import('../helpers/fake-api')).fakeApiModule())

/** A season of `total` recordings, served a page at a time. */
function season(total: number) {
  fake.api.recordings.list.mockImplementation(async ({ page }) => ({
    total,
    items: Array.from({ length: Math.max(0, Math.min(page.limit, total - page.offset)) }, (_, i) => recordingSummary({ id: page.offset + i + 1, fileName: `f${page.offset + i + 1}.wav` })),
  }))
}

describe('recordings store', () => {
  beforeEach(() => {
    fake.reset()
    setActivePinia(createPinia())
  })

  it('fetches only the pages of the rows asked for, once each', async () => {
    season(100_000)
    const store = useRecordingsStore()
    await store.reload()
    await store.ensureRows(5000, 5030)
    await store.ensureRows(5010, 5020)
    const offsets = fake.api.recordings.list.mock.calls.map(([req]) => req.page.offset)
    expect(offsets).toEqual([0, 50 * RECORDINGS_PAGE])
    expect(store.total).toBe(100_000)
    expect(store.rowAt(5017)?.fileName).toBe('f5018.wav')
    expect(store.rowAt(7000)).toBeUndefined()
  })

  it('starts over on a new filter and drops pages that answer for the old one', async () => {
    const slow = deferred<{ total: number; items: ReturnType<typeof recordingSummary>[] }>()
    fake.api.recordings.list.mockReturnValueOnce(slow.promise)
    const store = useRecordingsStore()
    const first = store.reload()
    season(3)
    await store.setFilter({ search: 'dawn', hasAnnotations: true })
    slow.resolve({ total: 99, items: [recordingSummary({ id: 77 })] })
    await first
    expect(store.total).toBe(3)
    expect(store.rowAt(0)?.id).toBe(1)
    expect(fake.api.recordings.list).toHaveBeenLastCalledWith({ filter: { search: 'dawn', hasAnnotations: true }, sort: { by: 'startTime', dir: 'asc' }, page: { offset: 0, limit: RECORDINGS_PAGE } })
  })

  it('keeps sites, coverage and details, and refreshes them when recordings change', async () => {
    season(2)
    fake.api.recordings.tree.mockResolvedValue(siteTree())
    fake.api.recordings.get.mockResolvedValue({ ...recordingSummary(), siteName: 'Oak ridge', deploymentName: 'Spring 2024', sizeBytes: 1, fingerprint: 'x', timeExpansion: 1, metadata: {}, conflicts: [], warnings: [], importedAt: '2025-01-01' })
    const store = useRecordingsStore()
    store.listen()
    await store.loadTree()
    await store.reload()
    await store.detail(12)
    await store.detail(12)
    expect(fake.api.recordings.get).toHaveBeenCalledTimes(1)
    expect(store.deploymentById.get(2)?.siteName).toBe('Oak ridge')
    fake.emit('recordings.changed', { recordingIds: [12] })
    await vi.waitFor(() => expect(fake.api.recordings.tree).toHaveBeenCalledTimes(2))
    await store.detail(12)
    expect(fake.api.recordings.get).toHaveBeenCalledTimes(2)
    store.stop()
    expect(fake.listenerCount('recordings.changed')).toBe(0)
  })
})
