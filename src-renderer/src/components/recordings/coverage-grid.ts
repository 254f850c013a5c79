// A deployment's coverage as a days × hours grid: how much of each hour was recorded, and which
// empty hours are breaks in the schedule (a missing file, a dead battery) rather than planned
// off-time. Times are the epoch values of the coverage answer read as UTC (the recorder's wall
// clock when its zone is unknown).
import type { Coverage } from '../../../../src-shared/contracts'

const HOUR = 3_600_000
const DAY = 24 * HOUR
/** Past this, the grid shows the first days only (the list below still has everything). */
export const MAX_DAYS = 400

export interface CoverageGrid {
  /** "2024-05-01" per row */
  days: string[]
  /** Fraction recorded, row-major: days × 24 */
  recorded: Float32Array
  /** 1 where the hour lies in a reported gap and nothing was recorded */
  gap: Uint8Array
  truncated: boolean
}

function dayLabel(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10)
}

/** Calls `add` for each hour cell [start, end) overlaps, with the overlap in ms. */
function spread(firstDay: number, days: number, start: number, end: number, add: (cell: number, overlapMs: number) => void): void {
  let t = Math.max(start, firstDay)
  const stop = Math.min(end, firstDay + days * DAY)
  while (t < stop) {
    const cell = Math.floor((t - firstDay) / HOUR)
    const next = Math.min(stop, firstDay + (cell + 1) * HOUR)
    add(cell, next - t)
    t = next
  }
}

export function coverageGrid(coverage: Coverage): CoverageGrid {
  const starts = coverage.intervals.map((i) => i.start)
  const ends = coverage.intervals.map((i) => i.end)
  if (starts.length === 0) return { days: [], recorded: new Float32Array(0), gap: new Uint8Array(0), truncated: false }
  const firstDay = Math.floor(Math.min(...starts) / DAY) * DAY
  const lastDay = Math.floor((Math.max(...ends) - 1) / DAY) * DAY
  const allDays = Math.round((lastDay - firstDay) / DAY) + 1
  const days = Math.min(allDays, MAX_DAYS)
  const recorded = new Float32Array(days * 24)
  const gapMs = new Float32Array(days * 24)
  for (const i of coverage.intervals) spread(firstDay, days, i.start, i.end, (c, ms) => (recorded[c] += ms / HOUR))
  for (const g of coverage.gaps) spread(firstDay, days, g.start, g.end, (c, ms) => (gapMs[c] += ms))
  const gap = new Uint8Array(days * 24)
  for (let c = 0; c < recorded.length; c++) {
    recorded[c] = Math.min(1, recorded[c])
    // An hour mostly inside a gap with nothing recorded at all is missing data; one with even a
    // short recording is a duty-cycled hour, not a hole.
    if (gapMs[c] >= HOUR / 2 && recorded[c] === 0) gap[c] = 1
  }
  return { days: Array.from({ length: days }, (_, d) => dayLabel(firstDay + d * DAY)), recorded, gap, truncated: allDays > days }
}
