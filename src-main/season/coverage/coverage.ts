// Coverage of one deployment: when its recorder recorded, where it did not, and its schedule.
// Times are epoch ms in UTC when every dated recording states its zone; otherwise the wall clock
// read as UTC for all of them (`zoneKnown: false`), so a deployment is never drawn half in one
// convention and half in the other.
//
// Gaps are breaks in the schedule, not its planned off-time: with a detected duty cycle, a gap is
// a step between starts longer than 1.5 periods (at least one scheduled recording missing); without
// one (or when recording continuously), any break longer than the tolerance.
import type { Coverage } from '../../../src-shared/contracts'
import { detectDutyCycle, SCHEDULE_TOLERANCE_S, type TimedInterval } from './duty-cycle'

export interface CoverageRecording {
  id: number
  startUtcMs: number | null
  startLocalMs: number | null
  durationS: number | null
}

export function computeCoverage(deploymentId: number, recordings: readonly CoverageRecording[]): Coverage {
  const dated = recordings.filter((r) => r.startLocalMs !== null && r.durationS !== null)
  const zoneKnown = dated.length > 0 && dated.every((r) => r.startUtcMs !== null)
  const intervals = dated
    .map((r) => {
      const start = (zoneKnown ? r.startUtcMs : r.startLocalMs) as number
      return { recordingId: r.id, start, end: start + (r.durationS as number) * 1000 }
    })
    .sort((a, b) => a.start - b.start || a.recordingId - b.recordingId)
  const dutyCycle = detectDutyCycle(intervals)
  const tol = SCHEDULE_TOLERANCE_S * 1000

  // Overlapping recordings count once; runs closer than the tolerance are not broken by a gap.
  const union = mergeIntervals(intervals, 0)
  const runs = mergeIntervals(intervals, tol)

  const gaps: TimedInterval[] = []
  if (dutyCycle && dutyCycle.fraction < 1) {
    const limit = 1.5 * dutyCycle.periodSeconds * 1000
    let reach = intervals[0]?.end ?? 0
    for (let k = 1; k < intervals.length; k++) {
      if (intervals[k].start - intervals[k - 1].start > limit && intervals[k].start > reach) gaps.push({ start: reach, end: intervals[k].start })
      reach = Math.max(reach, intervals[k].end)
    }
  } else {
    for (let k = 1; k < runs.length; k++) gaps.push({ start: runs[k - 1].end, end: runs[k].start })
  }

  const recordedMs = union.reduce((sum, r) => sum + (r.end - r.start), 0)
  const span = runs.length > 0 ? runs[runs.length - 1].end - runs[0].start : 0
  return {
    deploymentId,
    zoneKnown,
    intervals,
    gaps,
    recordedSeconds: recordedMs / 1000,
    spanSeconds: span / 1000,
    dutyCycle,
    recordingsWithoutTime: recordings.length - dated.length,
  }
}

/** `sorted` by start; neighbours less than `slackMs` apart join one run. */
function mergeIntervals(sorted: readonly TimedInterval[], slackMs: number): TimedInterval[] {
  const runs: TimedInterval[] = []
  for (const i of sorted) {
    const last = runs[runs.length - 1]
    if (last && i.start <= last.end + slackMs) last.end = Math.max(last.end, i.end)
    else runs.push({ start: i.start, end: i.end })
  }
  return runs
}
