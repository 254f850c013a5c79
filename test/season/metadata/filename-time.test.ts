import { describe, expect, it } from 'vitest'
import { parseFilenameTime } from '../../../src-main/season/metadata/filename-time'
import { formatRecordedTime } from '../../../src-main/season/metadata/timestamp'

function read(name: string) {
  const t = parseFilenameTime(name)
  return t && { ...t, time: formatRecordedTime(t.time) }
}

describe('parseFilenameTime', () => {
  it.each([
    ['20240903_193130.WAV', { time: '2024-09-03T19:31:30', zoneKnown: false, pattern: 'audiomoth' }],
    ['20240903_193130T.WAV', { time: '2024-09-03T19:31:30', zoneKnown: false, pattern: 'audiomoth', triggered: true }],
    ['/cards/A1/20240903/193130.WAV', { time: '2024-09-03T19:31:30', zoneKnown: false, pattern: 'audiomoth-daily-folder' }],
    ['C:\\cards\\20240903\\193130T.wav', { time: '2024-09-03T19:31:30', zoneKnown: false, pattern: 'audiomoth-daily-folder', triggered: true }],
    ['5AEC2890.WAV', { time: '2018-05-04T09:32:00Z', zoneKnown: true, pattern: 'audiomoth-hex' }],
    ['SMA00646_20201017_130500.wav', { time: '2020-10-17T13:05:00', zoneKnown: false, pattern: 'prefix-date-time', prefix: 'SMA00646' }],
    ['S4U00331_0_20160427_185458_000.wav', { time: '2016-04-27T18:54:58', zoneKnown: false, pattern: 'prefix-date-time', prefix: 'S4U00331', channel: 0 }],
    ['SM4_1_20230101_235959_250.w4v', { time: '2023-01-01T23:59:59.25', zoneKnown: false, pattern: 'prefix-date-time', prefix: 'SM4', channel: 1 }],
    ['0166_20240531_223911.wav', { time: '2024-05-31T22:39:11', zoneKnown: false, pattern: 'prefix-date-time', prefix: '0166' }],
    ['Car300711-2014-Pass2-C1-16701_0_20141004_210909_000.wav', { time: '2014-10-04T21:09:09', zoneKnown: false, pattern: 'prefix-date-time', prefix: 'Car300711-2014-Pass2-C1-16701', channel: 0 }],
    ['o_o_Col_de_Roncevaux_ferme_abandonnee10250_20140725_081655_173.wav', { time: '2014-07-25T08:16:55.173', zoneKnown: false, pattern: 'prefix-date-time', prefix: 'o_o_Col_de_Roncevaux_ferme_abandonnee10250' }],
    ['SITE_20240101_120000Z.wav', { time: '2024-01-01T12:00:00Z', zoneKnown: true, pattern: 'prefix-date-time', prefix: 'SITE' }],
    ['SITE_20240101_120000_UTC.flac', { time: '2024-01-01T12:00:00Z', zoneKnown: true, pattern: 'prefix-date-time', prefix: 'SITE' }],
    ['UTC_SITE_20240101_120000.wav', { time: '2024-01-01T12:00:00Z', zoneKnown: true, pattern: 'prefix-date-time', prefix: 'UTC_SITE' }],
    ['rec_20240101_120000+0130.wav', { time: '2024-01-01T12:00:00+01:30', zoneKnown: true, pattern: 'prefix-date-time', prefix: 'rec' }],
    ['20240903T193130Z.wav', { time: '2024-09-03T19:31:30Z', zoneKnown: true, pattern: 'iso-like' }],
    ['zoom 2024-09-03 19.31.30.wav', { time: '2024-09-03T19:31:30', zoneKnown: false, pattern: 'iso-like', prefix: 'zoom' }],
    ['2024-09-03T19-31-30-0500.wav', { time: '2024-09-03T19:31:30-05:00', zoneKnown: true, pattern: 'iso-like' }],
  ])('reads %s', (name, expected) => {
    expect(read(name)).toEqual(expected)
  })

  it.each([
    'spinetail.wav',
    '1min.wav',
    'LOCA_2021_09_24_652_3.wav',
    'Kuhls-pipistrelle-Pipistrellus_kuhlii_Ski0145_S2_From1152515ms_To1170806ms.wav',
    '456440__inspectorj__bird-whistling-robin-single-13.hq.ogg',
    '20240903.WAV', // digits only: as hex it would be 1987
    '20241303_120000.WAV', // month 13
    '20240230_120000.WAV', // 30 February
    '18000101_000000.wav', // before recorders
    'serial_123456789012345_000000.wav',
  ])('finds no time in %s', (name) => {
    expect(parseFilenameTime(name)).toBeUndefined()
  })
})
