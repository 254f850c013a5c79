// Chart options for activity: pure functions of the numbers and a palette, so the plots can be
// tested without drawing and exported with the same look as on screen.
import type { Activity } from '../../../../src-shared/contracts'
import type { ChartOption } from '../charts/echarts'

export interface ChartPalette {
  text: string
  muted: string
  grid: string
  background: string
  accent: string
  secondary: string
  /** heatmap cells of hours nobody recorded */
  unrecorded: string
}

export type DailyMeasure = 'rate' | 'count'

/** Sequential (yellow–green–blue) scale: light is little activity, dark is much. */
export const HEAT_COLORS = ['#ffffd9', '#c7e9b4', '#7fcdbb', '#41b6c4', '#1d91c0', '#225ea8', '#0c2c84']

function round(value: number, digits = 2): number {
  const f = 10 ** digits
  return Math.round(value * f) / f
}

function axisCommon(p: ChartPalette) {
  return {
    axisLine: { lineStyle: { color: p.grid } },
    axisLabel: { color: p.muted },
    splitLine: { lineStyle: { color: p.grid } },
    nameTextStyle: { color: p.muted },
  }
}

export function dailyOption(activity: Activity, measure: DailyMeasure, p: ChartPalette): ChartOption {
  const dates = activity.daily.map((d) => d.date)
  const values = activity.daily.map((d) => (measure === 'rate' ? (d.perRecordedHour === null ? null : round(d.perRecordedHour, 3)) : d.detections))
  const hours = activity.daily.map((d) => round(d.recordedHours, 2))
  return {
    backgroundColor: 'transparent',
    textStyle: { color: p.text },
    animation: false,
    grid: { left: 56, right: 56, top: 36, bottom: dates.length > 31 ? 64 : 36 },
    legend: { top: 0, textStyle: { color: p.muted }, data: [measure === 'rate' ? 'Detections per recorded hour' : 'Detections', 'Recorded hours'] },
    tooltip: {
      trigger: 'axis',
      formatter: (items: unknown) => {
        const list = Array.isArray(items) ? (items as Array<{ dataIndex: number }>) : []
        const d = activity.daily[list[0]?.dataIndex ?? -1]
        if (!d) return ''
        const rate = d.perRecordedHour === null ? 'not recorded' : `${round(d.perRecordedHour, 2)} per recorded hour`
        return `${d.date}<br/>${d.detections} detections in ${round(d.recordedHours, 2)} h<br/>${rate}`
      },
    },
    xAxis: { type: 'category', data: dates, ...axisCommon(p), splitLine: { show: false } },
    yAxis: [
      { type: 'value', name: measure === 'rate' ? 'per recorded hour' : 'detections', ...axisCommon(p) },
      { type: 'value', name: 'recorded h', position: 'right', ...axisCommon(p), splitLine: { show: false } },
    ],
    dataZoom: dates.length > 31 ? [{ type: 'slider', bottom: 8, height: 18, textStyle: { color: p.muted } }, { type: 'inside' }] : [],
    series: [
      {
        name: measure === 'rate' ? 'Detections per recorded hour' : 'Detections',
        type: 'bar',
        data: values,
        itemStyle: { color: p.accent },
        barMaxWidth: 28,
      },
      {
        name: 'Recorded hours',
        type: 'line',
        yAxisIndex: 1,
        data: hours,
        step: 'middle',
        symbol: 'none',
        lineStyle: { color: p.secondary, width: 1.5, type: 'dashed' },
        itemStyle: { color: p.secondary },
      },
    ],
  }
}

/** 95th percentile of the non-zero rates: one exceptional hour should not wash out the rest. */
function colourTop(values: number[]): number {
  const sorted = values.filter((v) => v > 0).sort((a, b) => a - b)
  if (sorted.length === 0) return 1
  return Math.max(round(sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))], 2), 0.01)
}

export function dielOption(activity: Activity, p: ChartPalette): ChartOption {
  const dates = activity.daily.map((d) => d.date)
  const dateIndex = new Map(dates.map((d, i) => [d, i]))
  const cells: Array<[number, number, number]> = []
  for (const c of activity.diel) {
    if (c.perRecordedHour === null) continue
    cells.push([dateIndex.get(c.date) ?? 0, c.hour, round(c.perRecordedHour, 3)])
  }
  const top = colourTop(cells.map((c) => c[2]))
  const hours = Array.from({ length: 24 }, (_, h) => `${String(h).padStart(2, '0')}:00`)
  return {
    backgroundColor: 'transparent',
    textStyle: { color: p.text },
    animation: false,
    grid: { left: 56, right: 104, top: 12, bottom: dates.length > 31 ? 64 : 36, show: true, backgroundColor: p.unrecorded, borderColor: p.grid },
    tooltip: {
      formatter: (item: unknown) => {
        const value = (item as { value?: [number, number, number] }).value
        if (!value) return ''
        const c = activity.diel.find((x) => x.date === dates[value[0]] && x.hour === value[1])
        if (!c) return ''
        return `${c.date} ${hours[c.hour]}–${String(c.hour + 1).padStart(2, '0')}:00<br/>${c.detections} detections in ${round(c.recordedHours * 60, 1)} min recorded<br/>${round(value[2], 2)} per recorded hour`
      },
    },
    xAxis: { type: 'category', data: dates, ...axisCommon(p), splitLine: { show: false }, splitArea: { show: false } },
    yAxis: { type: 'category', data: hours, inverse: true, ...axisCommon(p), splitLine: { show: false }, axisLabel: { color: p.muted, interval: 2 } },
    visualMap: {
      min: 0,
      max: top,
      calculable: true,
      orient: 'vertical',
      right: 8,
      top: 'middle',
      itemHeight: 180,
      text: [`≥ ${top}`, '0 per h'],
      textGap: 8,
      textStyle: { color: p.muted },
      inRange: { color: HEAT_COLORS },
    },
    dataZoom: dates.length > 31 ? [{ type: 'slider', xAxisIndex: 0, bottom: 8, height: 18, textStyle: { color: p.muted } }] : [],
    series: [{ type: 'heatmap', data: cells, progressive: 0, emphasis: { itemStyle: { borderColor: p.text, borderWidth: 1 } } }],
  }
}

/** The palette from the page's theme variables (so plots follow light and dark). */
export function themePalette(read: (name: string) => string): ChartPalette {
  const v = (name: string, fallback: string) => read(name).trim() || fallback
  return {
    text: v('--text', '#1b2430'),
    muted: v('--text-muted', '#566272'),
    grid: v('--border', '#dfe3e8'),
    background: v('--surface', '#ffffff'),
    accent: v('--accent', '#0e7468'),
    secondary: v('--warning', '#a15c07'),
    unrecorded: v('--surface-2', '#f0f2f5'),
  }
}
