// ECharts options for PR curves: one line per class (a version's curves) or per version (one
// class compared), recall on x, precision on y, and the operating point at the version's
// threshold drawn as a dot (a one-point line series, left out of the legend).
import type { ClassMetrics } from '../../../../src-shared/contracts'
import type { ChartOption } from '../charts/echarts'

export interface CurveSeries {
  name: string
  metrics: ClassMetrics
  color: string
  dashed?: boolean
}

const PALETTE = ['#0e7468', '#2f7ed8', '#d8572f', '#8e44ad', '#3fa34d', '#c2410c', '#be123c', '#ca8a04', '#0d9488', '#7c3aed']

export function seriesColor(i: number): string {
  return PALETTE[i % PALETTE.length]
}

export function prCurveOption(series: readonly CurveSeries[]): ChartOption {
  const curves = series.map((s) => ({
    type: 'line' as const,
    name: s.name,
    showSymbol: false,
    step: 'end' as const,
    data: s.metrics.curve.recall.map((r, i) => [r, s.metrics.curve.precision[i]]),
    itemStyle: { color: s.color },
    lineStyle: { color: s.color, width: 2, type: s.dashed ? ('dashed' as const) : ('solid' as const) },
  }))
  const points = series
    .filter((s) => s.metrics.atThreshold.precision !== null && s.metrics.atThreshold.recall !== null)
    .map((s) => ({
      type: 'line' as const,
      name: `${s.name} @ ${s.metrics.atThreshold.threshold.toFixed(2)}`,
      data: [[s.metrics.atThreshold.recall as number, s.metrics.atThreshold.precision as number]],
      showSymbol: true,
      symbol: 'circle',
      symbolSize: 9,
      itemStyle: { color: s.color },
    }))
  return {
    animation: false,
    grid: { left: 52, right: 16, top: 40, bottom: 42 },
    legend: { top: 0, type: 'scroll', data: series.map((s) => s.name) },
    tooltip: { trigger: 'item' },
    xAxis: { type: 'value', name: 'Recall', nameLocation: 'middle', nameGap: 26, min: 0, max: 1 },
    yAxis: { type: 'value', name: 'Precision', nameLocation: 'middle', nameGap: 36, min: 0, max: 1 },
    series: [...curves, ...points],
  }
}
