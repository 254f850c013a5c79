import { beforeEach, describe, expect, it, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'
import type { Activity } from '../../../src-shared/contracts'
import { fake } from '../helpers/fake-api'
import { useStatsStore } from '../../../src-renderer/src/stores/stats'
import { facets } from '../detections/fixtures'

vi.mock('../../../src-renderer/src/api', async () => (await import('../helpers/fake-api')).fakeApiModule())

function activity(detections: number): Activity {
  return {
    daily: [{ date: '2024-05-10', detections, recordedHours: 2, perRecordedHour: detections / 2 }],
    diel: [],
    sparseDates: false,
    totals: { detections, recordedHours: 2, perRecordedHour: detections / 2 },
    timeBasis: { zoneKnown: true, recordings: 1, withoutZone: 0, inUtc: 0, withoutStartTime: 0, detectionsWithoutStartTime: 0, note: '' },
  }
}

describe('stats store', () => {
  beforeEach(() => {
    fake.reset()
    setActivePinia(createPinia())
    fake.api.detections.facets.mockResolvedValue(facets(10))
  })

  it('asks for the activity of a clean query, and the pickers’ choices once', async () => {
    fake.api.stats.activity.mockResolvedValue(activity(6))
    const stats = useStatsStore()
    await stats.setQuery({ siteId: 1, labelId: undefined, confirmedOnly: false, minScore: 0.6 })
    await stats.setQuery({ ...stats.query, labelId: 2 })
    expect(fake.api.stats.activity.mock.calls.map(([r]) => r)).toEqual([{ query: { siteId: 1, minScore: 0.6 } }, { query: { siteId: 1, minScore: 0.6, labelId: 2 } }])
    expect(fake.api.detections.facets).toHaveBeenCalledTimes(1)
    expect(stats.activity?.totals.detections).toBe(6)
  })

  it('exports the table of the current query', async () => {
    fake.api.stats.activity.mockResolvedValue(activity(6))
    fake.api.stats.exportCsv.mockResolvedValue({ fileName: 'activity-diel-all-sites-all-labels.csv', text: 'site\r\n' })
    const stats = useStatsStore()
    await stats.setQuery({ confirmedOnly: true })
    expect(await stats.exportCsv('diel')).toEqual({ fileName: 'activity-diel-all-sites-all-labels.csv', text: 'site\r\n' })
    expect(fake.api.stats.exportCsv).toHaveBeenCalledWith({ table: 'diel', query: { confirmedOnly: true } })
  })

  it('becomes stale when detections change, and fresh again (with new choices) after a load', async () => {
    fake.api.stats.activity.mockResolvedValue(activity(6))
    const stats = useStatsStore()
    stats.listen()
    await stats.load()
    fake.emit('detections.changed', { recordingIds: [3] })
    expect(stats.stale).toBe(true)
    fake.api.stats.activity.mockResolvedValue(activity(7))
    await stats.load()
    expect(stats.stale).toBe(false)
    expect(stats.activity?.totals.detections).toBe(7)
    expect(fake.api.detections.facets).toHaveBeenCalledTimes(2)
    stats.stop()
  })

  it('drops an answer overtaken by a newer query', async () => {
    let release: ((a: Activity) => void) | null = null
    fake.api.stats.activity.mockImplementationOnce(() => new Promise((done) => (release = done)))
    fake.api.stats.activity.mockResolvedValue(activity(2))
    const stats = useStatsStore()
    const first = stats.setQuery({ labelId: 1 })
    await stats.setQuery({ labelId: 2 })
    release!(activity(99))
    await first
    expect(stats.activity?.totals.detections).toBe(2)
  })
})
