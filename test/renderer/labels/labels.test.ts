import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import { flushPromises } from '@vue/test-utils'
import { fake, ApiError } from '../helpers/fake-api'
import { projectInfo } from '../helpers/fixtures'
import { mountAt } from '../helpers/mount-app'
import { label, labelSet } from '../annotate/season-fixtures'
import { useLabelsStore } from '../../../src-renderer/src/stores/labels'

vi.mock('../../../src-renderer/src/api', async () => (await import('../helpers/fake-api')).fakeApiModule())

describe('labels store', () => {
  beforeEach(() => {
    fake.reset()
    setActivePinia(createPinia())
  })

  it('renames at once and puts the old name back when refused', async () => {
    fake.api.labels.sets.mockResolvedValue([labelSet()])
    const store = useLabelsStore()
    await store.load()
    fake.api.labels.updateSet.mockRejectedValueOnce(new ApiError('INVALID_REQUEST', 'a set named "Bats" exists'))
    const renaming = store.renameSet(1, 'Bats')
    expect(store.sets[0].name).toBe('Bats')
    await expect(renaming).rejects.toThrow('a set named "Bats" exists')
    expect(store.sets[0].name).toBe('Garden birds')
  })

  it('offers every label of every set to the picker, with its set, most recently used first', async () => {
    fake.api.labels.sets.mockResolvedValue([labelSet(), labelSet({ id: 2, name: 'Bats', labels: [label({ id: 8, labelSetId: 2, code: 'PIPPIP' })] })])
    const store = useLabelsStore()
    await store.load()
    expect(store.allLabels.map((l) => [l.code, l.setName])).toEqual([['TURMER', 'Garden birds'], ['PIPPIP', 'Bats']])
    store.markUsed(8)
    store.markUsed(3)
    store.markUsed(8)
    expect(store.recentIds).toEqual([8, 3])
    fake.api.labels.deleteLabel.mockResolvedValue(null)
    await store.deleteLabel(8)
    expect(store.recentIds).toEqual([3])
    expect(store.labelById.has(8)).toBe(false)
  })
})

describe('Label sets view', () => {
  beforeEach(() => {
    fake.reset()
    fake.api.projects.current.mockResolvedValue(projectInfo())
    fake.api.projects.recent.mockResolvedValue([])
  })

  it('imports a species CSV chosen in a file input and shows what it did', async () => {
    fake.api.labels.sets.mockResolvedValueOnce([labelSet({ labels: [] })]).mockResolvedValue([labelSet({ labels: [label(), label({ id: 4, code: 'ERIRUB' })] })])
    fake.api.labels.importCsv.mockResolvedValue({ added: 2, updated: 0, skipped: 1, warnings: ['species.csv line 4: no name, skipped'] })
    const { wrapper } = await mountAt('/labels')
    await flushPromises()
    const input = wrapper.find<HTMLInputElement>('[data-testid="species-csv-input"]')
    const file = new File(['code,scientific name,common name\nTURMER,Turdus merula,Blackbird\nERIRUB,Erithacus rubecula,Robin\nXXX,,\n'], 'species.csv', { type: 'text/csv' })
    Object.defineProperty(input.element, 'files', { value: [file] })
    await input.trigger('change')
    await vi.waitFor(() => expect(wrapper.find('[data-testid="import-report"]').exists()).toBe(true))
    expect(fake.api.labels.importCsv).toHaveBeenCalledWith({ labelSetId: 1, fileName: 'species.csv', text: expect.stringContaining('TURMER,Turdus merula,Blackbird') })
    expect(wrapper.find('[data-testid="import-report"]').text()).toContain('2 added, 0 updated, 1 skipped')
    expect(wrapper.find('[data-testid="import-report"]').text()).toContain('line 4: no name')
    expect(wrapper.findAll('[data-label-id]')).toHaveLength(2)
    wrapper.unmount()
  })

  it('adds a label from the last row and shows a refusal to delete one in use', async () => {
    fake.api.labels.sets.mockResolvedValue([labelSet()])
    fake.api.labels.upsertLabel.mockResolvedValue(label({ id: 9, code: 'FRICOE', scientificName: 'Fringilla coelebs', commonName: null }))
    fake.api.labels.deleteLabel.mockRejectedValue(new ApiError('LABEL_IN_USE', 'TURMER is used by 12 annotations'))
    const { wrapper } = await mountAt('/labels')
    await flushPromises()
    await wrapper.find('input[aria-label="New label code"]').setValue('FRICOE')
    await wrapper.find('input[aria-label="New label scientific name"]').setValue('Fringilla coelebs')
    await wrapper.find('input[aria-label="New label code"]').trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(fake.api.labels.upsertLabel).toHaveBeenCalledWith(expect.objectContaining({ labelSetId: 1, code: 'FRICOE', scientificName: 'Fringilla coelebs', commonName: null }))
    expect(wrapper.findAll('[data-label-id]')).toHaveLength(2)
    await wrapper.find('button[aria-label="Delete TURMER"]').trigger('click')
    await flushPromises()
    expect(wrapper.text()).toContain('TURMER is used by 12 annotations')
    expect(wrapper.findAll('[data-label-id]')).toHaveLength(2)
    wrapper.unmount()
  })

  it('tells a new user what a label set is and how to make one', async () => {
    fake.api.labels.sets.mockResolvedValue([])
    const { wrapper } = await mountAt('/labels')
    await flushPromises()
    expect(wrapper.text()).toContain('No label sets yet')
    fake.api.labels.createSet.mockResolvedValue(labelSet({ id: 5, name: 'Night calls', labels: [] }))
    await wrapper.findAll('button').find((b) => b.text() === 'New label set')!.trigger('click')
    await wrapper.find('input[aria-label="Name of the new label set"]').setValue('Night calls')
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    expect(fake.api.labels.createSet).toHaveBeenCalledWith({ name: 'Night calls' })
    expect(wrapper.find('.detail h2').text()).toBe('Night calls')
    wrapper.unmount()
  })
})
