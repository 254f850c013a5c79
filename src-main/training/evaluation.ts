// Stored evaluations of a head version: the numeric metrics of heads/metrics.ts per split, with
// classes named by label, and per-class threshold calibration for a target precision.
import type { HeadTask, SplitEvaluation } from '../../src-shared/contracts'
import { calibrateThreshold, evaluateHead, scoreGroups } from '../heads/metrics'
import type { TrainingClass } from './resolve-request'

export const CURVE_POINTS = 100
export const DEFAULT_THRESHOLD = 0.5

export interface ScoredSplit {
  n: number
  classes: number
  /** n × classes probabilities. */
  scores: Float32Array
  /** n × classes targets. */
  targets: Float32Array
}

export function evaluateSplit(task: HeadTask, s: ScoredSplit, classes: readonly TrainingClass[], thresholds: readonly number[], targetPrecision: number | null): SplitEvaluation {
  const e = evaluateHead(task, s.scores, s.targets, s.n, s.classes, {
    thresholds,
    curvePoints: CURVE_POINTS,
    ...(targetPrecision === null ? {} : { targetPrecision }),
  })
  return {
    examples: e.examples,
    mAP: e.mAP,
    macroAuc: e.macroAuc,
    excludedFromMap: e.excludedFromMap.map((c) => classes[c].code),
    classes: e.perClass.map((p) => ({
      labelId: classes[p.class].labelId,
      code: classes[p.class].code,
      positives: p.positives,
      ap: p.ap,
      auc: p.auc,
      atThreshold: p.atThreshold,
      calibration: p.calibration ?? null,
      curve: p.curve ?? { thresholds: [], precision: [], recall: [] },
    })),
    confusion: e.confusion ?? null,
    accuracy: e.accuracy ?? null,
  }
}

/**
 * Per class: the lowest threshold whose validation precision reaches the target; when none does,
 * the threshold of the highest precision seen; 0.5 for a class without validation positives.
 */
export function calibratedThresholds(s: ScoredSplit, targetPrecision: number): number[] {
  return Array.from({ length: s.classes }, (_, c) => {
    const cal = calibrateThreshold(scoreGroups(s.scores, s.targets, s.classes, c, s.n), targetPrecision)
    return cal.threshold === null ? DEFAULT_THRESHOLD : Math.min(1, Math.max(0, cal.threshold))
  })
}

/** The metrics a version's row carries (the full evaluation lives in head_trainings). */
export function metricsSummary(validation: SplitEvaluation | null, test: SplitEvaluation | null, counts: { train: number; validation: number; test: number }): Record<string, unknown> {
  const perClass = (e: SplitEvaluation, pick: (c: SplitEvaluation['classes'][number]) => number | null) => Object.fromEntries(e.classes.map((c) => [c.code, pick(c)]))
  const out: Record<string, unknown> = { trainExamples: counts.train, valExamples: counts.validation }
  if (validation) {
    out.mAP = validation.mAP
    out.macroAuc = validation.macroAuc
    out.AP = perClass(validation, (c) => c.ap)
    out.F1 = perClass(validation, (c) => c.atThreshold.f1)
    if (validation.accuracy !== null) out.accuracy = validation.accuracy
    out.split = 'validation'
  }
  if (test) {
    out.testExamples = counts.test
    out.testMAP = test.mAP
    out.testAP = perClass(test, (c) => c.ap)
  }
  return out
}
