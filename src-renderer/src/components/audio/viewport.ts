// The visible window of a recording: where it starts and how many pixels a second takes. Times are
// file (media) seconds — what the player and the waveform count in.

export interface Viewport {
  startS: number
  pxPerSec: number
  widthPx: number
}

/** The zoom at which the whole recording fills the width. */
export function fitPxPerSec(durationS: number, widthPx: number): number {
  return durationS > 0 && widthPx > 0 ? widthPx / durationS : 1
}

/**
 * Closest zoom: a few samples per pixel, and a total width browsers can still lay out
 * (element widths stop growing near 33 million pixels).
 */
export function maxPxPerSec(durationS: number, sampleRate: number): number {
  return Math.max(1, Math.min(sampleRate / 4, 30_000_000 / Math.max(durationS, 1e-3)))
}

export function visibleEnd(v: Viewport): number {
  return v.startS + v.widthPx / v.pxPerSec
}

export function clampViewport(v: Viewport, durationS: number, maxPx: number): Viewport {
  const minPx = fitPxPerSec(durationS, v.widthPx)
  const pxPerSec = Math.min(Math.max(v.pxPerSec, minPx), Math.max(minPx, maxPx))
  const span = v.widthPx / pxPerSec
  const startS = Math.min(Math.max(0, v.startS), Math.max(0, durationS - span))
  return { startS, pxPerSec, widthPx: v.widthPx }
}

/** Zoom by `factor`, keeping time `anchorS` under the same pixel. */
export function zoomAround(v: Viewport, factor: number, anchorS: number, durationS: number, maxPx: number): Viewport {
  const anchorX = (anchorS - v.startS) * v.pxPerSec
  const zoomed = clampViewport({ ...v, pxPerSec: v.pxPerSec * factor }, durationS, maxPx)
  return clampViewport({ ...zoomed, startS: anchorS - anchorX / zoomed.pxPerSec }, durationS, maxPx)
}

/** Show [startS, endS] with a margin, zooming out or in as needed. */
export function showRange(v: Viewport, startS: number, endS: number, durationS: number, maxPx: number, margin = 0.15): Viewport {
  const span = Math.max(endS - startS, 1e-3)
  const padded = span * (1 + 2 * margin)
  const pxPerSec = v.widthPx / padded
  return clampViewport({ widthPx: v.widthPx, pxPerSec, startS: startS - span * margin }, durationS, maxPx)
}

/** Scroll just enough that [startS, endS] is visible (keeps the zoom unless it cannot fit). */
export function revealRange(v: Viewport, startS: number, endS: number, durationS: number, maxPx: number): Viewport {
  const span = v.widthPx / v.pxPerSec
  if (endS - startS > span) return showRange(v, startS, endS, durationS, maxPx)
  if (startS >= v.startS && endS <= v.startS + span) return v
  return clampViewport({ ...v, startS: startS - (span - (endS - startS)) / 2 }, durationS, maxPx)
}

const STEPS = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600, 43200, 86400]

/** The smallest "round" tick step (seconds) leaving at least `minPx` between labels. */
export function tickStep(pxPerSec: number, minPx = 90): number {
  for (const s of STEPS) if (s * pxPerSec >= minPx) return s
  return STEPS[STEPS.length - 1]
}
