import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import type { Annotation } from '../../../src-shared/contracts'
import { fake } from '../helpers/fake-api'
import { projectInfo } from '../helpers/fixtures'
import { mountAt } from '../helpers/mount-app'
import { created, resetFakeWaveSurfer } from '../audio/fake-wavesurfer'
import { annotation, label, labelSet, recordingDetail } from './season-fixtures'
import { stubMediaFetch } from './media-stub'
import { useAnnotationsStore } from '../../../src-renderer/src/stores/annotations'

vi.mock('../../../src-renderer/src/api', async () => (await import('../helpers/fake-api')).fakeApiModule())
vi.mock('wavesurfer.js', async () => (await import('../audio/fake-wavesurfer')).wavesurferModule())
vi.mock('wavesurfer.js/dist/plugins/minimap.esm.js', async () => (await import('../audio/fake-wavesurfer')).minimapModule())

function press(key: string, mods: Partial<{ ctrlKey: boolean; shiftKey: boolean }> = {}): void {
  window.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true, ...mods }))
}

function server(initial: Annotation[]) {
  const rows = new Map(initial.map((a) => [a.id, a]))
  let next = 100
  fake.api.annotations.list.mockImplementation(async () => [...rows.values()])
  fake.api.annotations.update.mockImplementation(async ({ id, patch }) => {
    const a = { ...rows.get(id)!, ...patch }
    rows.set(id, a)
    return a
  })
  fake.api.annotations.delete.mockImplementation(async ({ id }) => {
    const a = rows.get(id)!
    rows.delete(id)
    return a
  })
  fake.api.annotations.restore.mockImplementation(async ({ annotation: a }) => {
    const back = { ...a, id: next++ }
    rows.set(back.id, back)
    return back
  })
  fake.api.annotations.create.mockImplementation(async (req) => {
    const a = annotation({ ...req, id: next++, lowHz: req.lowHz ?? null, highHz: req.highHz ?? null })
    rows.set(a.id, a)
    return a
  })
  return rows
}

async function mountAnnotate() {
  const mounted = await mountAt('/annotate?recording=12')
  await vi.waitFor(() => expect(mounted.wrapper.findAll('[data-annotation-id]')).toHaveLength(2))
  await flushPromises()
  return mounted
}

describe('Annotate view', () => {
  beforeEach(() => {
    fake.reset()
    resetFakeWaveSurfer()
    stubMediaFetch()
    fake.api.projects.current.mockResolvedValue(projectInfo())
    fake.api.projects.recent.mockResolvedValue([])
    fake.api.recordings.get.mockResolvedValue(recordingDetail({ id: 12 }))
    fake.api.labels.sets.mockResolvedValue([labelSet({ labels: [label(), label({ id: 4, code: 'ERIRUB', scientificName: 'Erithacus rubecula', commonName: 'European robin' })] })])
  })
  afterEach(() => vi.unstubAllGlobals())

  it('walks the annotations with Tab, deletes with Delete and brings it back with Ctrl+Z', async () => {
    const rows = server([annotation({ id: 1, startS: 10, endS: 11 }), annotation({ id: 2, startS: 2, endS: 3, labelId: 4 })])
    const { wrapper } = await mountAnnotate()
    press('Tab')
    await flushPromises()
    expect(wrapper.find('[data-annotation-id][aria-selected="true"]').attributes('data-annotation-id')).toBe('2')
    press('Tab')
    await flushPromises()
    expect(wrapper.find('[data-annotation-id][aria-selected="true"]').attributes('data-annotation-id')).toBe('1')
    press('Delete')
    await flushPromises()
    expect(wrapper.findAll('[data-annotation-id]')).toHaveLength(1)
    expect(rows.has(1)).toBe(false)
    expect(wrapper.find('[data-testid="save-state"]').text()).toContain('Ctrl+Z brings it back')
    press('z', { ctrlKey: true })
    await flushPromises()
    await useAnnotationsStore().settled()
    await flushPromises()
    expect(wrapper.findAll('[data-annotation-id]')).toHaveLength(2)
    expect(fake.api.annotations.restore).toHaveBeenCalledTimes(1)
    expect([...rows.keys()].sort()).toEqual([100, 2])
    press('Z', { ctrlKey: true, shiftKey: true })
    await useAnnotationsStore().settled()
    await flushPromises()
    expect([...rows.keys()]).toEqual([2])
    wrapper.unmount()
  })

  it('relabels the selected annotation from the keyboard picker (L, type, Enter)', async () => {
    const rows = server([annotation({ id: 1, startS: 10, endS: 11, labelId: 3 }), annotation({ id: 2, startS: 2, endS: 3, labelId: 3 })])
    const { wrapper } = await mountAnnotate()
    press(']')
    press('l')
    await flushPromises()
    const input = wrapper.find('input[role="combobox"]')
    expect(wrapper.find('[role="dialog"] h2').text()).toBe('Change the label')
    await input.setValue('robin')
    await input.trigger('keydown', { key: 'Enter' })
    await useAnnotationsStore().settled()
    await flushPromises()
    expect(fake.api.annotations.update).toHaveBeenCalledWith({ id: 2, patch: { labelId: 4 } })
    expect(rows.get(2)?.labelId).toBe(4)
    expect(wrapper.find('[role="dialog"]').exists()).toBe(false)
    wrapper.unmount()
  })

  it('opens the shortcut help with ? and lists every shortcut', async () => {
    server([annotation({ id: 1 }), annotation({ id: 2, startS: 5, endS: 6 })])
    const { wrapper } = await mountAnnotate()
    press('?', { shiftKey: true })
    await flushPromises()
    expect(wrapper.find('[role="dialog"] h2').text()).toBe('Keyboard shortcuts')
    expect(wrapper.findAll('[data-action]').length).toBe(21)
    wrapper.unmount()
  })

  it('asks the main process for peaks and spectrogram of the recording (never the whole audio), and cleans up on leaving', async () => {
    server([annotation({ id: 1 }), annotation({ id: 2, startS: 5, endS: 6 })])
    const { requests } = stubMediaFetch()
    const { wrapper } = await mountAnnotate()
    await vi.waitFor(() => expect(created.length).toBe(1))
    expect(requests).toEqual(expect.arrayContaining(['/media/recordings/12/peaks', '/media/recordings/12/spectrogram/512']))
    expect(requests.some((r) => r.endsWith('/audio'))).toBe(false)
    expect(created[0].options.url).toBe('/media/recordings/12/audio')
    wrapper.unmount()
    expect(created[0].destroyed).toBe(true)
    // Shortcuts stop with the view.
    press('Delete')
    await flushPromises()
    expect(fake.api.annotations.delete).not.toHaveBeenCalled()
  })

  it('tells what to do when no recording is chosen', async () => {
    fake.api.recordings.list.mockResolvedValue({ total: 1, items: [] })
    const { wrapper } = await mountAt('/annotate')
    await flushPromises()
    expect(wrapper.text()).toContain('Pick a recording to annotate')
    expect(wrapper.findAll('a').some((a) => a.attributes('href')?.endsWith('/recordings'))).toBe(true)
    wrapper.unmount()
  })
})
