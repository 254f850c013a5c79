// Labels the analysis windows of one recording from its evidence intervals (see evidence.ts and
// overlap.ts). Per window and class:
//  - positive when a positive interval of the class matches the window;
//  - ambiguous when positive or uncertain intervals of the class only partly overlap it (or an
//    uncertain one matches) and no positive one matches: the whole window is left out;
//  - explicitly negative when a negative interval of the class (or a "no call" one) matches it.
// A window both positive and explicitly negative for a class stays positive (a conflict, counted).
// Windows of annotated recordings that touch no interval of any class are background candidates.
import type { OverlapRule } from '../../src-shared/contracts'
import type { EvidenceInterval } from './evidence'
import { DECISION_RULE, windowRelation } from './overlap'

export type WindowLabel =
  | { kind: 'example'; positives: number[]; negatives: number[]; conflicts: number }
  | { kind: 'background' }
  | { kind: 'ambiguous' }
  | { kind: 'none' }

export interface RecordingWindows {
  start: Float64Array
  end: Float64Array
}

/** Class index of each class label id. */
export type ClassIndex = ReadonlyMap<number, number>

export function labelWindows(windows: RecordingWindows, intervals: readonly EvidenceInterval[], classIndex: ClassIndex, rule: OverlapRule, annotated: boolean): WindowLabel[] {
  const sorted = [...intervals].sort((a, b) => a.startS - b.startS || a.endS - b.endS)
  // The longest interval bounds how far back an overlapping interval can start.
  const longest = sorted.reduce((m, iv) => Math.max(m, iv.endS - iv.startS), 0)
  const classes = classIndex.size
  const classOf = sorted.map((iv) => classIndex.get(iv.labelId) ?? -1)
  // Per-class flags of the window being labelled: 1 positive, 2 unsure, 4 negative.
  const flags = new Uint8Array(classes)
  const background: WindowLabel = { kind: annotated ? 'background' : 'none' }
  const ambiguous: WindowLabel = { kind: 'ambiguous' }
  const out: WindowLabel[] = new Array(windows.start.length)
  let first = 0
  for (let w = 0; w < windows.start.length; w++) {
    const ws = windows.start[w]
    const we = windows.end[w]
    while (first < sorted.length && sorted[first].startS + longest <= ws) first++
    let any = false
    let touched = false
    for (let i = first; i < sorted.length && sorted[i].startS < we; i++) {
      const iv = sorted[i]
      if (iv.endS <= ws) continue
      const relation = windowRelation(ws, we, iv.startS, iv.endS, iv.decision ? DECISION_RULE : rule)
      if (relation === 'none') continue
      if (iv.kind === 'negative') {
        if (relation !== 'match') continue
        if (iv.allClasses) for (let c = 0; c < classes; c++) flags[c] |= 4
        else if (classOf[i] >= 0) flags[classOf[i]] |= 4
        any = true
        continue
      }
      const c = classOf[i]
      if (c < 0) continue
      touched = true
      any = true
      flags[c] |= iv.kind === 'positive' && relation === 'match' ? 1 : 2
    }
    if (!any) {
      out[w] = background
      continue
    }
    const positives: number[] = []
    const negatives: number[] = []
    let unsure = false
    let conflicts = 0
    for (let c = 0; c < classes; c++) {
      const f = flags[c]
      if (f === 0) continue
      flags[c] = 0
      if (f & 1) {
        positives.push(c)
        if (f & 4) conflicts++
      } else if (f & 2) unsure = true
      else negatives.push(c)
    }
    if (unsure) out[w] = ambiguous
    else if (positives.length > 0 || negatives.length > 0) out[w] = { kind: 'example', positives, negatives, conflicts }
    else out[w] = annotated && !touched ? background : { kind: 'none' }
  }
  return out
}
