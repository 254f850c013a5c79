import { describe, expect, it } from 'vitest'
import {
  addSeconds,
  formatRecordedTime,
  parseTimestamp,
  recordedTimeFromEpochMs,
  recordedTimeToEpochMs,
} from '../../../src-main/season/metadata/timestamp'

describe('parseTimestamp', () => {
  it.each([
    ['2024-09-03T19:31:30+01:00', '2024-09-03T19:31:30+01:00'],
    ['2024-09-03T19:31:30Z', '2024-09-03T19:31:30Z'],
    ['2024-05-31T22:39:11', '2024-05-31T22:39:11'],
    ['2024-05-31 22:39:11', '2024-05-31T22:39:11'],
    ['2016-04-27 18:54:58.000', '2016-04-27T18:54:58'],
    ['2015-12-31T23:59:59.123456Z', '2015-12-31T23:59:59.123456Z'],
    ['2015-12-31T23:59:59,5+04:00', '2015-12-31T23:59:59.5+04:00'],
    ['2020-10-17 13:05:00+1:00', '2020-10-17T13:05:00+01:00'],
    ['2014-04-02 22:59:14-0500', '2014-04-02T22:59:14-05:00'],
    ['2014-04-02 22:59:14 UTC', '2014-04-02T22:59:14Z'],
    ['2014-04-02 22:59:14 UTC+2', '2014-04-02T22:59:14+02:00'],
    ['2021/05/03 12:00:00', '2021-05-03T12:00:00'],
    ['20240903T193130Z', '2024-09-03T19:31:30Z'],
    ['20240903_193130', '2024-09-03T19:31:30'],
    ['03.09.2024 19:31:30', '2024-09-03T19:31:30'],
    ['2015-12-31T23:59', '2015-12-31T23:59:00'],
    ['  2024-01-01T00:00:00+05:30  ', '2024-01-01T00:00:00+05:30'],
  ])('reads %j as %s', (text, iso) => {
    const t = parseTimestamp(text)
    expect(t && formatRecordedTime(t)).toBe(iso)
  })

  it.each(['', 'yesterday', '2024-02-30T10:00:00', '2024-13-01T00:00:00', '2024-01-01T24:00:00', '2024-01-01T10:61:00', '2024-01-01T10:00:00+19:00', '12:00:00', '2024-01-01'])(
    'refuses %j',
    (text) => {
      expect(parseTimestamp(text)).toBeUndefined()
    },
  )

  it('keeps a zone-less time local: no epoch without an offset', () => {
    const t = parseTimestamp('2024-05-31T22:39:11')!
    expect(t.utcOffsetMinutes).toBeUndefined()
    expect(recordedTimeToEpochMs(t)).toBeUndefined()
  })

  it('converts a zoned time to the instant', () => {
    expect(recordedTimeToEpochMs(parseTimestamp('2024-09-03T19:31:30+01:00')!)).toBe(Date.UTC(2024, 8, 3, 18, 31, 30))
    expect(recordedTimeToEpochMs(parseTimestamp('2024-01-01T00:00:00.250-05:30')!)).toBe(Date.UTC(2024, 0, 1, 5, 30, 0, 250))
  })
})

describe('addSeconds and recordedTimeFromEpochMs', () => {
  it('adds seconds across midnight and keeps the offset', () => {
    expect(formatRecordedTime(addSeconds(parseTimestamp('2024-12-31T23:59:58+01:00')!, 3.5))).toBe('2025-01-01T00:00:01.5+01:00')
  })

  it('keeps a local time local', () => {
    expect(formatRecordedTime(addSeconds(parseTimestamp('2024-05-31T22:39:11')!, 0.001))).toBe('2024-05-31T22:39:11.001')
  })

  it('shows an instant in a zone', () => {
    expect(formatRecordedTime(recordedTimeFromEpochMs(Date.UTC(2024, 8, 3, 18, 31, 30), 60))).toBe('2024-09-03T19:31:30+01:00')
    expect(formatRecordedTime(recordedTimeFromEpochMs(Date.UTC(2024, 8, 3, 18, 31, 30), -150))).toBe('2024-09-03T16:01:30-02:30')
  })
})
