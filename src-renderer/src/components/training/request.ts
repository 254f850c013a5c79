// The Train form's state and the job params it makes. Kept apart from the component so the
// defaults and the mapping are tested without mounting anything.
import type { HeadTrainingOptions, SplitBy, TrainHeadParams, TrainingOptions, TrainingSetRequest } from '../../../../src-shared/contracts'

export interface TrainFormState {
  analysisId: number | null
  labelSetId: number | null
  labelIds: number[]
  task: 'multi-label' | 'multi-class'
  kind: 'linear' | 'mlp'
  splitBy: SplitBy
  /** Percent of the examples held out. */
  validationPct: number
  testPct: number
  seed: number
  /** null: thresholds stay at 0.5. */
  targetPrecision: number | null
  backgroundRatio: number
  /** Percent of a window an interval must cover, and of the interval the window must hold. */
  windowCoverPct: number
  eventInsidePct: number
  mixup: number
  epochs: number
  name: string
}

export function defaultFormState(options: TrainingOptions | null): TrainFormState {
  const analysis = options?.analyses[0] ?? null
  const set = options?.labelSets.find((s) => s.labels.some((l) => l.annotations > 0)) ?? options?.labelSets[0] ?? null
  const noCall = new Set(options?.noCallLabelIds ?? [])
  return {
    analysisId: analysis?.analysisId ?? null,
    labelSetId: set?.id ?? null,
    labelIds: set ? set.labels.filter((l) => l.annotations + l.confirmed > 0 && !noCall.has(l.id)).map((l) => l.id) : [],
    task: 'multi-label',
    kind: 'linear',
    splitBy: 'recording',
    validationPct: 25,
    testPct: 0,
    seed: 1,
    targetPrecision: 0.9,
    backgroundRatio: 3,
    windowCoverPct: 50,
    eventInsidePct: 50,
    mixup: 0,
    epochs: 30,
    name: '',
  }
}

export function trainingSetRequest(s: TrainFormState, options: TrainingOptions | null): TrainingSetRequest {
  const analysis = options?.analyses.find((a) => a.analysisId === s.analysisId)
  return {
    labelIds: s.labelIds,
    ...(analysis ? { encoderId: analysis.encoderId, windowS: analysis.windowS, hopS: analysis.hopS } : {}),
    task: s.task,
    backgroundRatio: s.backgroundRatio,
    overlap: { minWindowCover: s.windowCoverPct / 100, minEventInside: s.eventInsidePct / 100 },
    split: { by: s.splitBy, validation: s.validationPct / 100, test: s.testPct / 100 },
    seed: s.seed,
  }
}

export function trainHeadParams(s: TrainFormState, options: TrainingOptions | null): TrainHeadParams {
  const head: HeadTrainingOptions = { kind: s.kind, epochs: s.epochs, ...(s.mixup > 0 ? { mixup: s.mixup } : {}), ...(s.targetPrecision === null ? {} : { targetPrecision: s.targetPrecision }) }
  return { type: 'train-head', set: trainingSetRequest(s, options), head, ...(s.name.trim() ? { name: s.name.trim() } : {}) }
}
