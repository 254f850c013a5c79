import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import type { DirListing } from '../../../src-shared/contracts'
import { fake, ApiError } from '../helpers/fake-api'
import { appInfo, projectInfo, recentProject } from '../helpers/fixtures'
import { mountAt } from '../helpers/mount-app'
import { useAppStore } from '../../../src-renderer/src/stores/app'
import { useProjectsStore } from '../../../src-renderer/src/stores/projects'

vi.mock('../../../src-renderer/src/api', async () => (await import('../helpers/fake-api')).fakeApiModule())

const home: DirListing = {
  path: '/home/ana',
  parent: '/home',
  entries: [
    { name: 'field', path: '/home/ana/field', isDir: true, isProject: false },
    { name: 'old-season', path: '/home/ana/old-season', isDir: true, isProject: true },
  ],
}

describe('Projects view', () => {
  beforeEach(() => {
    fake.reset()
    fake.api.projects.current.mockResolvedValue(null)
    fake.api.projects.recent.mockResolvedValue([])
    fake.api.system.listDir.mockResolvedValue(home)
  })

  it('creates a project in a folder chosen with the server-side folder browser, then returns to the view that asked', async () => {
    const { wrapper, router } = await mountAt('/jobs')
    await useProjectsStore().ensureLoaded()
    expect(router.currentRoute.value.fullPath).toBe('/projects?need=Jobs&redirect=/jobs')
    expect(wrapper.find('[data-testid="needs-project"]').text()).toContain('Jobs works inside a project.')

    await wrapper.find('input[placeholder^="e.g."]').setValue('Field season 2024')
    const browse = wrapper.findAll('button').find((b) => b.text() === 'Browse…')
    await browse?.trigger('click')
    await flushPromises()
    expect(fake.api.system.pickFolder).not.toHaveBeenCalled()
    const dialog = wrapper.find('[role="dialog"]')
    expect(dialog.find('h2').text()).toBe('Where should the project folder be created?')
    expect(dialog.find('[data-testid="folder-target"]').text()).toBe('/home/ana/field-season-2024')

    fake.api.projects.create.mockResolvedValue(projectInfo({ dir: '/home/ana/field-season-2024', name: 'Field season 2024' }))
    fake.api.projects.recent.mockResolvedValue([recentProject({ dir: '/home/ana/field-season-2024', name: 'Field season 2024' })])
    await dialog.findAll('button').find((b) => b.text() === 'Use this folder')?.trigger('click')
    await flushPromises()
    expect(wrapper.find('[role="dialog"]').exists()).toBe(false)
    expect((wrapper.find('input.mono').element as HTMLInputElement).value).toBe('/home/ana/field-season-2024')

    fake.api.jobs.list.mockResolvedValue([])
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(fake.api.projects.create).toHaveBeenCalledWith({ dir: '/home/ana/field-season-2024', name: 'Field season 2024' })
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/jobs'), { timeout: 10_000 })
    wrapper.unmount()
  })

  it('uses the native dialog when the shell has one', async () => {
    const { wrapper } = await mountAt('/projects')
    useAppStore().info = appInfo({ shell: 'electron', capabilities: { nativeDialogs: true } })
    fake.api.system.pickFolder.mockResolvedValue('/Users/ana/Seasons/kakadu')
    fake.api.projects.open.mockResolvedValue(projectInfo({ dir: '/Users/ana/Seasons/kakadu' }))
    await wrapper.findAll('button').find((b) => b.text() === 'Open a project…')?.trigger('click')
    await flushPromises()
    expect(fake.api.system.pickFolder).toHaveBeenCalledWith({ title: 'Open a project', defaultPath: undefined })
    expect(fake.api.system.listDir).not.toHaveBeenCalled()
    expect(fake.api.projects.open).toHaveBeenCalledWith({ dir: '/Users/ana/Seasons/kakadu' })
    expect(wrapper.find('[data-testid="current-project"] h2').text()).toBe('Kakadu 2024')
    wrapper.unmount()
  })

  it('shows why opening failed, with the error code', async () => {
    const { wrapper } = await mountAt('/projects')
    fake.api.projects.open.mockRejectedValue(new ApiError('PROJECT_NOT_FOUND', '/home/ana/field has no project.sqlite'))
    await wrapper.findAll('button').find((b) => b.text() === 'Open a project…')?.trigger('click')
    await flushPromises()
    const dialog = wrapper.find('[role="dialog"]')
    await dialog.findAll('[role="option"]')[0].trigger('click')
    await dialog.findAll('button').find((b) => b.text() === 'Open project')?.trigger('click')
    await flushPromises()
    expect(fake.api.projects.open).toHaveBeenCalledWith({ dir: '/home/ana/field' })
    const toast = wrapper.find('[role="alert"]')
    expect(toast.text()).toContain('Could not open the project')
    expect(toast.find('code').text()).toBe('PROJECT_NOT_FOUND')
    expect(toast.text()).toContain('/home/ana/field has no project.sqlite')
    wrapper.unmount()
  })

  it('greys out missing recent projects and lets them be forgotten', async () => {
    fake.api.projects.recent.mockResolvedValue([
      recentProject({ dir: '/a', name: 'Alpha' }),
      recentProject({ dir: '/gone', name: 'Gone', exists: false }),
    ])
    const { wrapper } = await mountAt('/projects')
    await useProjectsStore().ensureLoaded()
    await flushPromises()
    const rows = wrapper.findAll('[data-testid="recent-projects"] tbody tr')
    expect(rows.map((r) => r.classes('missing'))).toEqual([false, true])
    expect(rows[1].text()).toContain('Folder missing')
    expect(rows[1].find('button[aria-label="Open Gone"]').attributes('disabled')).toBeDefined()
    fake.api.projects.forgetRecent.mockResolvedValue(null)
    await rows[1].find('button[aria-label="Forget Gone"]').trigger('click')
    await flushPromises()
    expect(fake.api.projects.forgetRecent).toHaveBeenCalledWith({ dir: '/gone' })
    expect(wrapper.findAll('[data-testid="recent-projects"] tbody tr')).toHaveLength(1)
    wrapper.unmount()
  })

  it('shows the open project with its counts and closes it', async () => {
    fake.api.projects.current.mockResolvedValue(projectInfo())
    const { wrapper } = await mountAt('/projects')
    await useProjectsStore().ensureLoaded()
    await flushPromises()
    const card = wrapper.find('[data-testid="current-project"]')
    expect(card.findAll('dd').map((d) => d.text())).toEqual([new Intl.NumberFormat().format(1284), '12', '0', '1', '3'])
    fake.api.projects.close.mockResolvedValue(null)
    await card.findAll('button').find((b) => b.text() === 'Close project')?.trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid="current-project"]').exists()).toBe(false)
    wrapper.unmount()
  })
})
