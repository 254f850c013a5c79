// A recorder's schedule from its recordings: the most common step between consecutive starts is
// the period when it accounts for at least half the steps (an AudioMoth recording 1 min every
// 10 min steps 600 s, with a longer step where a night or a day was skipped), and the median
// recording length is the time on. Continuous recording (files back to back) is a schedule too:
// on = period, fraction 1. Triggered or hand-started recordings have no common step: null.

export interface DutyCycle {
  onSeconds: number
  periodSeconds: number
  fraction: number
}

export interface TimedInterval {
  start: number
  end: number
}

/** Starts are allowed to wander this much from the schedule (clocks, file names without ms). */
export const SCHEDULE_TOLERANCE_S = 2

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b)
  const mid = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
}

/** `intervals` in epoch ms, sorted by start. */
export function detectDutyCycle(intervals: readonly TimedInterval[]): DutyCycle | null {
  if (intervals.length < 3) return null
  const steps: number[] = []
  for (let i = 1; i < intervals.length; i++) {
    const step = (intervals[i].start - intervals[i - 1].start) / 1000
    if (step > 0) steps.push(step)
  }
  if (steps.length < 2) return null
  steps.sort((a, b) => a - b)
  // The densest window of steps within ±tolerance: a sliding window over the sorted steps.
  let best = { count: 0, from: 0, to: 0 }
  let lo = 0
  for (let hi = 0; hi < steps.length; hi++) {
    while (steps[hi] - steps[lo] > 2 * Math.max(SCHEDULE_TOLERANCE_S, 0.005 * steps[hi])) lo++
    if (hi - lo + 1 > best.count) best = { count: hi - lo + 1, from: lo, to: hi }
  }
  if (best.count < Math.max(2, steps.length / 2)) return null
  // The mean, not the median: clock jitter does not accumulate, so it averages out.
  const regular = steps.slice(best.from, best.to + 1)
  const period = Math.round(regular.reduce((a, b) => a + b, 0) / regular.length)
  const on = median(intervals.map((i) => (i.end - i.start) / 1000))
  if (period <= 0 || on <= 0) return null
  const onSeconds = on >= period - SCHEDULE_TOLERANCE_S ? period : Math.round(on * 1000) / 1000
  return { onSeconds, periodSeconds: period, fraction: onSeconds / period }
}
