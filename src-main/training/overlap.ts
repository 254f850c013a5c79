// The window ↔ interval rule (OverlapRule in the training contract): an interval (annotation,
// reviewed detection, window decision) makes a window an example when it covers at least
// minWindowCover of the window, or at least minEventInside of the interval lies inside the window.
// Overlap without meeting either share is 'partial': such windows are left out of training rather
// than counted as negatives.
import type { OverlapRule } from '../../src-shared/contracts'

export type WindowRelation = 'none' | 'partial' | 'match'

/** Float noise in stored times must not flip a window exactly at a share boundary. */
const SHARE_EPSILON = 1e-9

export function windowRelation(windowStart: number, windowEnd: number, startS: number, endS: number, rule: OverlapRule): WindowRelation {
  const overlap = Math.min(windowEnd, endS) - Math.max(windowStart, startS)
  if (!(overlap > 0)) return 'none'
  const cover = overlap / (windowEnd - windowStart)
  const inside = overlap / (endS - startS)
  return cover >= rule.minWindowCover - SHARE_EPSILON || inside >= rule.minEventInside - SHARE_EPSILON ? 'match' : 'partial'
}

/**
 * A window decision was made on one window: it applies to windows it covers almost entirely (that
 * window, or the nearly identical one of another grid), never to its half-overlapping neighbours.
 */
export const DECISION_RULE: OverlapRule = { minWindowCover: 0.9, minEventInside: 2 }
