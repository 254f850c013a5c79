import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { fake, ApiError } from '../helpers/fake-api'
import { deferred, projectInfo, recentProject } from '../helpers/fixtures'
import { useProjectsStore } from '../../../src-renderer/src/stores/projects'

vi.mock('../../../src-renderer/src/api', async () => (await import('../helpers/fake-api')).fakeApiModule())

describe('projects store', () => {
  beforeEach(() => {
    fake.reset()
    setActivePinia(createPinia())
  })

  it('loads the open project and the recent list once, however many callers wait for it', async () => {
    fake.api.projects.current.mockResolvedValue(projectInfo())
    fake.api.projects.recent.mockResolvedValue([recentProject()])
    const store = useProjectsStore()
    await Promise.all([store.ensureLoaded(), store.ensureLoaded()])
    await store.ensureLoaded()
    expect(fake.api.projects.current).toHaveBeenCalledTimes(1)
    expect(store.current?.name).toBe('Kakadu 2024')
    expect(store.recent.map((r) => r.dir)).toEqual(['/data/kakadu'])
  })

  it('tries the first load again after it failed', async () => {
    fake.api.projects.current.mockRejectedValueOnce(new ApiError('INTERNAL', 'connection lost')).mockResolvedValue(null)
    fake.api.projects.recent.mockResolvedValue([])
    const store = useProjectsStore()
    await expect(store.ensureLoaded()).rejects.toThrow('connection lost')
    await store.ensureLoaded()
    expect(fake.api.projects.current).toHaveBeenCalledTimes(2)
    expect(store.current).toBeNull()
  })

  it('creates a project, makes it current and refreshes the recent list', async () => {
    const created = projectInfo({ dir: '/data/new', name: 'New' })
    fake.api.projects.create.mockResolvedValue(created)
    fake.api.projects.recent.mockResolvedValue([recentProject({ dir: '/data/new', name: 'New' })])
    const store = useProjectsStore()
    const result = await store.create('/data/new', 'New')
    expect(fake.api.projects.create).toHaveBeenCalledWith({ dir: '/data/new', name: 'New' })
    expect(result).toEqual(created)
    expect(store.current).toEqual(created)
    expect(store.recent[0].dir).toBe('/data/new')
    expect(store.busy).toBe(false)
  })

  it('is busy while opening and not after a refusal', async () => {
    const answer = deferred<ReturnType<typeof projectInfo>>()
    fake.api.projects.open.mockReturnValue(answer.promise)
    const store = useProjectsStore()
    const opening = store.open('/nope')
    expect(store.busy).toBe(true)
    answer.reject(new ApiError('PROJECT_NOT_FOUND', '/nope is not a project'))
    await expect(opening).rejects.toMatchObject({ code: 'PROJECT_NOT_FOUND' })
    expect(store.busy).toBe(false)
    expect(store.current).toBeNull()
  })

  it('forgets a recent project at once and puts it back in its place when the main process refuses', async () => {
    const store = useProjectsStore()
    store.recent = [recentProject({ dir: '/a', name: 'A' }), recentProject({ dir: '/b', name: 'B' }), recentProject({ dir: '/c', name: 'C' })]
    const answer = deferred<null>()
    fake.api.projects.forgetRecent.mockReturnValue(answer.promise)
    const forgetting = store.forget('/b')
    expect(store.recent.map((r) => r.dir)).toEqual(['/a', '/c'])
    answer.reject(new ApiError('INTERNAL', 'disk full'))
    await expect(forgetting).rejects.toThrow('disk full')
    expect(store.recent.map((r) => r.dir)).toEqual(['/a', '/b', '/c'])
  })

  it('keeps a forgotten project out of the list when the main process agrees', async () => {
    const store = useProjectsStore()
    store.recent = [recentProject({ dir: '/a' }), recentProject({ dir: '/b' })]
    fake.api.projects.forgetRecent.mockResolvedValue(null)
    await store.forget('/a')
    expect(fake.api.projects.forgetRecent).toHaveBeenCalledWith({ dir: '/a' })
    expect(store.recent.map((r) => r.dir)).toEqual(['/b'])
  })

  it('follows project.changed events and stops listening when stopped', async () => {
    fake.api.projects.recent.mockResolvedValue([recentProject({ dir: '/other' })])
    const store = useProjectsStore()
    store.listen()
    store.listen()
    expect(fake.listenerCount('project.changed')).toBe(1)
    fake.emit('project.changed', projectInfo({ dir: '/other', name: 'Other' }))
    expect(store.current?.name).toBe('Other')
    await vi.waitFor(() => expect(store.recent[0]?.dir).toBe('/other'))
    fake.emit('project.changed', null)
    expect(store.current).toBeNull()
    store.stop()
    expect(fake.listenerCount('project.changed')).toBe(0)
  })

  it('updates counts from project.changed without reloading the recent list', () => {
    const store = useProjectsStore()
    store.current = projectInfo()
    store.listen()
    fake.emit('project.changed', projectInfo({ counts: { recordings: 5, annotations: 0, detections: 0, models: 0, jobs: 9 } }))
    expect(store.current?.counts.jobs).toBe(9)
    expect(fake.api.projects.recent).not.toHaveBeenCalled()
  })

  it('closes the project', async () => {
    fake.api.projects.close.mockResolvedValue(null)
    const store = useProjectsStore()
    store.current = projectInfo()
    await store.close()
    expect(store.current).toBeNull()
    expect(store.isOpen).toBe(false)
  })
})
