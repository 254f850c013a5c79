import { describe, expect, it } from 'vitest'
import { parseAudioMothArtist, parseAudioMothComment } from '../../../src-main/season/metadata/audiomoth'
import { parseOpsoMetadata } from '../../../src-main/season/metadata/opso-metadata'
import { formatRecordedTime } from '../../../src-main/season/metadata/timestamp'

const SERIAL = '249BC3055C02FE06'

function parsed(comment: string) {
  const c = parseAudioMothComment(comment)
  return { ...c, time: c.time && formatRecordedTime(c.time) }
}

describe('parseAudioMothComment across firmware generations', () => {
  it('1.0: no zone (UTC assumed and said so), two-decimal battery', () => {
    expect(parsed(`Recorded at 19:17:30 06/04/2018 by AudioMoth ${SERIAL} at gain setting 2 while battery state was 4.50V`)).toEqual({
      recognized: true,
      time: '2018-04-06T19:17:30Z',
      timeZoneAssumed: true,
      serial: SERIAL,
      gainSetting: 2,
      gain: 'medium',
      batteryVolts: 4.5,
      warnings: ['AudioMoth comment gives no time zone (firmware 1.0 style); UTC assumed'],
    })
  })

  it('1.0: battery below range', () => {
    expect(parsed(`Recorded at 19:17:30 06/04/2018 by AudioMoth ${SERIAL} at gain setting 0 while battery state was < 3.6V`)).toMatchObject({ batteryVolts: 3.6, batteryBound: 'below', gain: 'low' })
  })

  it('1.1: "(UTC)"', () => {
    expect(parsed(`Recorded at 09:32:00 04/05/2018 (UTC) by AudioMoth 0FE081F80FE081F0 at gain setting 2 while battery state was 4.3V`)).toEqual({
      recognized: true,
      time: '2018-05-04T09:32:00Z',
      serial: '0FE081F80FE081F0',
      gainSetting: 2,
      gain: 'medium',
      batteryVolts: 4.3,
      warnings: [],
    })
  })

  it('1.2.0: whole-hour zone, full stop, battery above range', () => {
    expect(parsed(`Recorded at 23:00:00 31/12/2019 (UTC+2) by AudioMoth ${SERIAL} at gain setting 4 while battery state was > 5.0V.`)).toMatchObject({
      time: '2019-12-31T23:00:00+02:00',
      gain: 'high',
      batteryVolts: 5,
      batteryBound: 'above',
      warnings: [],
    })
  })

  it('1.2.1: "less than", cancelled recording', () => {
    expect(parsed(`Recorded at 01:02:03 04/05/2019 (UTC-5) by AudioMoth ${SERIAL} at gain setting 1 while battery state was less than 3.6V. Recording cancelled before completion due to change of switch position.`)).toMatchObject({
      time: '2019-05-04T01:02:03-05:00',
      gain: 'low-medium',
      batteryBound: 'below',
      recordingStopped: { reason: 'switch-position', text: 'due to change of switch position' },
      warnings: [],
    })
  })

  it('1.2.2: zone with minutes', () => {
    expect(parsed(`Recorded at 12:00:00 01/06/2020 (UTC-3:30) by AudioMoth ${SERIAL} at gain setting 3 while battery state was 4.1V.`).time).toBe('2020-06-01T12:00:00-03:30')
  })

  it('1.4: named gain setting, temperature, raw amplitude threshold, band-pass, low voltage', () => {
    expect(
      parsed(
        `Recorded at 10:00:00 15/05/2021 (UTC+1) by AudioMoth ${SERIAL} at medium gain setting while battery state was 4.5V and temperature was 21.1C. Amplitude threshold was 512. Band-pass filter applied with cut-off frequencies of 1.0kHz and 8.0kHz. Recording cancelled before completion due to low voltage.`,
      ),
    ).toEqual({
      recognized: true,
      time: '2021-05-15T10:00:00+01:00',
      serial: SERIAL,
      gainSetting: 2,
      gain: 'medium',
      batteryVolts: 4.5,
      temperatureC: 21.1,
      trigger: { type: 'amplitude', threshold: '512', thresholdRaw: 512 },
      filter: { type: 'band-pass', lowHz: 1000, highHz: 8000 },
      recordingStopped: { reason: 'low-voltage', text: 'due to low voltage' },
      warnings: [],
    })
  })

  it('1.5: deployment id instead of serial, external microphone, negative temperature, low-pass', () => {
    expect(
      parsed(
        'Recorded at 10:00:00 15/05/2021 (UTC-0:30) during deployment 0123456789ABCDEF using external microphone at high gain setting while battery state was greater than 4.9V and temperature was -2.5C. Low-pass filter applied with cut-off frequency of 8.0kHz. Recording cancelled before completion due to microphone change.',
      ),
    ).toEqual({
      recognized: true,
      time: '2021-05-15T10:00:00-00:30',
      deploymentId: '0123456789ABCDEF',
      externalMicrophone: true,
      gainSetting: 4,
      gain: 'high',
      batteryVolts: 4.9,
      batteryBound: 'above',
      temperatureC: -2.5,
      filter: { type: 'low-pass', highHz: 8000 },
      recordingStopped: { reason: 'microphone-change', text: 'due to microphone change' },
      warnings: [],
    })
  })

  it('1.6–1.8: "at medium gain while battery was", stopped by switch', () => {
    expect(parsed(`Recorded at 10:00:00 15/05/2021 (UTC) by AudioMoth ${SERIAL} at medium gain while battery was 4.5V and temperature was 21.1C. Recording stopped due to switch position change.`)).toMatchObject({
      time: '2021-05-15T10:00:00Z',
      gain: 'medium',
      batteryVolts: 4.5,
      temperatureC: 21.1,
      recordingStopped: { reason: 'switch-position' },
      warnings: [],
    })
  })

  it('1.7+: decibel amplitude threshold with minimum trigger duration, file size limit', () => {
    expect(parsed(`Recorded at 10:00:00 15/05/2021 (UTC) by AudioMoth ${SERIAL} at low gain while battery was 3.9V and temperature was 5.0C. High-pass filter with frequency of 8.0kHz applied. Amplitude threshold was -30 dB with 2s minimum trigger duration. Recording stopped due to file size limit.`)).toMatchObject({
      filter: { type: 'high-pass', lowHz: 8000 },
      trigger: { type: 'amplitude', threshold: '-30 dB', thresholdDecibels: -30, minimumDurationSeconds: 2 },
      recordingStopped: { reason: 'file-size-limit' },
      warnings: [],
    })
  })

  it('1.10: percentage threshold and high-pass filter (the AudiomothNoBatCalls wording)', () => {
    expect(parsed('Recorded at 19:31:30 03/09/2024 (UTC+1) by AudioMoth 24E144055E080032 at medium gain while battery was 4.3V and temperature was 18.7C. High-pass filter with frequency of 15.0kHz applied. Amplitude threshold was 4% with 5s minimum trigger duration.')).toMatchObject({
      time: '2024-09-03T19:31:30+01:00',
      filter: { type: 'high-pass', lowHz: 15000 },
      trigger: { type: 'amplitude', threshold: '4%', thresholdPercent: 4, minimumDurationSeconds: 5 },
      warnings: [],
    })
  })

  it('frequency trigger, band-pass "with frequencies of", stopped by magnetic switch', () => {
    expect(parsed(`Recorded at 22:15:00 01/07/2023 (UTC+10) by AudioMoth ${SERIAL} at medium-high gain while battery was less than 2.5V and temperature was 12.0C. Frequency trigger (48.0kHz and window length of 512 samples) threshold was 0.5% with 1s minimum trigger duration. Band-pass filter with frequencies of 20.0kHz and 90.0kHz applied. Recording stopped by magnetic switch.`)).toMatchObject({
      time: '2023-07-01T22:15:00+10:00',
      gain: 'medium-high',
      batteryVolts: 2.5,
      batteryBound: 'below',
      trigger: { type: 'frequency', threshold: '0.5%', thresholdPercent: 0.5, centreFrequencyHz: 48000, windowLengthSamples: 512, minimumDurationSeconds: 1 },
      filter: { type: 'band-pass', lowHz: 20000, highHz: 90000 },
      recordingStopped: { reason: 'magnetic-switch', text: 'by magnetic switch' },
      warnings: [],
    })
  })

  it('cuts the comment at the first NUL (fixed-size ICMT buffers)', () => {
    expect(parsed(`Recorded at 10:00:00 15/05/2021 (UTC) by AudioMoth ${SERIAL} at low gain while battery was 3.9V.\0\0\0junk`).warnings).toEqual([])
  })

  it('reports wording it does not know instead of dropping it', () => {
    expect(parsed(`Recorded at 10:00:00 15/05/2021 (UTC) by AudioMoth ${SERIAL} at low gain while battery was 3.9V. Time was set from GPS.`).warnings).toEqual([
      'AudioMoth comment has text we do not recognise: "Time was set from GPS"',
    ])
  })

  it('reports an impossible date and a comment that is not AudioMoth', () => {
    const bad = parsed(`Recorded at 10:00:00 31/02/2021 (UTC) by AudioMoth ${SERIAL} at low gain while battery was 3.9V.`)
    expect(bad.time).toBeUndefined()
    expect(bad.warnings).toContain('AudioMoth comment has no readable recording time')
    const other = parseAudioMothComment('Lavf55.42.101')
    expect(other.recognized).toBe(false)
    expect(other.warnings).toEqual(['not an AudioMoth comment: "Lavf55.42.101"'])
    expect(parseAudioMothComment('').warnings).toEqual([])
  })
})

describe('parseAudioMothArtist', () => {
  it('reads the serial and ignores other artists', () => {
    expect(parseAudioMothArtist('AudioMoth 24e144055e080032\0\0')).toEqual({ serial: '24E144055E080032' })
    expect(parseAudioMothArtist('Félix Blume')).toEqual({})
  })
})

describe('parseOpsoMetadata', () => {
  it('reads the embedded AudioMoth comment and fields, marking frames as the source file', () => {
    const o = parseOpsoMetadata(
      'opso_metadata{"artist": "AudioMoth 243B1F026488F56E", "comment": "Recorded at 10:00:00 28/05/2024 (UTC) by AudioMoth 243B1F026488F56E at medium gain while battery was 3.8V and temperature was 12.8C.", "samplerate": 48000, "frames": 691200000, "recording_start_time": "2024-05-28T10:00:00+00:00", "gain_setting": "medium", "battery_state": 3.8, "temperature_C": 12.8, "opensoundscape_version": "0.10.2"}\0\0',
    )
    expect(formatRecordedTime(o.recordingStartTime!)).toBe('2024-05-28T10:00:00Z')
    expect(o).toMatchObject({ recognized: true, serial: '243B1F026488F56E', gain: 'medium', batteryVolts: 3.8, temperatureC: 12.8, sourceFrames: 691200000, sourceSampleRate: 48000, opensoundscapeVersion: '0.10.2', warnings: [] })
    expect(o.audioMoth?.serial).toBe('243B1F026488F56E')
  })

  it('turns broken JSON and wrong types into warnings', () => {
    expect(parseOpsoMetadata('opso_metadata{"a": ').warnings[0]).toMatch(/^opso_metadata JSON does not parse/)
    expect(parseOpsoMetadata('opso_metadata[1,2]').warnings).toEqual(['opso_metadata is not a JSON object'])
    const o = parseOpsoMetadata('opso_metadata{"recording_start_time": 5, "battery_state": "high"}')
    expect(o.warnings).toEqual(['opso_metadata recording_start_time is not a string', 'opso_metadata battery_state is not a number'])
  })
})
