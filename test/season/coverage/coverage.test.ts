import { describe, expect, it } from 'vitest'
import { computeCoverage, type CoverageRecording } from '../../../src-main/season/coverage/coverage'
import { detectDutyCycle } from '../../../src-main/season/coverage/duty-cycle'

const DAY = 86_400_000
const T0 = Date.UTC(2024, 5, 1, 5, 0, 0)

/** Recordings of `seconds` starting at each of `starts` (UTC ms, zone known). */
function recs(starts: number[], seconds: number, opts: { zone?: boolean; offsetMs?: number } = {}): CoverageRecording[] {
  return starts.map((s, i) => ({ id: i + 1, startUtcMs: opts.zone === false ? null : s, startLocalMs: s + (opts.offsetMs ?? 0), durationS: seconds }))
}

/** AudioMoth: `seconds` every `period` s from 05:00 to 09:00 on `days` days. */
function mothDays(days: number, seconds: number, period: number, skip: Set<number> = new Set()): number[] {
  const out: number[] = []
  for (let d = 0; d < days; d++) for (let t = 0; t < 4 * 3600; t += period) out.push(T0 + d * DAY + t * 1000)
  return out.filter((_, i) => !skip.has(i))
}

describe('duty cycle and coverage of a deployment', () => {
  it('AudioMoth 1 min every 10 min: on 60 s, period 600 s; the night and one missing recording are gaps, the planned 9 min off are not', () => {
    const starts = mothDays(2, 60, 600, new Set([5]))
    const c = computeCoverage(7, recs(starts, 60))
    expect(c.dutyCycle).toEqual({ onSeconds: 60, periodSeconds: 600, fraction: 0.1 })
    expect(c.zoneKnown).toBe(true)
    expect(c.intervals).toHaveLength(47)
    expect(c.intervals[0]).toEqual({ recordingId: 1, start: T0, end: T0 + 60_000 })
    expect(c.gaps).toEqual([
      { start: T0 + 4 * 600_000 + 60_000, end: T0 + 6 * 600_000 }, // recording 6 missing
      { start: T0 + 23 * 600_000 + 60_000, end: T0 + DAY }, // 09:00 → next morning
    ])
    expect(c.recordedSeconds).toBe(47 * 60)
    expect(c.spanSeconds).toBe((DAY + 23 * 600_000 + 60_000) / 1000)
    expect(c.recordingsWithoutTime).toBe(0)
  })

  it('continuous hour-long files: fraction 1, the one missing hour is the only gap; overlapping files are counted once', () => {
    const starts = Array.from({ length: 10 }, (_, i) => T0 + i * 3_600_000).filter((_, i) => i !== 4)
    const rows = recs(starts, 3600)
    rows[0].durationS = 3600.5 // overlaps the next by half a second
    const c = computeCoverage(1, rows)
    expect(c.dutyCycle).toEqual({ onSeconds: 3600, periodSeconds: 3600, fraction: 1 })
    expect(c.gaps).toEqual([{ start: T0 + 4 * 3_600_000, end: T0 + 5 * 3_600_000 }])
    expect(c.recordedSeconds).toBe(9 * 3600)
    expect(c.spanSeconds).toBe(10 * 3600)
  })

  it('triggered recordings at irregular times: no duty cycle, every break is a gap', () => {
    const starts = [0, 13, 47, 48.5, 300, 1234].map((s) => T0 + s * 1000)
    const c = computeCoverage(1, recs(starts, 1))
    expect(c.dutyCycle).toBeNull()
    // 47 s and 48.5 s are 0.5 s apart after the first ends: within the 2 s tolerance, one run.
    expect(c.gaps.map((g) => [(g.start - T0) / 1000, (g.end - T0) / 1000])).toEqual([[1, 13], [14, 47], [49.5, 300], [301, 1234]])
    expect(c.recordedSeconds).toBe(6)
  })

  it('start times without a zone are wall clock read as UTC, and one such recording makes the whole deployment zone-unknown', () => {
    const starts = mothDays(1, 60, 600).slice(0, 6)
    const rows = recs(starts, 60, { offsetMs: 3_600_000 })
    rows[2] = { ...rows[2], startUtcMs: null }
    const c = computeCoverage(1, rows)
    expect(c.zoneKnown).toBe(false)
    expect(c.intervals.map((i) => i.start)).toEqual(starts.map((s) => s + 3_600_000))
    expect(c.dutyCycle).toEqual({ onSeconds: 60, periodSeconds: 600, fraction: 0.1 })
    const zoned = computeCoverage(1, recs(starts, 60, { offsetMs: 3_600_000 }))
    expect(zoned.zoneKnown).toBe(true)
    expect(zoned.intervals.map((i) => i.start)).toEqual(starts)
  })

  it('recordings without a start time (or without audio) are counted apart; an empty deployment has nothing', () => {
    const rows: CoverageRecording[] = [...recs([T0, T0 + 600_000], 60), { id: 9, startUtcMs: null, startLocalMs: null, durationS: 60 }, { id: 10, startUtcMs: T0, startLocalMs: T0, durationS: null }]
    const c = computeCoverage(3, rows)
    expect(c).toMatchObject({ deploymentId: 3, recordingsWithoutTime: 2, recordedSeconds: 120, dutyCycle: null })
    expect(computeCoverage(4, [])).toEqual({ deploymentId: 4, zoneKnown: false, intervals: [], gaps: [], recordedSeconds: 0, spanSeconds: 0, dutyCycle: null, recordingsWithoutTime: 0 })
  })

  it('detects the schedule through clock jitter of a second and through a few restarts', () => {
    const starts = Array.from({ length: 40 }, (_, i) => T0 + i * 300_000 + (i % 3) * 700)
    starts.splice(20, 0, starts[19] + 17_000)
    expect(detectDutyCycle(starts.map((s) => ({ start: s, end: s + 30_000 })))).toEqual({ onSeconds: 30, periodSeconds: 300, fraction: 0.1 })
  })
})
