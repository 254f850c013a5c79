import { describe, expect, it } from 'vitest'
import { clampViewport, fitPxPerSec, maxPxPerSec, revealRange, showRange, tickStep, visibleEnd, zoomAround } from '../../../src-renderer/src/components/audio/viewport'

const HOUR = 3600

describe('viewport', () => {
  it('fits a whole recording into the width and never zooms out further', () => {
    expect(fitPxPerSec(HOUR, 1200)).toBeCloseTo(1 / 3, 12)
    const v = clampViewport({ startS: 50, pxPerSec: 0.01, widthPx: 1200 }, HOUR, 1000)
    expect(v).toEqual({ startS: 0, pxPerSec: 1200 / HOUR, widthPx: 1200 })
  })

  it('keeps the view inside the recording when scrolled past either end', () => {
    expect(clampViewport({ startS: -5, pxPerSec: 100, widthPx: 1000 }, 60, 1e4).startS).toBe(0)
    expect(clampViewport({ startS: 59, pxPerSec: 100, widthPx: 1000 }, 60, 1e4).startS).toBe(50)
  })

  it('zooms around the anchor: the time under the pointer stays under it', () => {
    const v = { startS: 100, pxPerSec: 10, widthPx: 1000 }
    const anchor = 130 // 300 px from the left
    const z = zoomAround(v, 4, anchor, HOUR, 1e5)
    expect(z.pxPerSec).toBe(40)
    expect((anchor - z.startS) * z.pxPerSec).toBeCloseTo(300, 9)
  })

  it('caps the zoom at a few samples per pixel and a layout-safe total width', () => {
    expect(maxPxPerSec(60, 48_000)).toBe(12_000)
    expect(maxPxPerSec(24 * HOUR, 48_000)).toBeCloseTo(30_000_000 / (24 * HOUR), 9)
    expect(zoomAround({ startS: 0, pxPerSec: 10_000, widthPx: 1000 }, 8, 0, 60, 12_000).pxPerSec).toBe(12_000)
  })

  it('shows a range with margins, and reveals one by scrolling only when it is out of view', () => {
    const v = { startS: 0, pxPerSec: 10, widthPx: 1000 }
    const shown = showRange(v, 20, 30, HOUR, 1e5)
    expect(shown.startS).toBeCloseTo(18.5, 9)
    expect(visibleEnd(shown)).toBeCloseTo(31.5, 9)
    expect(revealRange(v, 10, 20, HOUR, 1e5)).toBe(v)
    const moved = revealRange(v, 500, 510, HOUR, 1e5)
    expect(moved.pxPerSec).toBe(10)
    expect(moved.startS).toBeCloseTo(500 - 45, 9)
  })

  it('picks round tick steps that leave room for a label', () => {
    expect(tickStep(1000)).toBe(0.1)
    expect(tickStep(100)).toBe(1)
    expect(tickStep(10)).toBe(10)
    expect(tickStep(1200 / HOUR)).toBe(300)
  })
})
