// Chart options for a training job's history: loss (and clips/s) over steps, and the per-epoch
// metrics of each split. Colours come from the theme's CSS variables, read when the chart is built.
import type { TrainerHistory } from '../../../../src-shared/contracts'
import type { ChartOption } from '../charts/echarts'

/** Metrics worth a line, in the order they are preferred (the trainer's names). */
const METRIC_KEYS = ['mAP', 'accuracy', 'f1', 'roc_auc', 'masked_accuracy', 'cosine', 'code_usage', 'target_code_coverage', 'loss']

function cssVar(name: string, fallback: string): string {
  if (typeof document === 'undefined') return fallback
  const v = getComputedStyle(document.documentElement).getPropertyValue(name).trim()
  return v || fallback
}

function axisStyle() {
  const muted = cssVar('--text-muted', '#667085')
  const grid = cssVar('--border', '#e4e7ec')
  return { axisLabel: { color: muted }, nameTextStyle: { color: muted }, axisLine: { lineStyle: { color: grid } }, splitLine: { lineStyle: { color: grid } } }
}

export function lossChartOption(history: TrainerHistory): ChartOption {
  const loss = history.points.filter((p) => p.loss !== null).map((p) => [p.step, p.loss as number])
  const rate = history.points.filter((p) => p.samplesPerS !== null).map((p) => [p.step, p.samplesPerS as number])
  return {
    animation: false,
    grid: { left: 56, right: 56, top: 32, bottom: 36 },
    tooltip: { trigger: 'axis' },
    legend: { top: 0, textStyle: { color: cssVar('--text-muted', '#667085') } },
    xAxis: { type: 'value', name: 'step', nameLocation: 'middle', nameGap: 24, minInterval: 1, ...axisStyle() },
    yAxis: [
      { type: 'value', name: 'loss', scale: true, ...axisStyle() },
      { type: 'value', name: 'clips/s', scale: true, ...axisStyle(), splitLine: { show: false } },
    ],
    series: [
      { name: 'loss', type: 'line', data: loss, showSymbol: false, lineStyle: { width: 2, color: cssVar('--accent', '#2563eb') }, itemStyle: { color: cssVar('--accent', '#2563eb') } },
      { name: 'clips/s', type: 'line', yAxisIndex: 1, data: rate, showSymbol: false, lineStyle: { width: 1, type: 'dashed', color: cssVar('--text-faint', '#98a2b3') }, itemStyle: { color: cssVar('--text-faint', '#98a2b3') } },
    ],
  }
}

/** The metric keys present in the history's validation (else training) metrics, preferred first. */
export function chartedMetrics(history: TrainerHistory): string[] {
  const present = new Set<string>()
  for (const m of history.metrics) for (const [k, v] of Object.entries(m.values)) if (typeof v === 'number') present.add(k)
  return METRIC_KEYS.filter((k) => present.has(k)).slice(0, 3)
}

export function metricsChartOption(history: TrainerHistory): ChartOption {
  const keys = chartedMetrics(history)
  const series = []
  for (const split of ['train', 'val']) {
    for (const key of keys) {
      const data = history.metrics
        .filter((m) => m.split === split && typeof m.values[key] === 'number' && m.epoch !== null)
        .map((m) => [(m.epoch as number) + 1, m.values[key] as number])
      if (data.length > 0) series.push({ name: `${split} ${key}`, type: 'line' as const, data, lineStyle: { type: split === 'train' ? ('dashed' as const) : ('solid' as const) } })
    }
  }
  return {
    animation: false,
    grid: { left: 56, right: 24, top: 32, bottom: 36 },
    tooltip: { trigger: 'axis' },
    legend: { top: 0, textStyle: { color: cssVar('--text-muted', '#667085') } },
    xAxis: { type: 'value', name: 'epoch', nameLocation: 'middle', nameGap: 24, minInterval: 1, ...axisStyle() },
    yAxis: { type: 'value', scale: true, ...axisStyle() },
    series,
  }
}
