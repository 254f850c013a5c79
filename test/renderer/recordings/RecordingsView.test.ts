import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import { fake } from '../helpers/fake-api'
import { projectInfo } from '../helpers/fixtures'
import { mountAt } from '../helpers/mount-app'
import { recordingSummary, siteTree } from '../annotate/season-fixtures'

vi.mock('../../../src-renderer/src/api', async () => (await import('../helpers/fake-api')).fakeApiModule())

describe('Recordings view', () => {
  beforeEach(() => {
    fake.reset()
    fake.api.projects.current.mockResolvedValue(projectInfo())
    fake.api.projects.recent.mockResolvedValue([])
    fake.api.recordings.tree.mockResolvedValue(siteTree())
    fake.api.recordings.list.mockImplementation(async ({ page, filter }) => ({
      total: filter?.status === 'quarantined' ? 1 : 100_000,
      items: Array.from({ length: page.limit }, (_, i) =>
        filter?.status === 'quarantined'
          ? recordingSummary({ id: 9, fileName: 'broken.WAV', status: 'quarantined', statusReason: 'the data chunk ends 2 kB early' })
          : recordingSummary({ id: page.offset + i + 1, fileName: `rec-${page.offset + i + 1}.WAV` }),
      ).slice(0, filter?.status === 'quarantined' ? 1 : page.limit),
    }))
    fake.api.recordings.coverage.mockResolvedValue({ deploymentId: 2, zoneKnown: false, intervals: [{ recordingId: 1, start: Date.UTC(2024, 4, 1, 5), end: Date.UTC(2024, 4, 1, 6) }], gaps: [], recordedSeconds: 3600, spanSeconds: 3600, dutyCycle: null, recordingsWithoutTime: 0 })
  })

  it('shows 100 000 recordings by rendering only the rows in view', async () => {
    const { wrapper } = await mountAt('/recordings')
    await vi.waitFor(() => expect(wrapper.text()).toContain('100,000 recordings'))
    const rows = wrapper.findAll('[data-recording-id]')
    expect(rows.length).toBeGreaterThan(5)
    expect(rows.length).toBeLessThan(60)
    expect(fake.api.recordings.list).toHaveBeenCalledTimes(1)
    wrapper.unmount()
  })

  it('filters by deployment from the tree and shows its coverage calendar', async () => {
    const { wrapper } = await mountAt('/recordings')
    await flushPromises()
    await wrapper.find('[data-deployment-id="2"]').trigger('click')
    await flushPromises()
    expect(fake.api.recordings.list).toHaveBeenLastCalledWith(expect.objectContaining({ filter: { siteId: 1, deploymentId: 2 } }))
    expect(fake.api.recordings.coverage).toHaveBeenCalledWith({ deploymentId: 2 })
    expect(wrapper.find('[aria-label="Recording coverage"]').exists()).toBe(true)
    expect(wrapper.findAll('[role="gridcell"]')).toHaveLength(24)
    expect(wrapper.text()).toContain('Oak ridge · Spring 2024')
    wrapper.unmount()
  })

  it('lists quarantined files with their reason and offers no annotate button for them', async () => {
    const { wrapper } = await mountAt('/recordings')
    await flushPromises()
    await wrapper.find('select[aria-label="Status"]').setValue('quarantined')
    await flushPromises()
    const row = wrapper.find('[data-recording-id="9"]')
    expect(row.text()).toContain('quarantined: the data chunk ends 2 kB early')
    expect(row.find('button').exists()).toBe(false)
    wrapper.unmount()
  })

  it('opens a recording in Annotate', async () => {
    const { wrapper, router } = await mountAt('/recordings')
    await vi.waitFor(() => expect(wrapper.find('[data-recording-id="3"]').exists()).toBe(true))
    await wrapper.find('[data-recording-id="3"] button').trigger('click')
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe('/annotate?recording=3'), { timeout: 10_000 })
    wrapper.unmount()
  })
})
