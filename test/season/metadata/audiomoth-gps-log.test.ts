import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { describeShared, realPath } from '../../helpers/shared-data'
import { parseAudioMothGpsLog } from '../../../src-main/season/metadata/audiomoth-gps-log'
import { formatRecordedTime } from '../../../src-main/season/metadata/timestamp'

describe('parseAudioMothGpsLog', () => {
  it('reads fixes in degrees and decimal minutes, skipping rows without a fix', () => {
    const log = parseAudioMothGpsLog(
      'PPS_NUMBER,AUDIOMOTH_TIME,TOTAL_SAMPLES,STATUS,LAT_DEG,LAT_MIN,LAT_DIR,LONG_DEG,LONG_MIN,LONG_DIR\r\n0,2024-01-01T00:00:00.000,0,,,,,,,\r\n1,2024-01-01T00:00:01.000,48000,A,33.0,30.0,S,151.0,15.0,E\r\n2,2024-01-01T00:00:02.000,96000,V,10,0,N,10,0,E\r\n',
    )
    expect(log.recognized).toBe(true)
    expect(log.fixes.map((f) => [f.ppsNumber, f.latitude, f.longitude, f.status])).toEqual([
      [0, undefined, undefined, undefined],
      [1, -33.5, 151.25, 'A'],
      [2, 10, 10, 'V'],
    ])
    expect(formatRecordedTime(log.fixes[1].audiomothTime!)).toBe('2024-01-01T00:00:01Z')
    expect([log.latitude, log.longitude]).toEqual([-33.5, 151.25]) // the void fix is left out
  })

  it('says so when the text is not a GPS log', () => {
    expect(parseAudioMothGpsLog('Start (s),End (s)\n1,2')).toEqual({ recognized: false, fixes: [], warnings: ['not an AudioMoth GPS log (no PPS_NUMBER and AUDIOMOTH_TIME columns)'] })
  })
})

describeShared('the real AudioMoth GPS log', () => {
  it('audiomoth_gps.csv: 4 PPS rows, row 0 without a fix, position 39°54.3709′N 79°21.886′W', () => {
    const log = parseAudioMothGpsLog(readFileSync(realPath('annotations/audiomoth_gps.csv'), 'utf8'))
    expect(log.fixes).toHaveLength(4)
    expect(log.fixes[0].latitude).toBeUndefined()
    expect(log.fixes.map((f) => f.totalSamples)).toEqual([0, 47999, 95999, 143999])
    expect(log.latitude).toBeCloseTo(39 + 54.3709 / 60, 12)
    expect(log.longitude).toBeCloseTo(-(79 + 21.886 / 60), 12)
    expect(formatRecordedTime(log.fixes[3].audiomothTime!)).toBe('2024-05-28T10:00:03.003Z')
    expect(log.warnings).toEqual([])
  })
})
