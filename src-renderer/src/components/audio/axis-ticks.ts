// Tick positions for the time and frequency axes.
import { decimalsFor, formatClockTime, type RecordingClock } from './recording-clock'
import { tickStep, type Viewport } from './viewport'

export interface Tick {
  /** px from the left (time) or top (frequency) */
  at: number
  label: string | null
}

/**
 * Time ticks at round values of the recorder's clock (or of seconds from the start without one),
 * labelled every major step, unlabelled minor ticks between when they do not crowd.
 */
export function timeTicks(v: Viewport, clock: RecordingClock, minLabelPx = 90): Tick[] {
  const te = clock.timeExpansion
  const pxPerTrue = v.pxPerSec * te
  const step = tickStep(pxPerTrue, minLabelPx)
  const minor = step * pxPerTrue >= 50 ? step / 5 : step / 2
  const t0 = v.startS / te
  const t1 = (v.startS + v.widthPx / v.pxPerSec) / te
  // Align to the wall clock: ticks fall on 05:31:00, not on 05:30:47 + n·step.
  const origin = clock.startWallMs === null ? 0 : (clock.startWallMs / 1000) % 86_400
  const decimals = decimalsFor(step)
  const ticks: Tick[] = []
  const first = Math.ceil((t0 + origin) / minor - 1e-9)
  for (let i = first; (i * minor - origin) <= t1 + 1e-9; i++) {
    const t = i * minor - origin
    const major = Math.abs(Math.round((i * minor) / step) * step - i * minor) < minor / 1000
    ticks.push({ at: (t * te - v.startS) * v.pxPerSec, label: major ? formatClockTime(clock, t, decimals) : null })
    if (ticks.length > 2000) break
  }
  return ticks
}

const HZ_STEPS = [10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000]

export function formatHz(hz: number): string {
  if (hz === 0) return '0'
  if (hz >= 1000) return `${+(hz / 1000).toFixed(hz % 1000 === 0 ? 0 : 1)}k`
  return `${Math.round(hz)}`
}

/** Frequency ticks from lowHz (bottom) to highHz (top) over `height` px. */
export function frequencyTicks(lowHz: number, highHz: number, height: number, minPx = 28): Tick[] {
  const span = Math.max(1, highHz - lowHz)
  const step = HZ_STEPS.find((s) => (s / span) * height >= minPx) ?? HZ_STEPS[HZ_STEPS.length - 1]
  const ticks: Tick[] = []
  for (let f = Math.ceil(lowHz / step) * step; f <= highHz + 1e-6; f += step) {
    ticks.push({ at: ((highHz - f) / span) * height, label: formatHz(f) })
  }
  return ticks
}
