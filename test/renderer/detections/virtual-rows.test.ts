import { describe, expect, it } from 'vitest'
import { MAX_SCROLL_PX, rowWindow, scrollTopFor, visibleRows } from '../../../src-renderer/src/components/detections/virtual-rows'

const small = { total: 1000, rowHeight: 34, viewportHeight: 340 }
const million = { total: 1_000_000, rowHeight: 34, viewportHeight: 340 }

describe('virtual rows', () => {
  it('draws the rows on screen and a few more, at their true place, for a table that fits the browser', () => {
    expect(rowWindow(0, small, 2)).toEqual({ first: 0, last: 12, top: 0, contentHeight: 34_000 })
    expect(rowWindow(3400, small, 2)).toEqual({ first: 98, last: 112, top: 98 * 34, contentHeight: 34_000 })
  })

  it('compresses a million rows into the browser’s height limit and still reaches the last row', () => {
    const end = MAX_SCROLL_PX - million.viewportHeight
    const w = rowWindow(end, million, 0)
    expect(w.contentHeight).toBe(MAX_SCROLL_PX)
    expect(w.last).toBe(999_999)
    // The last row ends exactly at the bottom of the scrolled content.
    expect(w.top + (w.last - w.first + 1) * 34).toBeCloseTo(MAX_SCROLL_PX, 6)
    const middle = rowWindow(end / 2, million, 0)
    expect(middle.first).toBe(Math.floor(((1_000_000 * 34 - 340) / 2) / 34))
  })

  it('draws no rows for an empty table', () => {
    expect(rowWindow(0, { ...small, total: 0 })).toEqual({ first: 0, last: -1, top: 0, contentHeight: 0 })
  })

  it('scrolls just enough to show a row, both directions, and not at all when it is visible', () => {
    expect(scrollTopFor(5, 0, small)).toBe(0)
    expect(scrollTopFor(10, 0, small)).toBe(11 * 34 - 340)
    expect(scrollTopFor(3, 3400, small)).toBe(3 * 34)
    for (const index of [0, 123_456, 999_999]) {
      const top = scrollTopFor(index, 0, million)
      const { first, last } = visibleRows(Math.round(top), million)
      expect(index).toBeGreaterThanOrEqual(first - 1)
      expect(index).toBeLessThanOrEqual(last + 1)
    }
  })
})
