import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { fake } from '../../helpers/fake-api'
import FolderPickerDialog from '../../../../src-renderer/src/components/folders/FolderPickerDialog.vue'
import { useFolderPickerStore } from '../../../../src-renderer/src/stores/folder-picker'
import { useFolderPicker } from '../../../../src-renderer/src/composables/useFolderPicker'

vi.mock('../../../../src-renderer/src/api', async () => (await import('../../helpers/fake-api')).fakeApiModule())

describe('FolderPickerDialog', () => {
  beforeEach(() => {
    fake.reset()
    setActivePinia(createPinia())
    fake.api.system.listDir.mockResolvedValue({
      path: '/srv/audio',
      parent: '/srv',
      entries: [{ name: 'kakadu', path: '/srv/audio/kakadu', isDir: true, isProject: true }],
    })
  })

  it('answers null when closed with Escape, and hands focus back', async () => {
    const opener = document.createElement('button')
    document.body.append(opener)
    opener.focus()
    const wrapper = mount(FolderPickerDialog, { attachTo: document.body })
    const picker = useFolderPickerStore()
    const answer = picker.pick({ title: 'Open a project', mode: 'open-project' })
    await flushPromises()
    expect(wrapper.find('[role="dialog"]').exists()).toBe(true)
    expect(document.activeElement?.getAttribute('role')).toBe('listbox')
    await wrapper.find('[role="dialog"]').trigger('keydown', { key: 'Escape' })
    await expect(answer).resolves.toBeNull()
    await flushPromises()
    expect(wrapper.find('[role="dialog"]').exists()).toBe(false)
    expect(document.activeElement).toBe(opener)
    wrapper.unmount()
    opener.remove()
  })

  it('answers the project double-clicked in open-project mode', async () => {
    const wrapper = mount(FolderPickerDialog, { attachTo: document.body })
    const answer = useFolderPickerStore().pick({ title: 'Open a project', mode: 'open-project' })
    await flushPromises()
    await wrapper.find('[role="option"]').trigger('dblclick')
    await expect(answer).resolves.toBe('/srv/audio/kakadu')
    wrapper.unmount()
  })

  it('opens the next dialog where the last one left off', async () => {
    const wrapper = mount(FolderPickerDialog, { attachTo: document.body })
    const pickFolder = useFolderPicker()
    const first = pickFolder({ title: 'Choose', mode: 'choose', startPath: '/srv/audio' })
    await flushPromises()
    await wrapper.findAll('button').find((b) => b.text() === 'Choose folder')?.trigger('click')
    await expect(first).resolves.toBe('/srv/audio')
    void pickFolder({ title: 'Choose again', mode: 'choose' })
    await flushPromises()
    expect(fake.api.system.listDir).toHaveBeenLastCalledWith({ path: '/srv/audio' })
    useFolderPickerStore().settle(null)
    wrapper.unmount()
  })
})
