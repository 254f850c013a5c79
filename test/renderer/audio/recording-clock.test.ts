import { describe, expect, it } from 'vitest'
import { fileToTrue, formatClockDate, formatClockTime, formatOffset, recordingClock, trueToFile } from '../../../src-renderer/src/components/audio/recording-clock'

describe('recording clock', () => {
  it("reads the recorder's wall clock and zone as written, not in the viewer's zone", () => {
    const c = recordingClock('2024-05-01T23:59:30+02:00')
    expect(c.zone).toBe('UTC+02:00')
    expect(formatClockTime(c, 0)).toBe('23:59:30')
    expect(formatClockTime(c, 45)).toBe('00:00:15')
    expect(formatClockDate(c, 45)).toBe('2024-05-02')
    expect(recordingClock('2024-05-01T05:30:00Z').zone).toBe('UTC')
    expect(recordingClock('2024-05-01T05:30:00-0430').zone).toBe('UTC-04:30')
  })

  it('keeps a start without zone as local wall time, and shows decimals when ticks need them', () => {
    const c = recordingClock('2024-05-01 05:30:00.250')
    expect(c.zone).toBeNull()
    expect(formatClockTime(c, 1.5, 2)).toBe('05:30:01.75')
    expect(formatClockTime(c, 0.0004, 3)).toBe('05:30:00.250')
  })

  it('falls back to the offset from the start when the start is unknown', () => {
    const c = recordingClock(null)
    expect(c.startWallMs).toBeNull()
    expect(formatClockTime(c, 3725.5, 1)).toBe('1:02:05.5')
    expect(formatClockDate(c, 10)).toBeNull()
    expect(recordingClock('yesterday at dawn').startWallMs).toBeNull()
  })

  it('maps file time to true time by the time-expansion factor', () => {
    const c = recordingClock('2024-06-01T22:00:00', 10)
    expect(fileToTrue(c, 30)).toBe(3)
    expect(trueToFile(c, 0.25)).toBe(2.5)
    expect(recordingClock(null, 0).timeExpansion).toBe(1)
  })

  it('formats offsets as m:ss or h:mm:ss', () => {
    expect(formatOffset(62.25, 2)).toBe('1:02.25')
    expect(formatOffset(7)).toBe('0:07')
    expect(formatOffset(3600)).toBe('1:00:00')
  })
})
