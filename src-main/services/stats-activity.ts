// Activity tables from two sets of hour buckets: how long the recorders recorded in each wall-clock
// hour, and how many detections started in it. A recording spanning several hours (or days)
// contributes to each hour the part of its duration that falls inside it.
import type { Activity, DailyActivity, DielCell } from '../../src-shared/contracts'
import { DAY_MS, HOUR_MS, wallDate } from './detections-wall-clock'

export interface RecordedSpan {
  /** wall-clock start, ms */
  startLocalMs: number
  durationS: number
}

/** Hour index (wall ms / 1 h, floored) → recorded milliseconds in that hour, clipped to [fromMs, toMs). */
export function recordedByHour(spans: Iterable<RecordedSpan>, fromMs = -Infinity, toMs = Infinity): Map<number, number> {
  const out = new Map<number, number>()
  for (const span of spans) {
    const start = Math.max(span.startLocalMs, fromMs)
    const end = Math.min(span.startLocalMs + span.durationS * 1000, toMs)
    if (!(end > start)) continue
    for (let h = Math.floor(start / HOUR_MS); h * HOUR_MS < end; h++) {
      const part = Math.min(end, (h + 1) * HOUR_MS) - Math.max(start, h * HOUR_MS)
      if (part > 0) out.set(h, (out.get(h) ?? 0) + part)
    }
  }
  return out
}

const MAX_DENSE_DAYS = 1000

function rate(detections: number, hours: number): number | null {
  return hours > 0 ? detections / hours : null
}

/** Daily and diel tables; hours without recording have recordedHours 0 and a null rate. */
export function activityTables(recordedMs: Map<number, number>, detectionsByHour: Map<number, number>): Pick<Activity, 'daily' | 'diel' | 'sparseDates' | 'totals'> {
  const days = new Set<number>()
  for (const h of [...recordedMs.keys(), ...detectionsByHour.keys()]) days.add(Math.floor((h * HOUR_MS) / DAY_MS))
  const known = [...days].sort((a, b) => a - b)
  let dayList = known
  let sparseDates = false
  if (known.length > 0) {
    const span = known[known.length - 1] - known[0] + 1
    if (span <= MAX_DENSE_DAYS) dayList = Array.from({ length: span }, (_, i) => known[0] + i)
    else sparseDates = true
  }

  const daily: DailyActivity[] = []
  const diel: DielCell[] = []
  let totalDetections = 0
  let totalMs = 0
  for (const day of dayList) {
    const date = wallDate(day * DAY_MS)
    let dayDetections = 0
    let dayMs = 0
    for (let hour = 0; hour < 24; hour++) {
      const h = day * 24 + hour
      const ms = recordedMs.get(h) ?? 0
      const n = detectionsByHour.get(h) ?? 0
      dayMs += ms
      dayDetections += n
      diel.push({ date, hour, detections: n, recordedHours: ms / HOUR_MS, perRecordedHour: rate(n, ms / HOUR_MS) })
    }
    totalDetections += dayDetections
    totalMs += dayMs
    daily.push({ date, detections: dayDetections, recordedHours: dayMs / HOUR_MS, perRecordedHour: rate(dayDetections, dayMs / HOUR_MS) })
  }
  return {
    daily,
    diel,
    sparseDates,
    totals: { detections: totalDetections, recordedHours: totalMs / HOUR_MS, perRecordedHour: rate(totalDetections, totalMs / HOUR_MS) },
  }
}
