import { describe, expect, it } from 'vitest'
import { DEFAULT_OVERLAP_RULE } from '../../src-shared/contracts'
import { DECISION_RULE, windowRelation } from '../../src-main/training/overlap'

describe('window ↔ interval overlap rule', () => {
  const rule = DEFAULT_OVERLAP_RULE

  it('matches a window that holds at least half of a short call, whichever window it is', () => {
    // a 0.6 s call at 10.2–10.8 s and 1 s windows every 0.5 s
    expect(windowRelation(9.5, 10.5, 10.2, 10.8, rule)).toBe('match') // 0.3 s inside: half the call
    expect(windowRelation(10, 11, 10.2, 10.8, rule)).toBe('match')
    expect(windowRelation(10.5, 11.5, 10.2, 10.8, rule)).toBe('match')
    expect(windowRelation(11, 12, 10.2, 10.8, rule)).toBe('none')
  })

  it('calls a window partial when a long call covers less than half of it and less than half of the call is inside', () => {
    // a 3 s call at 10–13 s: the window 12.7–13.7 holds 0.3 s of it (30 % of the window, 10 % of the call)
    expect(windowRelation(12.7, 13.7, 10, 13, rule)).toBe('partial')
    expect(windowRelation(12.5, 13.5, 10, 13, rule)).toBe('match') // exactly half the window
  })

  it('treats touching intervals as not overlapping', () => {
    expect(windowRelation(1, 2, 2, 3, rule)).toBe('none')
    expect(windowRelation(1, 2, 0, 1, rule)).toBe('none')
  })

  it('follows a configured rule: any overlap when both shares are 0, only full windows when cover must be 1', () => {
    expect(windowRelation(0, 1, 0.99, 5, { minWindowCover: 0, minEventInside: 0 })).toBe('match')
    expect(windowRelation(0, 1, 0.5, 5, { minWindowCover: 1, minEventInside: 1 })).toBe('partial')
    expect(windowRelation(1, 2, 0.5, 5, { minWindowCover: 1, minEventInside: 1 })).toBe('match')
  })

  it('applies a window decision to that window, not to its half-overlapping neighbours', () => {
    expect(windowRelation(2, 3, 2, 3, DECISION_RULE)).toBe('match')
    expect(windowRelation(2.5, 3.5, 2, 3, DECISION_RULE)).toBe('partial')
    expect(windowRelation(2.05, 3.05, 2, 3, DECISION_RULE)).toBe('match')
  })
})
