import { describe, expect, it } from 'vitest'
import { parseAudioMothComment } from '../../../src-main/season/metadata/audiomoth'
import { parseFilenameTime } from '../../../src-main/season/metadata/filename-time'
import { parseGuano } from '../../../src-main/season/metadata/guano'
import { mergeRecordingMetadata } from '../../../src-main/season/metadata/merge'
import { checkTimeExpansion } from '../../../src-main/season/metadata/time-expansion'
import { parseWamd } from '../../../src-main/season/metadata/wamd'

function wamd(records: [number, Buffer | string][]) {
  const parts = records.map(([tag, v]) => {
    const body = typeof v === 'string' ? Buffer.from(v) : v
    const head = Buffer.alloc(6)
    head.writeUInt16LE(tag, 0)
    head.writeUInt32LE(body.length, 2)
    return Buffer.concat([head, body])
  })
  return parseWamd(Buffer.concat(parts))
}

const te = (n: number): Buffer => Buffer.from([n & 0xff, n >> 8])

describe('mergeRecordingMetadata', () => {
  it('flags GUANO vs wamd vs file name times and keeps every value', () => {
    const m = mergeRecordingMetadata({
      guano: parseGuano('GUANO|Version:1.0\nTimestamp:2024-06-01T22:00:00+02:00'),
      wamd: wamd([[0x05, '2024-06-01 21:00:00']]),
      fileName: parseFilenameTime('SM_20240601_220000.wav'),
    })
    expect(m.startTime).toBe('2024-06-01T22:00:00+02:00')
    expect(m.startTimeSource).toBe('guano')
    expect(m.conflicts).toEqual([
      {
        field: 'startTime',
        values: [
          { source: 'guano', value: '2024-06-01T22:00:00+02:00' },
          { source: 'wamd', value: '2024-06-01T21:00:00' },
          { source: 'file-name', value: '2024-06-01T22:00:00' },
        ],
      },
    ])
  })

  it('a zone-less file name in UTC agrees with a zoned comment', () => {
    const m = mergeRecordingMetadata({
      audioMothComment: parseAudioMothComment('Recorded at 21:00:00 01/06/2024 (UTC+2) by AudioMoth 24E144055E080032 at medium gain while battery was 4.1V.'),
      fileName: parseFilenameTime('20240601_190000.WAV'),
    })
    expect(m.startTime).toBe('2024-06-01T21:00:00+02:00')
    expect(m.conflicts).toEqual([])
  })

  it('prefers a source that states its zone over one that does not, whatever the order', () => {
    const m = mergeRecordingMetadata({
      guano: parseGuano('GUANO|Version:1.0\nTimestamp:2024-06-01T22:00:00'),
      audioMothComment: parseAudioMothComment('Recorded at 22:00:00 01/06/2024 (UTC+2) by AudioMoth 24E144055E080032 at medium gain while battery was 4.1V.'),
    })
    expect(m).toMatchObject({ startTime: '2024-06-01T22:00:00+02:00', startTimeSource: 'audiomoth-comment', startTimeZoneKnown: true, startEpochMs: Date.UTC(2024, 5, 1, 20) })
    expect(m.conflicts).toEqual([])
  })

  it('tolerates sub-second differences (file names drop milliseconds)', () => {
    const m = mergeRecordingMetadata({ wamd: wamd([[0x05, '2024-06-01 21:00:00.900']]), fileName: parseFilenameTime('X_20240601_210000.wav') })
    expect(m.conflicts).toEqual([])
  })

  it('flags serial, make, model, location and battery disagreements', () => {
    const m = mergeRecordingMetadata({
      guano: parseGuano('GUANO|Version:1.0\nSerial:24E144055E080032\nOAD|Battery Voltage:4.3\nLoc Position:49.0 5.0'),
      audioMothArtistSerial: '24E144055E080099',
      audioMothComment: parseAudioMothComment('Recorded at 22:00:00 01/06/2024 (UTC) by AudioMoth 24E144055E080032 at medium gain while battery was 3.9V.'),
      wamd: wamd([[0x06, 'WGS84,49.0,N,5.01,E'], [0x01, 'SM4']]),
    })
    expect(m.serial).toBe('24E144055E080032')
    expect(m.batteryVolts).toBe(3.9)
    expect(m.latitude).toBe(49)
    expect(m.conflicts).toEqual([
      { field: 'serial', values: [{ source: 'guano', value: '24E144055E080032' }, { source: 'audiomoth-artist', value: '24E144055E080099' }, { source: 'audiomoth-comment', value: '24E144055E080032' }] },
      { field: 'make', values: [{ source: 'audiomoth-artist', value: 'Open Acoustic Devices' }, { source: 'wamd', value: 'Wildlife Acoustics' }] },
      { field: 'model', values: [{ source: 'audiomoth-artist', value: 'AudioMoth' }, { source: 'wamd', value: 'SM4' }] },
      { field: 'location', values: [{ source: 'guano', value: '49 5' }, { source: 'wamd', value: '49 5.01' }] },
      { field: 'batteryVolts', values: [{ source: 'audiomoth-comment', value: 3.9 }, { source: 'guano', value: 4.3 }] },
    ])
  })

  it('applies a plausible time expansion to rate and length', () => {
    const m = mergeRecordingMetadata({ header: { sampleRate: 44100, durationSeconds: 30 }, guano: parseGuano('GUANO|Version:1.0\nTE:10') })
    expect(m).toMatchObject({ timeExpansion: 10, headerSampleRate: 44100, sampleRate: 441000, durationSeconds: 3, conflicts: [] })
  })

  it('flags a factor that would give more than 1 MHz, and GUANO vs wamd factors', () => {
    const high = mergeRecordingMetadata({ header: { sampleRate: 48000, durationSeconds: 1 }, wamd: wamd([[0x0f, te(25)]]) })
    expect(high.timeExpansion).toBe(1)
    expect(high.conflicts).toEqual([{ field: 'timeExpansion', values: [{ source: 'wamd', value: 25 }, { source: 'header', value: 1 }] }])
    expect(high.warnings).toEqual(['time expansion ×25 ignored: 48000 Hz × 25 exceeds 1000000 Hz'])

    const both = mergeRecordingMetadata({ header: { sampleRate: 38400 }, guano: parseGuano('GUANO|Version:1.0\nTE:10'), wamd: wamd([[0x0f, te(1)]]) })
    expect(both.timeExpansion).toBe(10)
    expect(both.conflicts).toEqual([{ field: 'timeExpansion', values: [{ source: 'guano', value: 10 }, { source: 'wamd', value: 1 }] }])
  })

  it('flags a GUANO Samplerate and Length that contradict the header', () => {
    const m = mergeRecordingMetadata({ header: { sampleRate: 256000, durationSeconds: 5 }, guano: parseGuano('GUANO|Version:1.0\nSamplerate:384000\nLength:15') })
    expect(m.sampleRate).toBe(256000)
    expect(m.durationSeconds).toBe(5)
    expect(m.conflicts.map((c) => c.field)).toEqual(['sampleRate', 'durationSeconds'])
  })

  it('uses GUANO values when the header gives none, and passes parser warnings on', () => {
    const m = mergeRecordingMetadata({ guano: parseGuano('GUANO|Version:1.0\nSamplerate:500000\nLength:6.5\nTimestamp: soon') })
    expect(m).toMatchObject({ sampleRate: 500000, durationSeconds: 6.5, sources: { sampleRate: 'guano', durationSeconds: 'guano' } })
    expect(m.warnings).toEqual(['guano: GUANO Timestamp "soon" is not a date and time we can read'])
  })

  it('returns an empty record when nothing is known', () => {
    expect(mergeRecordingMetadata({})).toEqual({ startTimeZoneKnown: false, timeExpansion: 1, sources: {}, conflicts: [], warnings: [] })
  })
})

describe('checkTimeExpansion', () => {
  it.each([
    [10, 38400, true],
    [10, 50000, true],
    [10, 50001, false],
    [10, 384000, false],
    [21, 48000, false],
    [1, 384000, true],
    [0, 38400, false],
    [10, undefined, true],
  ])('×%d on %s Hz → apply %s', (factor, rate, apply) => {
    expect(checkTimeExpansion(factor, rate).apply).toBe(apply)
  })
})
