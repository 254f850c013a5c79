// Loss weights per class and the weighted class prior used to initialise the output bias.

import type { LossWeights, HeadTask } from './head-loss'

/**
 * 'balanced': multi-label weighs positives of class c by n/(2·pos_c) and negatives by
 * n/(2·neg_c); multi-class weighs class c by n/(C_present·n_c). An array gives per-class
 * weights: on positives only (multi-label, like a pos_weight) or per class (multi-class).
 */
export type ClassWeighting = 'balanced' | 'none' | number[]

export function lossWeights(task: HeadTask, y: Float32Array, n: number, classes: number, mode: ClassWeighting): LossWeights {
  const pos = new Float64Array(classes).fill(1)
  const neg = new Float64Array(classes).fill(1)
  if (Array.isArray(mode)) {
    for (let c = 0; c < classes; c++) pos[c] = mode[c]
    return { pos, neg }
  }
  if (mode === 'none') return { pos, neg }
  const count = new Float64Array(classes)
  for (let i = 0; i < n; i++) for (let c = 0; c < classes; c++) count[c] += y[i * classes + c]
  if (task === 'multi-label') {
    for (let c = 0; c < classes; c++) {
      if (count[c] > 0 && count[c] < n) {
        pos[c] = n / (2 * count[c])
        neg[c] = n / (2 * (n - count[c]))
      }
    }
  } else {
    const present = count.filter((v) => v > 0).length
    for (let c = 0; c < classes; c++) if (count[c] > 0) pos[c] = n / (present * count[c])
  }
  return { pos, neg }
}

/** Output bias at the weighted class prior, so the first epochs learn features rather than base rates. */
export function priorBias(task: HeadTask, y: Float32Array, n: number, classes: number, w: LossWeights): Float64Array {
  const bias = new Float64Array(classes)
  const count = new Float64Array(classes)
  for (let i = 0; i < n; i++) for (let c = 0; c < classes; c++) count[c] += y[i * classes + c]
  const clampP = (p: number): number => Math.min(1 - 1e-4, Math.max(1e-4, p))
  if (task === 'multi-label') {
    for (let c = 0; c < classes; c++) {
      const p = clampP((w.pos[c] * count[c]) / (w.pos[c] * count[c] + w.neg[c] * (n - count[c])))
      bias[c] = Math.log(p / (1 - p))
    }
  } else {
    let total = 0
    for (let c = 0; c < classes; c++) total += w.pos[c] * count[c]
    for (let c = 0; c < classes; c++) bias[c] = Math.log(clampP((w.pos[c] * count[c]) / total))
  }
  return bias
}

