import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { fake, ApiError } from '../helpers/fake-api'
import { projectInfo } from '../helpers/fixtures'
import { mountAt } from '../helpers/mount-app'
import { useDetectionsStore } from '../../../src-renderer/src/stores/detections'
import { detectionRow, facets, listAnswer } from './fixtures'

vi.mock('../../../src-renderer/src/api', async () => (await import('../helpers/fake-api')).fakeApiModule())

function press(key: string, target: EventTarget = window): void {
  target.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }))
}

async function mountReview(total = 40) {
  fake.api.detections.list.mockImplementation(listAnswer(total))
  fake.api.detections.facets.mockResolvedValue(facets(total))
  const mounted = await mountAt('/detections')
  await vi.waitFor(() => expect(mounted.wrapper.findAll('[data-detection-id]').length).toBeGreaterThan(5), { timeout: 10_000 })
  return mounted
}

describe('Detections view', () => {
  beforeEach(() => {
    fake.reset()
    fake.api.projects.current.mockResolvedValue(projectInfo({ dir: `/data/p-${Math.random()}` }))
    fake.api.projects.recent.mockResolvedValue([])
    fake.api.jobs.list.mockResolvedValue([])
    // No media in these tests: the preview says the recording cannot be opened.
    fake.api.recordings.get.mockRejectedValue(new ApiError('NOT_FOUND', 'no such recording'))
    fake.api.detections.histogram.mockImplementation(async ({ labelId }) => ({
      labelId,
      total: 10,
      bins: Array.from({ length: 50 }, (_, i) => ({ from: i / 50, to: (i + 1) / 50, count: i >= 40 ? 1 : 0 })),
    }))
    fake.api.detections.countAbove.mockImplementation(async ({ threshold }) => ({ count: Math.round((1 - threshold) * 20), total: 10 }))
    fake.api.labels.sets.mockResolvedValue([
      {
        id: 1,
        name: 'Marsh birds',
        description: null,
        createdAt: '2025-11-01T00:00:00.000Z',
        labels: [
          { id: 1, labelSetId: 1, code: 'REEWAR', scientificName: 'Acrocephalus scirpaceus', commonName: 'Eurasian reed warbler', color: null, sortOrder: 0 },
          { id: 2, labelSetId: 1, code: 'SEDWAR', scientificName: 'Acrocephalus schoenobaenus', commonName: 'Sedge warbler', color: null, sortOrder: 1 },
          { id: 3, labelSetId: 1, code: 'WATRAI', scientificName: 'Rallus aquaticus', commonName: 'Water rail', color: null, sortOrder: 2 },
        ],
      },
    ])
  })

  it('tells a new user where detections come from when there are none', async () => {
    fake.api.detections.facets.mockResolvedValue(facets(0, { labels: [], models: [], sites: [] }))
    fake.api.detections.list.mockImplementation(listAnswer(0))
    const { wrapper } = await mountAt('/detections')
    await vi.waitFor(() => expect(wrapper.text()).toContain('No detections yet'))
    expect(wrapper.text()).toContain('start an analysis from the Models page')
    wrapper.unmount()
  })

  it('reviews by keyboard: each decision is stored and moves to the next row; S skips; 0 undoes', async () => {
    fake.api.detections.review.mockImplementation(async ({ id, state, labelId }) => detectionRow(id - 1, { reviewState: state, ...(labelId ? { labelId } : {}) }))
    const { wrapper } = await mountReview()
    const store = useDetectionsStore()

    press('ArrowDown')
    await flushPromises()
    expect(store.selectedIndex).toBe(0)
    expect(wrapper.find('[data-testid="detection-preview"]').text()).toContain('REEWAR')

    for (const key of ['c', 'x', 'u', 's', 'y', 'n']) {
      press(key)
      await flushPromises()
    }
    expect(fake.api.detections.review.mock.calls.map(([r]) => r)).toEqual([
      { id: 1, state: 'confirmed' },
      { id: 2, state: 'rejected' },
      { id: 3, state: 'uncertain' },
      { id: 5, state: 'confirmed' },
      { id: 6, state: 'rejected' },
    ])
    expect(store.selectedIndex).toBe(6)
    expect(wrapper.find('[data-index="1"]').text()).toContain('Rejected')
    expect(wrapper.find('[data-index="3"]').text()).toContain('Unreviewed')
    expect(wrapper.find('[data-testid="session-summary"]').text()).toBe('This session: 2 confirmed · 2 rejected · 1 uncertain')

    press('ArrowUp')
    press('0')
    await flushPromises()
    expect(fake.api.detections.review).toHaveBeenLastCalledWith({ id: 6, state: 'unreviewed' })
    wrapper.unmount()
  })

  it('relabels through the searchable picker (L, type, Enter) and moves on', async () => {
    fake.api.detections.review.mockImplementation(async ({ id, labelId }) => detectionRow(id - 1, { labelId: labelId ?? 1, labelCode: 'WATRAI', originalLabelId: 1, originalLabelCode: 'REEWAR', reviewState: 'confirmed' }))
    const { wrapper } = await mountReview()
    press('ArrowDown')
    press('l')
    await flushPromises()
    const dialog = wrapper.find('[role="dialog"]')
    expect(dialog.find('h2').text()).toBe('Relabel detection')
    const search = dialog.find('input[type="search"]')
    await search.setValue('water')
    // Letters typed into the search are text, not shortcuts.
    press('x', search.element)
    await search.trigger('keydown', { key: 'Enter' })
    await flushPromises()
    expect(fake.api.detections.review).toHaveBeenCalledTimes(1)
    expect(fake.api.detections.review).toHaveBeenCalledWith({ id: 1, state: 'confirmed', labelId: 3 })
    expect(wrapper.find('[role="dialog"]').exists()).toBe(false)
    expect(useDetectionsStore().selectedIndex).toBe(1)
    expect(wrapper.find('[data-index="0"]').text()).toContain('was REEWAR')
    wrapper.unmount()
  })

  it('rolls a refused decision back and says why', async () => {
    fake.api.detections.review.mockRejectedValue(new ApiError('NOT_FOUND', 'detection #1 does not exist (deleted by a rescore, or from another project)'))
    const { wrapper } = await mountReview()
    press('ArrowDown')
    press('c')
    await flushPromises()
    expect(wrapper.find('[data-index="0"]').text()).toContain('Unreviewed')
    expect(wrapper.text()).toContain('The decision was not saved')
    expect(wrapper.text()).toContain('detection #1 does not exist')
    wrapper.unmount()
  })

  it('opens and closes the key list with ?', async () => {
    const { wrapper } = await mountReview()
    press('?')
    await flushPromises()
    expect(wrapper.find('[role="dialog"] h2').text()).toBe('Reviewing by keyboard')
    expect(wrapper.find('[role="dialog"]').text()).toContain('Confirm: the call is there and the label is right')
    // Decisions are not taken while the list is open.
    press('c')
    press('?')
    await flushPromises()
    expect(wrapper.find('[role="dialog"]').exists()).toBe(false)
    expect(fake.api.detections.review).not.toHaveBeenCalled()
    wrapper.unmount()
  })

  it('filters by review state and sorts by clicking a column header', async () => {
    const { wrapper } = await mountReview()
    await wrapper.findAll('button').find((b) => b.text().startsWith('Unreviewed'))?.trigger('click')
    await flushPromises()
    expect(fake.api.detections.list).toHaveBeenLastCalledWith({ filter: { reviewStates: ['unreviewed'] }, sort: { by: 'score', dir: 'desc' }, offset: 0, limit: 100 }, expect.anything())
    await wrapper.findAll('[role="columnheader"]').find((h) => h.text() === 'Time')?.trigger('click')
    await flushPromises()
    expect(fake.api.detections.list).toHaveBeenLastCalledWith({ filter: { reviewStates: ['unreviewed'] }, sort: { by: 'time', dir: 'asc' }, offset: 0, limit: 100 }, expect.anything())
    expect(wrapper.find('[aria-sort="ascending"]').text()).toBe('Time')
    expect(wrapper.find('[data-testid="detection-count"]').text()).toBe('40 of 40 detections match')
    wrapper.unmount()
  })

  it('shows the threshold count for the chosen species and filters the table to it', async () => {
    const { wrapper } = await mountReview()
    // Scores start at 0.8 in this histogram: so does the slider.
    await vi.waitFor(() => expect(wrapper.find('[data-testid="threshold-count"]').text()).toMatch(/^4 of 10 score ≥ 0\.80/))
    const slider = wrapper.find('[data-testid="threshold-slider"]')
    expect(slider.attributes('min')).toBe('0.8')
    await slider.setValue('0.9')
    await vi.waitFor(() => expect(fake.api.detections.countAbove).toHaveBeenLastCalledWith({ labelId: 1, threshold: 0.9, filter: {} }))
    await vi.waitFor(() => expect(wrapper.find('[data-testid="threshold-count"]').text()).toMatch(/^2 of 10 score ≥ 0\.90/))
    await wrapper.findAll('button').find((b) => b.text() === 'Show only these in the table')?.trigger('click')
    await flushPromises()
    expect(useDetectionsStore().filter).toEqual({ labelIds: [1], minScore: 0.9 })
    wrapper.unmount()
  })
})
