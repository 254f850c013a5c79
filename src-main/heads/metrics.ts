// Evaluation of classifier scores against reference labels.
//
// Definitions (all per class, one-vs-rest):
// - An example is predicted positive at threshold t when score ≥ t. A label is positive when ≥ 0.5.
// - Examples with equal scores form one group: they enter the ranking together, so no order among
//   ties is invented.
// - AP (non-interpolated): Σ over score groups g of (positives in g / P) · precision after g, i.e.
//   the mean over positives of the precision at the threshold that first admits them, ties admitted
//   together. Equals scikit-learn's average_precision_score.
// - ROC-AUC: the Mann–Whitney statistic, P(score_pos > score_neg) + 0.5·P(score_pos = score_neg).
// - mAP: mean AP over classes with at least one positive; the others are listed as excluded.
// - Precision is null when nothing is predicted positive, recall null when there are no positives.

export interface ScoreGroups {
  /** Distinct scores, descending. */
  scores: Float64Array
  /** Positives and examples within each group. */
  positives: Int32Array
  sizes: Int32Array
  totalPositives: number
  total: number
}

/** Sorts scores descending and groups equal scores, counting positives per group. */
export function scoreGroups(scores: ArrayLike<number>, labels: ArrayLike<number>, stride = 1, offset = 0, count = labels.length): ScoreGroups {
  const order = new Int32Array(count)
  for (let i = 0; i < count; i++) order[i] = i
  const at = (i: number): number => scores[i * stride + offset]
  order.sort((a, b) => at(b) - at(a) || a - b)
  const s: number[] = []
  const p: number[] = []
  const z: number[] = []
  let totalPositives = 0
  for (let k = 0; k < count; k++) {
    const i = order[k]
    const v = at(i)
    const pos = labels[i * stride + offset] >= 0.5 ? 1 : 0
    totalPositives += pos
    if (s.length > 0 && s[s.length - 1] === v) {
      p[p.length - 1] += pos
      z[z.length - 1]++
    } else {
      s.push(v)
      p.push(pos)
      z.push(1)
    }
  }
  return { scores: Float64Array.from(s), positives: Int32Array.from(p), sizes: Int32Array.from(z), totalPositives, total: count }
}

/** Non-interpolated average precision; null without positives. */
export function averagePrecision(g: ScoreGroups): number | null {
  if (g.totalPositives === 0) return null
  let tp = 0
  let seen = 0
  let sum = 0
  for (let k = 0; k < g.scores.length; k++) {
    tp += g.positives[k]
    seen += g.sizes[k]
    sum += g.positives[k] * (tp / seen)
  }
  return sum / g.totalPositives
}

/** Mann–Whitney ROC-AUC with ties counted 0.5; null without positives or without negatives. */
export function rocAuc(g: ScoreGroups): number | null {
  const negatives = g.total - g.totalPositives
  if (g.totalPositives === 0 || negatives === 0) return null
  // walk from the lowest group up, counting negatives strictly below
  let below = 0
  let sum = 0
  for (let k = g.scores.length - 1; k >= 0; k--) {
    const neg = g.sizes[k] - g.positives[k]
    sum += g.positives[k] * (below + 0.5 * neg)
    below += neg
  }
  return sum / (g.totalPositives * negatives)
}

export interface ThresholdMetrics {
  threshold: number
  tp: number
  fp: number
  fn: number
  precision: number | null
  recall: number | null
  /** 2tp / (2tp + fp + fn); null when there are no positives and nothing is predicted. */
  f1: number | null
}

/** Counts and rates when predicting positive at score ≥ threshold. */
export function metricsAtThreshold(g: ScoreGroups, threshold: number): ThresholdMetrics {
  let tp = 0
  let predicted = 0
  for (let k = 0; k < g.scores.length && g.scores[k] >= threshold; k++) {
    tp += g.positives[k]
    predicted += g.sizes[k]
  }
  const fp = predicted - tp
  const fn = g.totalPositives - tp
  return {
    threshold,
    tp,
    fp,
    fn,
    precision: predicted > 0 ? tp / predicted : null,
    recall: g.totalPositives > 0 ? tp / g.totalPositives : null,
    f1: 2 * tp + fp + fn > 0 ? (2 * tp) / (2 * tp + fp + fn) : null,
  }
}

export interface PrCurve {
  /** Descending thresholds (distinct scores); precision and recall when predicting score ≥ threshold. */
  thresholds: number[]
  precision: number[]
  recall: number[]
}

/** PR curve with one point per distinct score, evenly thinned to at most maxPoints (first and last kept). */
export function prCurve(g: ScoreGroups, maxPoints = 200): PrCurve {
  const out: PrCurve = { thresholds: [], precision: [], recall: [] }
  const m = g.scores.length
  if (g.totalPositives === 0 || m === 0) return out
  const keep = Math.max(2, Math.floor(maxPoints))
  const precision = new Float64Array(m)
  const recall = new Float64Array(m)
  let tp = 0
  let seen = 0
  for (let k = 0; k < m; k++) {
    tp += g.positives[k]
    seen += g.sizes[k]
    precision[k] = tp / seen
    recall[k] = tp / g.totalPositives
  }
  const points = Math.min(m, keep)
  for (let i = 0; i < points; i++) {
    const k = points === m ? i : Math.round((i * (m - 1)) / (points - 1))
    out.thresholds.push(g.scores[k])
    out.precision.push(precision[k])
    out.recall.push(recall[k])
  }
  return out
}

export interface ThresholdCalibration {
  targetPrecision: number
  /** Whether some threshold reaches the target precision. */
  reached: boolean
  /**
   * The lowest threshold whose precision is ≥ the target. When the target is never reached: the
   * lowest threshold with the highest precision seen, so the caller can show what is attainable.
   * Null without positives.
   */
  threshold: number | null
  precision: number | null
  recall: number | null
}

/** Per-class threshold for a target precision (thresholds are the distinct scores; predict score ≥ t). */
export function calibrateThreshold(g: ScoreGroups, targetPrecision: number): ThresholdCalibration {
  const none: ThresholdCalibration = { targetPrecision, reached: false, threshold: null, precision: null, recall: null }
  if (g.totalPositives === 0) return none
  let tp = 0
  let seen = 0
  let hit: ThresholdCalibration | undefined
  let bestP = -1
  let best = none
  for (let k = 0; k < g.scores.length; k++) {
    tp += g.positives[k]
    seen += g.sizes[k]
    const precision = tp / seen
    const point = { targetPrecision, threshold: g.scores[k], precision, recall: tp / g.totalPositives }
    if (precision >= targetPrecision) hit = { ...point, reached: true }
    if (precision >= bestP) {
      bestP = precision
      best = { ...point, reached: false }
    }
  }
  return hit ?? best
}

export interface ClassEvaluation {
  class: number
  positives: number
  ap: number | null
  auc: number | null
  atThreshold: ThresholdMetrics
  calibration?: ThresholdCalibration
  curve?: PrCurve
}

export interface HeadEvaluation {
  task: 'multi-label' | 'multi-class'
  examples: number
  perClass: ClassEvaluation[]
  /** Mean AP over classes with ≥ 1 positive; null when none has. */
  mAP: number | null
  /** Classes left out of mAP (and of macroAuc when they lack negatives too) for having no positives. */
  excludedFromMap: number[]
  /** Mean ROC-AUC over classes where it is defined. */
  macroAuc: number | null
  /** Multi-class: counts[true][predicted], prediction = argmax (lowest index on ties). */
  confusion?: number[][]
  accuracy?: number
}

export interface EvaluateOptions {
  /** Per-class decision thresholds (default 0.5 each). */
  thresholds?: readonly number[]
  /** When given, each class gets a calibrated threshold for this precision. */
  targetPrecision?: number
  /** Points per PR curve (default 200); 0 leaves curves out. */
  curvePoints?: number
}

/** All metrics of scores (n × classes) against targets (n × classes, multi-hot or one-hot). */
export function evaluateHead(task: 'multi-label' | 'multi-class', scores: ArrayLike<number>, targets: ArrayLike<number>, n: number, classes: number, opts: EvaluateOptions = {}): HeadEvaluation {
  if (scores.length !== n * classes || targets.length !== n * classes) {
    throw new RangeError(`evaluateHead: expected ${n * classes} scores and targets, got ${scores.length} and ${targets.length}`)
  }
  const perClass: ClassEvaluation[] = []
  for (let c = 0; c < classes; c++) {
    const g = scoreGroups(scores, targets, classes, c, n)
    const curvePoints = opts.curvePoints ?? 200
    perClass.push({
      class: c,
      positives: g.totalPositives,
      ap: averagePrecision(g),
      auc: rocAuc(g),
      atThreshold: metricsAtThreshold(g, opts.thresholds?.[c] ?? 0.5),
      ...(opts.targetPrecision === undefined ? {} : { calibration: calibrateThreshold(g, opts.targetPrecision) }),
      ...(curvePoints > 0 ? { curve: prCurve(g, curvePoints) } : {}),
    })
  }
  const aps = perClass.filter((p) => p.ap !== null).map((p) => p.ap as number)
  const aucs = perClass.filter((p) => p.auc !== null).map((p) => p.auc as number)
  const evaluation: HeadEvaluation = {
    task,
    examples: n,
    perClass,
    mAP: aps.length > 0 ? aps.reduce((a, b) => a + b, 0) / aps.length : null,
    excludedFromMap: perClass.filter((p) => p.ap === null).map((p) => p.class),
    macroAuc: aucs.length > 0 ? aucs.reduce((a, b) => a + b, 0) / aucs.length : null,
  }
  if (task === 'multi-class') {
    const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0))
    let correct = 0
    for (let i = 0; i < n; i++) {
      const t = argmax(targets, i * classes, classes)
      const p = argmax(scores, i * classes, classes)
      confusion[t][p]++
      if (t === p) correct++
    }
    evaluation.confusion = confusion
    evaluation.accuracy = n > 0 ? correct / n : 0
  }
  return evaluation
}

function argmax(v: ArrayLike<number>, offset: number, count: number): number {
  let best = 0
  for (let c = 1; c < count; c++) if (v[offset + c] > v[offset + best]) best = c
  return best
}
