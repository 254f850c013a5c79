import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { JobSnapshot } from '../../../src-shared/contracts'
import { fake, ApiError } from '../helpers/fake-api'
import { deferred, jobSnapshot } from '../helpers/fixtures'
import { useJobsStore } from '../../../src-renderer/src/stores/jobs'

vi.mock('../../../src-renderer/src/api', async () => (await import('../helpers/fake-api')).fakeApiModule())

describe('jobs store', () => {
  beforeEach(() => {
    fake.reset()
    setActivePinia(createPinia())
  })

  it('lists jobs newest first and counts the active ones', async () => {
    fake.api.jobs.list.mockResolvedValue([
      jobSnapshot({ id: 1, status: 'succeeded' }),
      jobSnapshot({ id: 3, status: 'queued' }),
      jobSnapshot({ id: 2, status: 'running' }),
    ])
    const store = useJobsStore()
    await store.load()
    expect(store.sorted.map((j) => j.id)).toEqual([3, 2, 1])
    expect(store.activeCount).toBe(2)
    expect(store.loaded).toBe(true)
  })

  it('applies jobs.updated events live and unsubscribes when stopped', () => {
    const store = useJobsStore()
    store.listen()
    fake.emit('jobs.updated', jobSnapshot({ id: 7, status: 'running' }))
    fake.emit('jobs.updated', jobSnapshot({ id: 7, status: 'succeeded' }))
    fake.emit('jobs.updated', jobSnapshot({ id: 8, status: 'queued' }))
    expect(store.jobs.map((j) => [j.id, j.status])).toEqual([
      [7, 'succeeded'],
      [8, 'queued'],
    ])
    store.stop()
    expect(fake.listenerCount('jobs.updated')).toBe(0)
  })

  it('keeps a newer event over the snapshot in a list answer that arrives later', async () => {
    const answer = deferred<JobSnapshot[]>()
    fake.api.jobs.list.mockReturnValue(answer.promise)
    const store = useJobsStore()
    store.listen()
    const loading = store.load()
    fake.emit('jobs.updated', jobSnapshot({ id: 4, status: 'succeeded' }))
    fake.emit('jobs.updated', jobSnapshot({ id: 9, status: 'queued' }))
    answer.resolve([jobSnapshot({ id: 4, status: 'running' }), jobSnapshot({ id: 5, status: 'failed' })])
    await loading
    expect(store.sorted.map((j) => [j.id, j.status])).toEqual([
      [9, 'queued'],
      [5, 'failed'],
      [4, 'succeeded'],
    ])
  })

  it('drops a list answer that arrives after the project changed', async () => {
    const answer = deferred<JobSnapshot[]>()
    fake.api.jobs.list.mockReturnValue(answer.promise)
    const store = useJobsStore()
    const loading = store.load()
    store.reset()
    answer.resolve([jobSnapshot({ id: 1 })])
    await loading
    expect(store.jobs).toEqual([])
    expect(store.loaded).toBe(false)
  })

  it('shows cancelling at once and takes the main process snapshot after', async () => {
    const store = useJobsStore()
    store.apply(jobSnapshot({ id: 2, status: 'running' }))
    const answer = deferred<JobSnapshot>()
    fake.api.jobs.cancel.mockReturnValue(answer.promise)
    const cancelling = store.cancel(2)
    expect(store.jobs[0].status).toBe('cancelling')
    answer.resolve(jobSnapshot({ id: 2, status: 'cancelled', finishedAt: '2025-11-02T09:01:00.000Z' }))
    await cancelling
    expect(fake.api.jobs.cancel).toHaveBeenCalledWith({ id: 2 })
    expect(store.jobs[0].status).toBe('cancelled')
  })

  it('restores the previous status when a cancel is refused', async () => {
    const store = useJobsStore()
    store.apply(jobSnapshot({ id: 2, status: 'queued' }))
    fake.api.jobs.cancel.mockRejectedValue(new ApiError('JOB_STATE', 'job 2 already finished'))
    await expect(store.cancel(2)).rejects.toMatchObject({ code: 'JOB_STATE' })
    expect(store.jobs[0].status).toBe('queued')
  })

  it('does not undo a cancel that an event already completed', async () => {
    const store = useJobsStore()
    store.listen()
    store.apply(jobSnapshot({ id: 2, status: 'running' }))
    const answer = deferred<JobSnapshot>()
    fake.api.jobs.cancel.mockReturnValue(answer.promise)
    const cancelling = store.cancel(2)
    fake.emit('jobs.updated', jobSnapshot({ id: 2, status: 'cancelled' }))
    answer.reject(new ApiError('JOB_STATE', 'already cancelled'))
    await expect(cancelling).rejects.toThrow()
    expect(store.jobs[0].status).toBe('cancelled')
  })

  it('starts a scan and shows it before any event arrives', async () => {
    fake.api.jobs.start.mockResolvedValue(jobSnapshot({ id: 11, status: 'queued', progress: null }))
    const store = useJobsStore()
    await store.start({ type: 'scan-folder', folder: '/data/sd' })
    expect(fake.api.jobs.start).toHaveBeenCalledWith({ params: { type: 'scan-folder', folder: '/data/sd' } })
    expect(store.jobs.map((j) => j.id)).toEqual([11])
  })

  it('resumes an interrupted job', async () => {
    const store = useJobsStore()
    store.apply(jobSnapshot({ id: 3, status: 'interrupted' }))
    fake.api.jobs.resume.mockResolvedValue(jobSnapshot({ id: 3, status: 'queued' }))
    await store.resume(3)
    expect(store.jobs[0].status).toBe('queued')
  })
})
