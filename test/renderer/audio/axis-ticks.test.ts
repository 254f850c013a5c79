import { describe, expect, it } from 'vitest'
import { formatHz, frequencyTicks, timeTicks } from '../../../src-renderer/src/components/audio/axis-ticks'
import { recordingClock } from '../../../src-renderer/src/components/audio/recording-clock'

describe('axis ticks', () => {
  it("labels round times of the recorder's clock, not round offsets", () => {
    // Starts at 05:30:47; 10 px per second → labels every 10 s at :50, :00, … and minor ticks between.
    const clock = recordingClock('2024-05-01T05:30:47')
    const ticks = timeTicks({ startS: 0, pxPerSec: 10, widthPx: 300 }, clock)
    const labelled = ticks.filter((t) => t.label)
    expect(labelled.map((t) => t.label)).toEqual(['05:30:50', '05:31:00', '05:31:10'])
    expect(labelled.map((t) => Math.round(t.at))).toEqual([30, 130, 230])
    expect(ticks.length).toBeGreaterThan(labelled.length)
  })

  it('counts from zero without a start time, and in true seconds for time-expanded files', () => {
    const plain = timeTicks({ startS: 0, pxPerSec: 100, widthPx: 500 }, recordingClock(null))
    expect(plain.filter((t) => t.label).map((t) => t.label)).toEqual(['0:00', '0:01', '0:02', '0:03', '0:04', '0:05'])
    // ×10: 5 file seconds on screen are 0.5 s of real time.
    const te = timeTicks({ startS: 0, pxPerSec: 100, widthPx: 500 }, recordingClock(null, 10))
    expect(te.filter((t) => t.label).map((t) => t.label)).toEqual(['0:00.0', '0:00.1', '0:00.2', '0:00.3', '0:00.4', '0:00.5'])
  })

  it('puts frequency ticks on round kHz from the top down', () => {
    const ticks = frequencyTicks(0, 24_000, 240)
    expect(ticks.map((t) => t.label)).toEqual(['0', '5k', '10k', '15k', '20k'])
    expect(ticks.map((t) => t.at)).toEqual([240, 190, 140, 90, 40])
    expect(formatHz(1500)).toBe('1.5k')
    expect(formatHz(750)).toBe('750')
  })
})
