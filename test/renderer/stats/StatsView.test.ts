import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises } from '@vue/test-utils'
import type { Activity } from '../../../src-shared/contracts'
import { fake } from '../helpers/fake-api'
import { projectInfo } from '../helpers/fixtures'
import { mountAt } from '../helpers/mount-app'
import { facets } from '../detections/fixtures'

vi.mock('../../../src-renderer/src/api', async () => (await import('../helpers/fake-api')).fakeApiModule())
// happy-dom has no canvas: the chart is a box that shows the series types it was given.
vi.mock('../../../src-renderer/src/components/charts/EChart.vue', async () => {
  const { defineComponent, h } = await import('vue')
  return {
    default: defineComponent({
      props: { option: { type: Object, required: true }, label: { type: String, required: true }, height: { type: String, default: '' } },
      setup(props, { expose }) {
        expose({ toPng: () => 'data:image/png;base64,', toSvg: () => '<svg/>' })
        return () => h('div', { role: 'img', 'aria-label': props.label, 'data-series': ((props.option as { series?: Array<{ type: string }> }).series ?? []).map((x) => x.type).join(',') })
      },
    }),
  }
})

function activity(): Activity {
  const diel = Array.from({ length: 24 }, (_, hour) => ({ date: '2024-05-10', hour, detections: hour === 5 ? 3 : 0, recordedHours: hour === 5 ? 1 : 0, perRecordedHour: hour === 5 ? 3 : null }))
  return {
    daily: [{ date: '2024-05-10', detections: 3, recordedHours: 1, perRecordedHour: 3 }],
    diel,
    sparseDates: false,
    totals: { detections: 3, recordedHours: 1, perRecordedHour: 3 },
    timeBasis: {
      zoneKnown: false,
      recordings: 2,
      withoutZone: 2,
      inUtc: 0,
      withoutStartTime: 0,
      detectionsWithoutStartTime: 0,
      note: "Hours are the recorders' local clock time; the time zone is unknown for every recording.",
    },
  }
}

describe('Statistics view', () => {
  beforeEach(() => {
    fake.reset()
    fake.api.projects.current.mockResolvedValue(projectInfo({ dir: `/data/s-${Math.random()}` }))
    fake.api.projects.recent.mockResolvedValue([])
    fake.api.jobs.list.mockResolvedValue([])
    fake.api.detections.facets.mockResolvedValue(facets(3))
    fake.api.stats.activity.mockResolvedValue(activity())
  })

  it('shows the totals, how to read the hours, and both plots', async () => {
    const { wrapper } = await mountAt('/stats')
    await vi.waitFor(() => expect(wrapper.find('[data-testid="stats-total"]').exists()).toBe(true))
    expect(wrapper.find('[data-testid="stats-total"]').text()).toBe('3')
    expect(wrapper.find('[data-testid="time-basis"]').text()).toContain('the time zone is unknown for every recording')
    expect(wrapper.findAll('[role="img"]').map((c) => [c.attributes('aria-label'), c.attributes('data-series')])).toEqual([
      ['Detections per day', 'bar,line'],
      ['Detections by hour of day and date', 'heatmap'],
    ])
    wrapper.unmount()
  })

  it('asks again for one species and for confirmed detections only', async () => {
    const { wrapper } = await mountAt('/stats')
    await vi.waitFor(() => expect(wrapper.find('[data-testid="stats-species"]').exists()).toBe(true))
    await wrapper.find('[data-testid="stats-species"]').setValue('2')
    await flushPromises()
    await wrapper.find('input[type="checkbox"]').setValue(true)
    await flushPromises()
    expect(fake.api.stats.activity).toHaveBeenLastCalledWith({ query: { labelId: 2, confirmedOnly: true } })
    wrapper.unmount()
  })

  it('downloads the daily table as CSV under the name the main process gives', async () => {
    fake.api.stats.exportCsv.mockResolvedValue({ fileName: 'activity-daily-all-sites-all-labels.csv', text: 'site,label\r\n' })
    const clicked: string[] = []
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.download)
    })
    const { wrapper } = await mountAt('/stats')
    await vi.waitFor(() => expect(wrapper.find('[data-testid="stats-total"]').exists()).toBe(true))
    const exports = wrapper.find('[aria-label="Export Per day"]')
    await exports.findAll('button').find((b) => b.text() === 'CSV')?.trigger('click')
    await flushPromises()
    expect(fake.api.stats.exportCsv).toHaveBeenCalledWith({ table: 'daily', query: {} })
    expect(clicked).toEqual(['activity-daily-all-sites-all-labels.csv'])
    click.mockRestore()
    wrapper.unmount()
  })
})
