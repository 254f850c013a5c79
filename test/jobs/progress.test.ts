import { afterEach, describe, expect, it, vi } from 'vitest'
import { ProgressEstimator } from '../../src-main/jobs/progress-estimator'
import { throttle } from '../../src-main/jobs/throttle'

describe('ProgressEstimator', () => {
  it('measures a steady rate and derives the ETA from it', () => {
    const e = new ProgressEstimator()
    expect(e.update({ done: 0, total: 1000, unit: 'files' }, 0)).toEqual({ done: 0, total: 1000, unit: 'files', rate: null, etaSeconds: null, message: null })
    e.update({ done: 100, total: 1000, unit: 'files' }, 1000)
    const p = e.update({ done: 200, total: 1000, unit: 'files', message: 'checking' }, 2000)
    expect(p.rate).toBeCloseTo(100, 9)
    expect(p.etaSeconds).toBeCloseTo(8, 9)
    expect(p.message).toBe('checking')
  })

  it('smooths a sudden change instead of jumping to it', () => {
    const e = new ProgressEstimator()
    e.update({ done: 0, total: null, unit: 'files' }, 0)
    e.update({ done: 100, total: null, unit: 'files' }, 1000)
    const p = e.update({ done: 1100, total: null, unit: 'files' }, 2000)
    // alpha = 1 - exp(-1/3) ≈ 0.2835: 100 + 0.2835 * (1000 - 100)
    expect(p.rate).toBeCloseTo(100 + (1 - Math.exp(-1 / 3)) * 900, 6)
    expect(p.etaSeconds).toBeNull()
  })

  it('starts over when the unit changes (a new phase) and reports ETA 0 when done', () => {
    const e = new ProgressEstimator()
    e.update({ done: 0, total: null, unit: 'files' }, 0)
    e.update({ done: 500, total: null, unit: 'files' }, 1000)
    expect(e.update({ done: 0, total: 10, unit: 'bytes' }, 1500).rate).toBeNull()
    expect(e.update({ done: 10, total: 10, unit: 'bytes' }, 1600).etaSeconds).toBe(0)
  })
})

describe('throttle', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('passes the first value at once and folds a burst into one trailing call with the latest value', () => {
    vi.useFakeTimers()
    const seen: number[] = []
    const t = throttle((v: number) => seen.push(v), 100)
    t.push(1)
    t.push(2)
    t.push(3)
    expect(seen).toEqual([1])
    vi.advanceTimersByTime(99)
    expect(seen).toEqual([1])
    vi.advanceTimersByTime(1)
    expect(seen).toEqual([1, 3])
    t.push(4)
    t.flush()
    expect(seen).toEqual([1, 3, 4])
    t.push(5)
    t.cancel()
    vi.advanceTimersByTime(1000)
    expect(seen).toEqual([1, 3, 4])
  })
})
