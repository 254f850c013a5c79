import { describe, expect, it } from 'vitest'
import type { Activity } from '../../../src-shared/contracts'
import { dailyOption, dielOption, HEAT_COLORS, themePalette } from '../../../src-renderer/src/components/stats/activity-charts'

const palette = themePalette(() => '')

function activity(): Activity {
  const cell = (date: string, hour: number, detections: number, recordedHours: number) => ({
    date,
    hour,
    detections,
    recordedHours,
    perRecordedHour: recordedHours > 0 ? detections / recordedHours : null,
  })
  const diel = ['2024-05-10', '2024-05-11'].flatMap((date) => Array.from({ length: 24 }, (_, h) => cell(date, h, 0, 0)))
  diel[5] = cell('2024-05-10', 5, 3, 1)
  diel[6] = cell('2024-05-10', 6, 0, 0.5)
  diel[24 + 4] = cell('2024-05-11', 4, 30, 0.25)
  return {
    daily: [
      { date: '2024-05-10', detections: 3, recordedHours: 1.5, perRecordedHour: 2 },
      { date: '2024-05-11', detections: 30, recordedHours: 0.25, perRecordedHour: 120 },
    ],
    diel,
    sparseDates: false,
    totals: { detections: 33, recordedHours: 1.75, perRecordedHour: 33 / 1.75 },
    timeBasis: { zoneKnown: false, recordings: 3, withoutZone: 3, inUtc: 0, withoutStartTime: 0, detectionsWithoutStartTime: 0, note: '' },
  }
}

describe('activity charts', () => {
  it('plots per-day rates (or counts) as bars and recorded hours as a line on the right axis', () => {
    const rate = dailyOption(activity(), 'rate', palette)
    const series = rate.series as Array<{ type: string; data: unknown[]; yAxisIndex?: number }>
    expect(rate.xAxis).toMatchObject({ data: ['2024-05-10', '2024-05-11'] })
    expect(series[0]).toMatchObject({ type: 'bar', data: [2, 120] })
    expect(series[1]).toMatchObject({ type: 'line', yAxisIndex: 1, data: [1.5, 0.25] })
    const counts = dailyOption(activity(), 'count', palette).series as Array<{ data: unknown[] }>
    expect(counts[0].data).toEqual([3, 30])
  })

  it('draws only recorded hours on the heatmap, so unrecorded ones show the grey background', () => {
    const option = dielOption(activity(), palette)
    const [series] = option.series as Array<{ type: string; data: Array<[number, number, number]> }>
    expect(series.type).toBe('heatmap')
    expect(series.data).toEqual([
      [0, 5, 3],
      [0, 6, 0],
      [1, 4, 120],
    ])
    expect(option.grid).toMatchObject({ show: true, backgroundColor: palette.unrecorded })
    expect(option.visualMap).toMatchObject({ min: 0, inRange: { color: HEAT_COLORS } })
  })

  it('caps the colour scale at the 95th percentile of non-zero rates', () => {
    const a = activity()
    a.diel = Array.from({ length: 24 * 2 }, (_, i) => ({ date: i < 24 ? '2024-05-10' : '2024-05-11', hour: i % 24, detections: i + 1, recordedHours: 1, perRecordedHour: i + 1 }))
    a.diel[47].perRecordedHour = 5000
    const option = dielOption(a, palette)
    expect(option.visualMap).toMatchObject({ max: 46 })
  })

  it('reads its colours from the theme variables, with fallbacks', () => {
    const vars: Record<string, string> = { '--accent': ' #2aa897', '--surface-2': '#1f252f' }
    const p = themePalette((name) => vars[name] ?? '')
    expect(p.accent).toBe('#2aa897')
    expect(p.unrecorded).toBe('#1f252f')
    expect(p.text).toBe('#1b2430')
  })
})
