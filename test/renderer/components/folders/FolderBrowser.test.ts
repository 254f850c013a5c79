import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import type { DirListing } from '../../../../src-shared/contracts'
import { fake, ApiError } from '../../helpers/fake-api'
import FolderBrowser from '../../../../src-renderer/src/components/folders/FolderBrowser.vue'
import { useFolderPickerStore } from '../../../../src-renderer/src/stores/folder-picker'

vi.mock('../../../../src-renderer/src/api', async () => (await import('../../helpers/fake-api')).fakeApiModule())

// A small server-side tree: /data holds a project, ordinary folders and a hidden one.
const tree: Record<string, DirListing> = {
  '/data': {
    path: '/data',
    parent: '/',
    entries: [
      { name: 'site-B', path: '/data/site-B', isDir: true, isProject: false },
      { name: 'notes.txt', path: '/data/notes.txt', isDir: false, isProject: false },
      { name: 'kakadu', path: '/data/kakadu', isDir: true, isProject: true },
      { name: '.cache', path: '/data/.cache', isDir: true, isProject: false },
      { name: 'site-A', path: '/data/site-A', isDir: true, isProject: false },
      { name: 'site-10', path: '/data/site-10', isDir: true, isProject: false },
      { name: 'site-9', path: '/data/site-9', isDir: true, isProject: false },
    ],
  },
  '/data/site-A': { path: '/data/site-A', parent: '/data', entries: [] },
  '/data/site-B': { path: '/data/site-B', parent: '/data', entries: [] },
  '/': { path: '/', parent: null, entries: [{ name: 'data', path: '/data', isDir: true, isProject: false }] },
}

function serveTree(): void {
  fake.api.system.listDir.mockImplementation(async ({ path }) => {
    const listing = tree[path ?? '/data']
    if (!listing) throw new ApiError('NOT_FOUND', `${path} does not exist`)
    return listing
  })
}

async function mountBrowser(props: InstanceType<typeof FolderBrowser>['$props']) {
  const wrapper = mount(FolderBrowser, { props, attachTo: document.body })
  await flushPromises()
  return wrapper
}

const names = (wrapper: Awaited<ReturnType<typeof mountBrowser>>) => wrapper.findAll('[role="option"]').map((o) => o.find('.entry-name').text())
const lastTarget = (wrapper: Awaited<ReturnType<typeof mountBrowser>>) => wrapper.emitted('update:target')?.at(-1)?.[0]

describe('FolderBrowser', () => {
  beforeEach(() => {
    fake.reset()
    setActivePinia(createPinia())
    serveTree()
  })

  it('lists only folders, in natural order (site-9 before site-10), hiding dot-folders until asked', async () => {
    const wrapper = await mountBrowser({ mode: 'choose', startPath: '/data' })
    expect(fake.api.system.listDir).toHaveBeenCalledWith({ path: '/data' })
    expect(names(wrapper)).toEqual(['kakadu', 'site-9', 'site-10', 'site-A', 'site-B'])
    await wrapper.find('input[type="checkbox"]').setValue(true)
    expect(names(wrapper)).toEqual(['.cache', 'kakadu', 'site-9', 'site-10', 'site-A', 'site-B'])
    wrapper.unmount()
  })

  it('marks project folders', async () => {
    const wrapper = await mountBrowser({ mode: 'open-project', startPath: '/data' })
    const marked = wrapper.findAll('[role="option"]').filter((o) => o.find('.badge').exists())
    expect(marked.map((o) => o.find('.entry-name').text())).toEqual(['kakadu'])
    wrapper.unmount()
  })

  it('shows breadcrumbs that navigate', async () => {
    const wrapper = await mountBrowser({ mode: 'choose', startPath: '/data/site-A' })
    const crumbs = wrapper.findAll('.crumb')
    expect(crumbs.map((c) => c.text())).toEqual(['/', 'data', 'site-A'])
    expect(crumbs[2].attributes('aria-current')).toBe('location')
    await crumbs[0].trigger('click')
    await flushPromises()
    expect(fake.api.system.listDir).toHaveBeenLastCalledWith({ path: '/' })
    expect(names(wrapper)).toEqual(['data'])
    wrapper.unmount()
  })

  it('moves with the arrow keys and enters a folder with Enter', async () => {
    const wrapper = await mountBrowser({ mode: 'choose', startPath: '/data' })
    const list = wrapper.find('[role="listbox"]')
    expect(lastTarget(wrapper)).toBe('/data')
    await list.trigger('keydown', { key: 'End' })
    await list.trigger('keydown', { key: 'ArrowUp' })
    expect(list.attributes('aria-activedescendant')).toBe(wrapper.findAll('[role="option"]')[3].attributes('id'))
    expect(lastTarget(wrapper)).toBe('/data/site-A')
    await list.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(fake.api.system.listDir).toHaveBeenLastCalledWith({ path: '/data/site-A' })
    expect(wrapper.find('.state').text()).toContain('No subfolders here.')
    wrapper.unmount()
  })

  it('goes up with Backspace and keeps the folder it came from highlighted', async () => {
    const wrapper = await mountBrowser({ mode: 'choose', startPath: '/data/site-B' })
    await wrapper.find('[role="listbox"]').trigger('keydown', { key: 'Backspace' })
    await flushPromises()
    expect(fake.api.system.listDir).toHaveBeenLastCalledWith({ path: '/data' })
    const selected = wrapper.findAll('[role="option"]').filter((o) => o.attributes('aria-selected') === 'true')
    expect(selected.map((o) => o.find('.entry-name').text())).toEqual(['site-B'])
    wrapper.unmount()
  })

  it('jumps to a folder by typing the start of its name, cycling on a repeated letter', async () => {
    const wrapper = await mountBrowser({ mode: 'choose', startPath: '/data' })
    const list = wrapper.find('[role="listbox"]')
    // Only the clock is faked, and only forward: Vue drops events stamped before their listener.
    const start = Date.now() + 60_000
    vi.useFakeTimers({ toFake: ['Date'] })
    try {
      vi.setSystemTime(start)
      await list.trigger('keydown', { key: 's' })
      expect(lastTarget(wrapper)).toBe('/data/site-9')
      await list.trigger('keydown', { key: 's' })
      expect(lastTarget(wrapper)).toBe('/data/site-10')
      await list.trigger('keydown', { key: 'k' })
      expect(lastTarget(wrapper)).toBe('/data/site-10')
      // After a pause, typing starts a new search.
      vi.setSystemTime(start + 1000)
      await list.trigger('keydown', { key: 'k' })
      expect(lastTarget(wrapper)).toBe('/data/kakadu')
    } finally {
      vi.useRealTimers()
    }
    wrapper.unmount()
  })

  it('chooses a project directly on Enter when opening a project', async () => {
    const wrapper = await mountBrowser({ mode: 'open-project', startPath: '/data' })
    const list = wrapper.find('[role="listbox"]')
    await list.trigger('keydown', { key: 'Home' })
    await list.trigger('keydown', { key: 'Enter' })
    expect(wrapper.emitted('choose')).toEqual([['/data/kakadu']])
    expect(fake.api.system.listDir).toHaveBeenCalledTimes(1)
    wrapper.unmount()
  })

  it('targets the current folder plus a valid new name in create mode', async () => {
    const wrapper = await mountBrowser({ mode: 'create', startPath: '/data', suggestedName: 'season-2024' })
    expect(lastTarget(wrapper)).toBe('/data/season-2024')
    const name = wrapper.find('input.input:not([aria-label])')
    await name.setValue('bad/name')
    expect(lastTarget(wrapper)).toBeNull()
    expect(wrapper.find('.field-error').text()).toBe('A folder name cannot contain / or \\.')
    await name.setValue('kakadu')
    expect(lastTarget(wrapper)).toBeNull()
    expect(wrapper.find('.field-error').text()).toBe('This folder is already a project: open it instead.')
    await name.setValue('site-A')
    expect(lastTarget(wrapper)).toBe('/data/site-A')
    expect(wrapper.find('.field-hint').text()).toBe('This folder exists; it will be used if it is empty.')
    await name.trigger('keydown', { key: 'Enter' })
    expect(wrapper.emitted('choose')).toEqual([['/data/site-A']])
    wrapper.unmount()
  })

  it('goes to a typed path and reports one it cannot open', async () => {
    const wrapper = await mountBrowser({ mode: 'choose', startPath: '/data' })
    await wrapper.find('button[aria-label="Type a path"]').trigger('click')
    const input = wrapper.find('input[aria-label="Go to folder"]')
    expect((input.element as HTMLInputElement).value).toBe('/data')
    await input.setValue('/missing')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(wrapper.find('[role="alert"]').text()).toBe('Cannot open /missing: /missing does not exist')
    expect(names(wrapper)).toEqual(['kakadu', 'site-9', 'site-10', 'site-A', 'site-B'])
    wrapper.unmount()
  })

  it('remembers where it was for the next dialog', async () => {
    const wrapper = await mountBrowser({ mode: 'choose', startPath: '/data/site-A' })
    expect(useFolderPickerStore().lastPath).toBe('/data/site-A')
    wrapper.unmount()
  })
})
