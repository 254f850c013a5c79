// How a finished train-head job reads on its job card: the version it registered and its
// validation metrics.
import { TrainHeadResult } from '../../../../src-shared/contracts'
import type { ResultItem } from '../../jobs/presentation'

function fmt(v: unknown): string {
  return typeof v === 'number' ? v.toFixed(3) : '—'
}

export function describeTrainHeadResult(result: unknown): ResultItem[] | null {
  const r = TrainHeadResult.safeParse(result)
  if (!r.success) return null
  const m = r.data.metrics
  return [
    { label: 'Version', value: `${r.data.name} ${r.data.version}` },
    { label: 'Validation mAP', value: fmt(m.mAP) },
    ...(m.testMAP === undefined ? [] : [{ label: 'Test mAP', value: fmt(m.testMAP) }]),
    { label: 'Examples', value: `${r.data.report.splits.train.examples.toLocaleString('en-US')} train · ${r.data.report.splits.validation.examples.toLocaleString('en-US')} validation` },
  ]
}
