import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { createMemoryHistory } from 'vue-router'
import { fake, ApiError } from '../helpers/fake-api'
import { projectInfo } from '../helpers/fixtures'
import { createAppRouter } from '../../../src-renderer/src/router'

vi.mock('../../../src-renderer/src/api', async () => (await import('../helpers/fake-api')).fakeApiModule())

describe('route guard', () => {
  beforeEach(() => {
    fake.reset()
    setActivePinia(createPinia())
    fake.api.projects.recent.mockResolvedValue([])
  })

  it('sends views that need a project to Projects, saying which view and where to return', async () => {
    fake.api.projects.current.mockResolvedValue(null)
    const router = createAppRouter(createMemoryHistory())
    await router.push('/jobs')
    expect(router.currentRoute.value.name).toBe('projects')
    expect(router.currentRoute.value.query).toEqual({ need: 'Jobs', redirect: '/jobs' })
  })

  it('lets views through when a project is open', async () => {
    fake.api.projects.current.mockResolvedValue(projectInfo())
    const router = createAppRouter(createMemoryHistory())
    await router.push('/detections')
    expect(router.currentRoute.value.name).toBe('detections')
  })

  it('never blocks Projects or Settings, and asks the main process nothing for them', async () => {
    const router = createAppRouter(createMemoryHistory())
    await router.push('/settings')
    expect(router.currentRoute.value.name).toBe('settings')
    await router.push('/projects')
    expect(router.currentRoute.value.name).toBe('projects')
    expect(fake.api.projects.current).not.toHaveBeenCalled()
  })

  it('falls back to Projects when the main process cannot be reached', async () => {
    fake.api.projects.current.mockRejectedValue(new ApiError('INTERNAL', 'connection lost'))
    const router = createAppRouter(createMemoryHistory())
    await router.push('/models')
    expect(router.currentRoute.value.name).toBe('projects')
  })

  it('sends unknown paths to Projects and titles the document after the view', async () => {
    const router = createAppRouter(createMemoryHistory())
    await router.push('/no/such/view')
    expect(router.currentRoute.value.name).toBe('projects')
    expect(document.title).toBe('Projects · OpenBEATs Studio')
  })
})
