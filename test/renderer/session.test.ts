import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { fake } from './helpers/fake-api'
import { appInfo, jobSnapshot, projectInfo, settings } from './helpers/fixtures'
import { startSession } from '../../src-renderer/src/session'
import { useJobsStore } from '../../src-renderer/src/stores/jobs'
import { useProjectsStore } from '../../src-renderer/src/stores/projects'

vi.mock('../../src-renderer/src/api', async () => (await import('./helpers/fake-api')).fakeApiModule())

describe('session', () => {
  beforeEach(() => {
    fake.reset()
    setActivePinia(createPinia())
    fake.api.app.info.mockResolvedValue(appInfo())
    fake.api.settings.get.mockResolvedValue(settings())
    fake.api.projects.recent.mockResolvedValue([])
  })

  it('loads the jobs of the open project, and of the next one when it changes', async () => {
    fake.api.projects.current.mockResolvedValue(projectInfo({ dir: '/a' }))
    fake.api.jobs.list.mockResolvedValueOnce([jobSnapshot({ id: 1 })]).mockResolvedValueOnce([jobSnapshot({ id: 9 })])
    const stop = startSession()
    await flushPromises()
    expect(useJobsStore().jobs.map((j) => j.id)).toEqual([1])
    fake.emit('project.changed', projectInfo({ dir: '/b' }))
    await flushPromises()
    expect(useJobsStore().jobs.map((j) => j.id)).toEqual([9])
    fake.emit('project.changed', null)
    await flushPromises()
    expect(useJobsStore().jobs).toEqual([])
    expect(fake.api.jobs.list).toHaveBeenCalledTimes(2)
    stop()
  })

  it('reloads everything after the connection comes back, and unsubscribes when stopped', async () => {
    fake.api.projects.current.mockResolvedValue(null)
    const stop = startSession()
    await flushPromises()
    expect(fake.api.settings.get).toHaveBeenCalledTimes(1)
    fake.setStatus('connecting')
    fake.setStatus('open')
    await flushPromises()
    expect(fake.api.settings.get).toHaveBeenCalledTimes(1)
    fake.setStatus('closed')
    fake.api.projects.current.mockResolvedValue(projectInfo())
    fake.api.jobs.list.mockResolvedValue([])
    fake.setStatus('open')
    await flushPromises()
    expect(fake.api.settings.get).toHaveBeenCalledTimes(2)
    expect(useProjectsStore().current?.dir).toBe('/data/kakadu')
    expect(fake.api.jobs.list).toHaveBeenCalled()
    stop()
    expect(fake.listenerCount('jobs.updated')).toBe(0)
    expect(fake.listenerCount('project.changed')).toBe(0)
    expect(fake.statusListenerCount()).toBe(0)
  })
})
