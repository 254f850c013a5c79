import { describe, expect, it } from 'vitest'
import { dragExtent, extentFromDrag, hzOfY, overlayRect, trueOfX, type OverlayLayout } from '../../../src-renderer/src/components/audio/overlay'

// 10 s visible from t = 100 s across 1000 px; waveform band 100 px over a 200 px spectrogram of 0–20 kHz.
const layout: OverlayLayout = { viewport: { startS: 100, pxPerSec: 100, widthPx: 1000 }, timeExpansion: 1, waveHeight: 100, specHeight: 200, lowHz: 0, highHz: 20_000 }
const bounds = { durationS: 600, nyquistHz: 24_000, minS: 0.01, minHz: 50 }

describe('overlay geometry', () => {
  it('draws a segment over both bands and a box only over its frequencies', () => {
    expect(overlayRect(layout, { startS: 101, endS: 102.5, lowHz: null, highHz: null })).toEqual({ left: 100, top: 0, width: 150, height: 300 })
    expect(overlayRect(layout, { startS: 101, endS: 102, lowHz: 5000, highHz: 15_000 })).toEqual({ left: 100, top: 150, width: 100, height: 100 })
    expect(overlayRect(layout, { startS: 50, endS: 60, lowHz: null, highHz: null })).toBeNull()
    expect(overlayRect(layout, { startS: 101, endS: 102, lowHz: 21_000, highHz: 23_000 })).toBeNull()
  })

  it('converts pointer positions to true time and frequency (time expansion divides time)', () => {
    expect(trueOfX(layout, 250)).toBe(102.5)
    expect(trueOfX({ ...layout, timeExpansion: 10 }, 250)).toBeCloseTo(10.25, 12)
    expect(hzOfY(layout, 100)).toBe(20_000)
    expect(hzOfY(layout, 200)).toBe(10_000)
    expect(hzOfY(layout, 10)).toBe(20_000)
  })

  it('moves an extent whole and keeps it inside the recording', () => {
    const box = { startS: 10, endS: 12, lowHz: 1000, highHz: 3000 }
    expect(dragExtent(box, 'move', 5, 500, bounds)).toEqual({ startS: 15, endS: 17, lowHz: 1500, highHz: 3500 })
    expect(dragExtent(box, 'move', -50, -5000, bounds)).toEqual({ startS: 0, endS: 2, lowHz: 0, highHz: 2000 })
    expect(dragExtent(box, 'move', 1000, 50_000, bounds)).toEqual({ startS: 598, endS: 600, lowHz: 22_000, highHz: 24_000 })
  })

  it('resizes by one edge without crossing the other', () => {
    const box = { startS: 10, endS: 12, lowHz: 1000, highHz: 3000 }
    expect(dragExtent(box, 'end', 0.5, 0, bounds).endS).toBe(12.5)
    expect(dragExtent(box, 'start', 5, 0, bounds).startS).toBeCloseTo(11.99, 12)
    expect(dragExtent(box, 'high', 0, -5000, bounds).highHz).toBe(1050)
    expect(dragExtent(box, 'low', 0, -2000, bounds).lowHz).toBe(0)
    // A segment has no frequency edges.
    expect(dragExtent({ startS: 1, endS: 2, lowHz: null, highHz: null }, 'low', 0, 100, bounds)).toEqual({ startS: 1, endS: 2, lowHz: null, highHz: null })
  })

  it('makes a segment or a box from the two corners of a drag, in any direction', () => {
    expect(extentFromDrag({ s: 5, hz: 9000 }, { s: 3, hz: 2000 }, false, bounds)).toEqual({ startS: 3, endS: 5, lowHz: null, highHz: null })
    expect(extentFromDrag({ s: 5, hz: 9000 }, { s: 3, hz: 2000 }, true, bounds)).toEqual({ startS: 3, endS: 5, lowHz: 2000, highHz: 9000 })
    expect(extentFromDrag({ s: -1, hz: 0 }, { s: 700, hz: 30_000 }, true, bounds)).toEqual({ startS: 0, endS: 600, lowHz: 0, highHz: 24_000 })
  })
})
