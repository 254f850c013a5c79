// The path field with a folder step that the checkpoint and package import dialogs share.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { defineComponent, h, ref } from 'vue'
import { FileArchive } from '@lucide/vue'
import { fake, ApiError } from '../../helpers/fake-api'
import FileInFolderField from '../../../../src-renderer/src/components/folders/FileInFolderField.vue'
import ImportModelDialog from '../../../../src-renderer/src/components/models/ImportModelDialog.vue'

vi.mock('../../../../src-renderer/src/api', async () => (await import('../../helpers/fake-api')).fakeApiModule())
const pickFolder = vi.fn<(request: { title: string; mode: string }) => Promise<string | null>>()
vi.mock('../../../../src-renderer/src/composables/useFolderPicker', () => ({ useFolderPicker: () => pickFolder }))

function listing(names: string[]) {
  return { path: '/data/shared', parent: '/data', entries: [{ name: 'old', path: '/data/shared/old', isDir: true, isProject: false }, ...names.map((name) => ({ name, path: `/data/shared/${name}`, isDir: false, isProject: false }))] }
}

function mountField() {
  const path = ref('')
  const problems: Array<string | null> = []
  const wrapper = mount(
    defineComponent({
      setup: () => () =>
        h(FileInFolderField, {
          modelValue: path.value,
          'onUpdate:modelValue': (v: string) => (path.value = v),
          onProblem: (m: string | null) => problems.push(m),
          label: 'Package file',
          placeholder: '/data/x.zip',
          pattern: /\.zip$/i,
          fileIcon: FileArchive,
          pickerTitle: 'Choose the folder with the package',
          listHeading: 'Packages in',
          emptyText: 'No .zip file in this folder.',
        }),
    }),
  )
  return { wrapper, path, problems }
}

describe('FileInFolderField', () => {
  beforeEach(() => {
    fake.reset()
    pickFolder.mockReset()
    setActivePinia(createPinia())
  })

  it('lists only the matching files of the chosen folder and takes the one clicked', async () => {
    pickFolder.mockResolvedValue('/data/shared')
    fake.api.system.listDir.mockResolvedValue(listing(['a.zip', 'notes.txt', 'B.ZIP']))
    const { wrapper, path } = mountField()
    await wrapper.find('button').trigger('click')
    await flushPromises()
    expect(pickFolder).toHaveBeenCalledWith({ title: 'Choose the folder with the package', mode: 'choose' })
    expect(fake.api.system.listDir).toHaveBeenCalledWith({ path: '/data/shared', showFiles: true })
    expect(wrapper.find('.files-head').text()).toBe('Packages in /data/shared')
    expect(wrapper.findAll('.file').map((b) => b.text())).toEqual(['a.zip', 'B.ZIP'])
    expect(path.value).toBe('')
    await wrapper.findAll('.file')[1].trigger('click')
    expect(path.value).toBe('/data/shared/B.ZIP')
    expect(wrapper.find('.file.chosen').text()).toBe('B.ZIP')
    expect((wrapper.find('input').element as HTMLInputElement).value).toBe('/data/shared/B.ZIP')
  })

  it('takes the only matching file at once, and says when a folder has none', async () => {
    pickFolder.mockResolvedValue('/data/shared')
    fake.api.system.listDir.mockResolvedValueOnce(listing(['only.zip', 'readme.md'])).mockResolvedValueOnce(listing(['readme.md']))
    const { wrapper, path } = mountField()
    await wrapper.find('button').trigger('click')
    await flushPromises()
    expect(path.value).toBe('/data/shared/only.zip')
    await wrapper.find('button').trigger('click')
    await flushPromises()
    expect(wrapper.findAll('.file')).toHaveLength(0)
    expect(wrapper.find('.none').text()).toBe('No .zip file in this folder.')
  })

  it('reports a folder that cannot be listed, and clears the report on the next try', async () => {
    pickFolder.mockResolvedValue('/root')
    fake.api.system.listDir.mockRejectedValue(new ApiError('FORBIDDEN_PATH', 'Cannot read /root: permission denied'))
    const { wrapper, problems } = mountField()
    await wrapper.find('button').trigger('click')
    await flushPromises()
    expect(problems).toEqual([null, 'Cannot read /root: permission denied'])
    expect(wrapper.find('.files').exists()).toBe(false)
  })

  it('does nothing when the folder picker is cancelled', async () => {
    pickFolder.mockResolvedValue(null)
    const { wrapper } = mountField()
    await wrapper.find('button').trigger('click')
    await flushPromises()
    expect(fake.api.system.listDir).not.toHaveBeenCalled()
    expect(wrapper.find('.files').exists()).toBe(false)
  })

  it('gives the checkpoint import dialog a checkpoint picked in a folder', async () => {
    pickFolder.mockResolvedValue('/data/shared')
    fake.api.system.listDir.mockResolvedValue(listing(['OpenBEATs-Base-i3.pt', 'cfg.yaml']))
    const wrapper = mount(ImportModelDialog)
    const field = () => wrapper.findComponent(FileInFolderField)
    expect(field().find('label').text()).toBe('Checkpoint file')
    expect(field().find('.field-hint').text()).toBe('Choose the folder that holds it, then the file; or paste the full path.')
    await field().find('button').trigger('click')
    await flushPromises()
    expect(field().find('.files-head').text()).toBe('Checkpoints in /data/shared')
    await wrapper.find('.dialog-footer .btn-primary').trigger('click')
    expect(wrapper.emitted('start')).toEqual([[{ type: 'model-import', checkpointPath: '/data/shared/OpenBEATs-Base-i3.pt' }]])
    wrapper.unmount()
  })
})
