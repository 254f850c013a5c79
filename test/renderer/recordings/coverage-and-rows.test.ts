import { describe, expect, it } from 'vitest'
import type { Coverage } from '../../../src-shared/contracts'
import { coverageGrid } from '../../../src-renderer/src/components/recordings/coverage-grid'
import { visibleRows } from '../../../src-renderer/src/components/recordings/virtual-rows'

const H = 3_600_000
const day1 = Date.UTC(2024, 4, 1)

function coverage(intervals: Array<[number, number]>, gaps: Array<[number, number]>): Coverage {
  return {
    deploymentId: 2,
    zoneKnown: false,
    intervals: intervals.map(([start, end], i) => ({ recordingId: i + 1, start, end })),
    gaps: gaps.map(([start, end]) => ({ start, end })),
    recordedSeconds: 0,
    spanSeconds: 0,
    dutyCycle: null,
    recordingsWithoutTime: 0,
  }
}

describe('coverage grid', () => {
  it('spreads recordings over day × hour cells by the fraction of each hour recorded', () => {
    // 04:30–06:00 on May 1st, and 10 minutes at 23:55–00:05 across midnight.
    const g = coverageGrid(coverage([[day1 + 4.5 * H, day1 + 6 * H], [day1 + 23 * H + 55 * 60_000, day1 + 24 * H + 5 * 60_000]], []))
    expect(g.days).toEqual(['2024-05-01', '2024-05-02'])
    expect([g.recorded[4], g.recorded[5], g.recorded[6]]).toEqual([0.5, 1, 0])
    expect(g.recorded[23]).toBeCloseTo(5 / 60, 6)
    expect(g.recorded[24]).toBeCloseTo(5 / 60, 6)
    expect(g.truncated).toBe(false)
  })

  it('marks an empty hour inside a gap as missing, but not a duty-cycled hour with a short recording', () => {
    // One minute every hour from 04:00, 06:00 missing: the gap runs 05:01–07:00.
    const g = coverageGrid(coverage([[day1 + 4 * H, day1 + 4 * H + 60_000], [day1 + 5 * H, day1 + 5 * H + 60_000], [day1 + 7 * H, day1 + 7 * H + 60_000]], [[day1 + 5 * H + 60_000, day1 + 7 * H]]))
    expect([...g.gap.slice(4, 8)]).toEqual([0, 0, 1, 0])
  })

  it('is empty without dated recordings and stops at a readable number of days', () => {
    expect(coverageGrid(coverage([], [])).days).toEqual([])
    const long = coverageGrid(coverage([[day1, day1 + 500 * 24 * H]], []))
    expect(long.days).toHaveLength(400)
    expect(long.truncated).toBe(true)
  })
})

describe('virtual rows', () => {
  it('renders only the rows in view plus a margin, over the full scroll height', () => {
    expect(visibleRows(0, 340, 34, 100_000)).toEqual({ first: 0, last: 18, offsetPx: 0, totalPx: 3_400_000 })
    expect(visibleRows(34 * 5000, 340, 34, 100_000)).toEqual({ first: 4992, last: 5018, offsetPx: 4992 * 34, totalPx: 3_400_000 })
    expect(visibleRows(34 * 99_995, 340, 34, 100_000).last).toBe(100_000)
    expect(visibleRows(0, 340, 34, 0)).toEqual({ first: 0, last: 0, offsetPx: 0, totalPx: 0 })
  })
})
