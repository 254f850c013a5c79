import { describe, expect, it } from 'vitest'
import { DEFAULT_OVERLAP_RULE } from '../../src-shared/contracts'
import { windowTimes } from '../../src-main/analysis/window-grid'
import type { EvidenceInterval } from '../../src-main/training/evidence'
import { labelWindows } from '../../src-main/training/window-targets'

const grid = { windowS: 1, hopS: 0.5 }
const classes = new Map([
  [10, 0],
  [20, 1],
])

function iv(labelId: number, startS: number, endS: number, kind: EvidenceInterval['kind'] = 'positive', extra: Partial<EvidenceInterval> = {}): EvidenceInterval {
  return { labelId, startS, endS, kind, allClasses: false, decision: false, ...extra }
}

function kinds(intervals: EvidenceInterval[], annotated = true, windows = 10): string[] {
  return labelWindows(windowTimes(grid, windows, 10), intervals, classes, DEFAULT_OVERLAP_RULE, annotated).map((l) =>
    l.kind === 'example' ? `+${l.positives.join('')}-${l.negatives.join('')}${l.conflicts ? `!${l.conflicts}` : ''}` : l.kind,
  )
}

describe('labelling the windows of a recording', () => {
  it('makes the windows holding half a call positive and leaves the rest of an annotated recording as background', () => {
    // windows start at 0, 0.5, 1 … 4.5; a call of class 0 at 2.2–2.8
    expect(kinds([iv(10, 2.2, 2.8)])).toEqual(['background', 'background', 'background', '+0-', '+0-', '+0-', 'background', 'background', 'background', 'background'])
  })

  it('offers no background from a recording nobody annotated', () => {
    expect(kinds([iv(10, 2.2, 2.8)], false)).toEqual(['none', 'none', 'none', '+0-', '+0-', '+0-', 'none', 'none', 'none', 'none'])
  })

  it('leaves out windows a call of a class only partly overlaps', () => {
    // a 3 s call at 0.8–3.8: window 3.5–4.5 holds 0.3 s (30 % of it, 10 % of the call)
    const out = kinds([iv(10, 0.8, 3.8)])
    expect(out[7]).toBe('ambiguous')
    expect(out.slice(1, 7)).toEqual(['+0-', '+0-', '+0-', '+0-', '+0-', '+0-'])
    expect(out[0]).toBe('ambiguous') // window 0–1 holds 0.2 s
    expect(out[8]).toBe('background')
  })

  it('leaves out a window positive for one class when a call of another class only partly covers it', () => {
    const out = kinds([iv(10, 2, 3), iv(20, 2.8, 6)])
    // window 2–3 is positive for class 0 and holds 0.2 s of the long class-1 call: ambiguous for class 1
    expect(out[4]).toBe('ambiguous')
  })

  it('turns a rejected detection into an explicit negative and a no-call annotation into a negative for every class', () => {
    const out = kinds([iv(20, 1, 2, 'negative'), iv(99, 3, 4, 'negative', { allClasses: true })], false)
    expect(out[2]).toBe('+-1')
    expect(out[6]).toBe('+-01')
    expect(out[0]).toBe('none')
  })

  it('lets the positive win when a window is both labelled and rejected for a class, and counts the conflict', () => {
    expect(kinds([iv(10, 2, 3), iv(10, 2, 3, 'negative')])[4]).toBe('+0-!1')
  })

  it('leaves out windows overlapping an uncertain review of a class', () => {
    expect(kinds([iv(10, 2, 3, 'uncertain')])[4]).toBe('ambiguous')
  })

  it('applies a window decision to that window only', () => {
    const out = kinds([iv(20, 2, 3, 'negative', { decision: true })], false)
    expect(out.filter((k) => k !== 'none')).toEqual(['+-1'])
    expect(out[4]).toBe('+-1')
  })

  it('ignores annotations of labels that are not classes (they neither label nor block a window)', () => {
    expect(kinds([iv(77, 2, 3)])[4]).toBe('background')
  })
})
