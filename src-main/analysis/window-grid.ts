// Window times of an analysis, derived from the window index exactly as the window pooler of the
// embed pipeline places them (whole 16 kHz samples), so the times an analysis stores and the ones
// a rescore recomputes from stored embeddings are the same numbers.
import { AppError } from '../errors'
import { SAMPLE_RATE } from '../model/embed/chunker'

/** A window shorter than one time patch (0.16 s) could hold no patch centre and leave gaps. */
export const MIN_WINDOW_S = 0.2
export const MIN_HOP_S = 0.05
export const MAX_WINDOW_S = 600

export interface WindowGrid {
  windowS: number
  hopS: number
}

export function checkWindowGrid(grid: WindowGrid): void {
  const { windowS, hopS } = grid
  if (!(Number.isFinite(windowS) && windowS >= MIN_WINDOW_S && windowS <= MAX_WINDOW_S)) {
    throw new AppError('INVALID_REQUEST', `window length must be between ${MIN_WINDOW_S} s and ${MAX_WINDOW_S} s, got ${windowS}`)
  }
  if (!(Number.isFinite(hopS) && hopS >= MIN_HOP_S && hopS <= MAX_WINDOW_S)) {
    throw new AppError('INVALID_REQUEST', `window hop must be between ${MIN_HOP_S} s and ${MAX_WINDOW_S} s, got ${hopS}`)
  }
}

/** Start and end (seconds) of windows first…first+count−1; ends are clipped to `audioSeconds`. */
export function windowTimes(grid: WindowGrid, count: number, audioSeconds: number, first = 0): { start: Float64Array; end: Float64Array } {
  const hop = Math.round(grid.hopS * SAMPLE_RATE)
  const length = Math.round(grid.windowS * SAMPLE_RATE)
  const start = new Float64Array(count)
  const end = new Float64Array(count)
  for (let i = 0; i < count; i++) {
    const w = first + i
    start[i] = (w * hop) / SAMPLE_RATE
    end[i] = Math.min((w * hop + length) / SAMPLE_RATE, audioSeconds)
  }
  return { start, end }
}
