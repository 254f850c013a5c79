import { readdirSync } from 'node:fs'
import { expect, it } from 'vitest'
import { describeShared, realPath } from '../../helpers/shared-data'
import { parseAudioMothComment } from '../../../src-main/season/metadata/audiomoth'
import { parseGuano } from '../../../src-main/season/metadata/guano'
import { parseId3 } from '../../../src-main/season/metadata/id3'
import { parseRiffInfo } from '../../../src-main/season/metadata/riff-info'
import { readRecordingMetadata } from '../../../src-main/season/metadata/recording-metadata'
import { formatRecordedTime } from '../../../src-main/season/metadata/timestamp'
import { parseWamd } from '../../../src-main/season/metadata/wamd'
import { walkWav } from './riff-walk'

function metadataOf(dir: string, name: string) {
  const w = walkWav(realPath(`${dir}/${name}`))
  return readRecordingMetadata({ fileName: name, sampleRate: w.sampleRate, durationSeconds: w.durationSeconds, chunks: w.chunks })
}

function chunk(dir: string, name: string, id: string): Uint8Array {
  const found = walkWav(realPath(`${dir}/${name}`)).chunks.find((c) => c.id === id)
  if (!found) throw new Error(`${name} has no ${id} chunk`)
  return found.payload
}

describeShared('metadata of the real recordings', () => {
  it('1min.wav: old AudioMoth comment read day-first (4 May 2018, UTC), serial and gain setting 2', () => {
    const m = metadataOf('recordings', '1min.wav')
    expect(m.startTime).toBe('2018-05-04T09:32:00Z')
    expect(m.startEpochMs).toBe(Date.UTC(2018, 4, 4, 9, 32, 0))
    expect(m.startTimeSource).toBe('audiomoth-comment')
    expect(m.serial).toBe('0FE081F80FE081F0')
    expect(m.make).toBe('Open Acoustic Devices')
    expect(m.model).toBe('AudioMoth')
    expect(m.gain).toBe('medium')
    expect(m.batteryVolts).toBe(4.3)
    expect(m.durationSeconds).toBe(60)
    expect(m.conflicts).toEqual([])
    expect(m.warnings).toEqual([])
  })

  it('1min.wav: the id3 COMM frame repeats the comment and agrees with ICMT', () => {
    const tag = parseId3(chunk('recordings', '1min.wav', 'id3 '))
    expect(tag.version).toBe('2.3.0')
    expect(tag.comments).toEqual([{ language: '', description: '', text: 'Recorded at 09:32:00 04/05/2018 (UTC) by AudioMoth 0FE081F80FE081F0 at gain setting 2 while battery state was 4.3V' }])
    const c = parseAudioMothComment(tag.comments[0].text)
    expect(formatRecordedTime(c.time!)).toBe('2018-05-04T09:32:00Z')
    expect(c).toMatchObject({ serial: '0FE081F80FE081F0', gainSetting: 2, gain: 'medium', batteryVolts: 4.3, warnings: [] })
  })

  it('AudiomothNoBatCalls.WAV: ICMT (UTC+1) and GUANO agree on 2024-09-03T19:31:30+01:00', () => {
    const m = metadataOf('edge_cases', 'AudiomothNoBatCalls.WAV')
    expect(m.startTime).toBe('2024-09-03T19:31:30+01:00')
    expect(m.startEpochMs).toBe(Date.UTC(2024, 8, 3, 18, 31, 30))
    expect(m.startTimeSource).toBe('guano')
    expect(m.conflicts).toEqual([])
    expect(m).toMatchObject({
      serial: '24E144055E080032',
      make: 'Open Acoustic Devices',
      model: 'AudioMoth',
      firmware: 'AudioMoth-Firmware-Basic (1.10.1)',
      gain: 'medium',
      batteryVolts: 4.3,
      temperatureC: 18.7,
      filter: { type: 'high-pass', lowHz: 15000 },
      trigger: { type: 'amplitude', threshold: '4%', thresholdPercent: 4, minimumDurationSeconds: 5 },
      originalFileName: '20240903_193130T.WAV',
      sampleRate: 250000,
    })
    expect(m.warnings).toEqual([])
  })

  it('AudiomothNoBatCalls.WAV: ICMT alone gives the same instant, IART the same serial', () => {
    const info = parseRiffInfo(chunk('edge_cases', 'AudiomothNoBatCalls.WAV', 'LIST'))
    expect(info.entries.map((e) => e.id)).toEqual(['ICMT', 'IART'])
    expect(info.artist).toBe('AudioMoth 24E144055E080032')
    const c = parseAudioMothComment(info.comment!)
    expect(formatRecordedTime(c.time!)).toBe('2024-09-03T19:31:30+01:00')
    expect(c.warnings).toEqual([])
  })

  it('AudiomothNoBatCalls.WAV: odd-size GUANO without a pad byte and without spaces after colons', () => {
    const g = parseGuano(chunk('edge_cases', 'AudiomothNoBatCalls.WAV', 'guan'))
    expect(g.fields).toEqual({
      'GUANO|Version': '1.0',
      Make: 'Open Acoustic Devices',
      Model: 'AudioMoth',
      Serial: '24E144055E080032',
      'Firmware Version': 'AudioMoth-Firmware-Basic (1.10.1)',
      Timestamp: '2024-09-03T19:31:30+01:00',
      'Original Filename': '20240903_193130T.WAV',
      'OAD|Battery Voltage': '4.3',
      'Temperature Int': '18.7',
    })
    expect(g.namespaces.OAD).toEqual({ 'Battery Voltage': '4.3' })
    expect(g.batteryVolts).toBe(4.3)
    expect(g.warnings).toEqual([])
  })

  it('0166_20240531_223911.wav: BATLOGGER GUANO with a nested vendor key, zone-less time and location', () => {
    const g = parseGuano(chunk('recordings', '0166_20240531_223911.wav', 'guan'), { audioDurationSeconds: 2521088 / 2 / 312500 })
    expect(g.namespaces.BATLOGGER).toEqual({ 'Trigger|Frequency': '75.4' })
    expect(g.fields['BATLOGGER|Trigger|Frequency']).toBe('75.4')
    expect(g).toMatchObject({ make: 'BATLOGGER', model: 'S2', serial: '22060166', firmware: '1.1.0', lengthSeconds: 4.03, temperatureExternalC: 15.4, latitude: 49.093119, longitude: 5.047867 })
    expect(g.timestamp).toEqual({ local: '2024-05-31T22:39:11' })
    expect(g.warnings).toEqual([])

    const m = metadataOf('recordings', '0166_20240531_223911.wav')
    expect(m.startTime).toBe('2024-05-31T22:39:11')
    expect(m.startTimeZoneKnown).toBe(false)
    expect(m.startEpochMs).toBeUndefined()
    expect(m).toMatchObject({ serial: '22060166', latitude: 49.093119, longitude: 5.047867, temperatureExternalC: 15.4, sampleRate: 312500, prefix: '0166' })
    expect(m.conflicts).toEqual([]) // the file name 0166_20240531_223911 agrees
  })

  it('audiomoth_gps.wav: opso_metadata JSON keeps the AudioMoth comment; IART gives the serial', () => {
    const m = metadataOf('recordings', 'audiomoth_gps.wav')
    expect(m.startTime).toBe('2024-05-28T10:00:00Z')
    expect(m.startTimeSource).toBe('opso-metadata')
    expect(m.sources.make).toBe('audiomoth-artist')
    expect(m).toMatchObject({ serial: '243B1F026488F56E', model: 'AudioMoth', gain: 'medium', batteryVolts: 3.8, temperatureC: 12.8, sampleRate: 48000 })
    expect(m.durationSeconds).toBeCloseTo(95999 / 48000, 12) // not the 691200000 frames of the original
    expect(m.conflicts).toEqual([])
  })

  it('LOCA_2021_09_24_652_3.wav: start from opso_metadata; the odd name gives no time', () => {
    const m = metadataOf('recordings', 'LOCA_2021_09_24_652_3.wav')
    expect(m.startTime).toBe('2021-09-24T06:52:00Z')
    expect(m.startTimeSource).toBe('opso-metadata')
    expect(m.conflicts).toEqual([])
  })

  it.each([
    ['recordings', 'spinetail.wav', 44100],
    ['recordings', 'soundscape.wav', 16000],
    ['recordings', 'Kuhls-pipistrelle-Pipistrellus_kuhlii_Ski0145_S2_From1152515ms_To1170806ms.wav', 144000],
    ['edge_cases', 'empty_2c.wav', 44100],
    ['edge_cases', 'stereo.wav', 44100],
  ])('%s/%s carries no start time, serial or location', (dir, name, rate) => {
    const m = metadataOf(dir, name)
    expect(m.startTime).toBeUndefined()
    expect(m.serial).toBeUndefined()
    expect(m.latitude).toBeUndefined()
    expect(m.timeExpansion).toBe(1)
    expect(m.sampleRate).toBe(rate)
    expect(m.conflicts).toEqual([])
  })

  it('S4U00331…wav: wamd TimeExpansion 10 on a 38.4 kHz header is applied (384 kHz, 5 s)', () => {
    const w = parseWamd(chunk('edge_cases', 'S4U00331_0_20160427_185458_000.wav', 'wamd'))
    expect(w).toMatchObject({
      version: 1,
      timeExpansion: 10,
      model: 'SM4BAT',
      serial: 'S4U00331',
      firmware: '1.0.8',
      prefix: 'S4U00331',
      timestampText: '2016-04-27 18:54:58.000',
      software: 'Kaleidoscope 3.1.2',
      micType: 'U1',
      micSensitivity: 10,
      devParamsBytes: 632,
      unknown: [],
      warnings: [],
    })
    const m = metadataOf('edge_cases', 'S4U00331_0_20160427_185458_000.wav')
    expect(m).toMatchObject({ timeExpansion: 10, headerSampleRate: 38400, sampleRate: 384000, durationSeconds: 5, serial: 'S4U00331', model: 'SM4BAT', make: 'Wildlife Acoustics', channel: 0 })
    expect(m.startTime).toBe('2016-04-27T18:54:58')
    expect(m.startTimeSource).toBe('wamd')
    expect(m.conflicts).toEqual([]) // the file name says the same time
  })

  it('Car300711…wav: wamd TimeExpansion 10 on a 384 kHz header is flagged, not applied', () => {
    const w = parseWamd(chunk('edge_cases', 'Car300711-2014-Pass2-C1-16701_0_20141004_210909_000.wav', 'wamd'))
    expect(w).toMatchObject({ version: 1, timeExpansion: 10, timestampText: '2014-10-04 21:09:09.000', software: 'Kaleidoscope 2.0.4', warnings: [] })
    const m = metadataOf('edge_cases', 'Car300711-2014-Pass2-C1-16701_0_20141004_210909_000.wav')
    expect(m.timeExpansion).toBe(1)
    expect(m.sampleRate).toBe(384000)
    expect(m.conflicts).toEqual([{ field: 'timeExpansion', values: [{ source: 'wamd', value: 10 }, { source: 'header', value: 1 }] }])
    expect(m.warnings.some((w) => w.includes('384000 Hz is already a real-time rate'))).toBe(true)
    expect(m.startTime).toBe('2014-10-04T21:09:09')
    expect(m.make).toBeUndefined() // Kaleidoscope wrote the chunk; it names no recorder model
  })

  it('Vigie-Chiro clip: start from the file name, ISFT from a LIST before data', () => {
    const m = metadataOf('edge_cases', 'o_o_Col_de_Roncevaux_ferme_abandonnee10250_20140725_081655_173.wav')
    expect(m.startTime).toBe('2014-07-25T08:16:55.173')
    expect(m.startTimeSource).toBe('file-name')
    expect(m.software).toBe('Lavf55.42.101')
  })

  it('every recording and edge case merges without throwing', () => {
    for (const dir of ['recordings', 'edge_cases']) {
      for (const name of readdirSync(realPath(dir))) {
        const m = metadataOf(dir, name)
        expect(m.conflicts.every((c) => c.values.length >= 2)).toBe(true)
      }
    }
  })
})
