import { describe, expect, it } from 'vitest'
import { parseGuano } from '../../../src-main/season/metadata/guano'
import { formatRecordedTime } from '../../../src-main/season/metadata/timestamp'

const enc = (s: string): Uint8Array => new TextEncoder().encode(s)

describe('parseGuano', () => {
  it('reads keys with and without a space after the colon, CRLF, and trailing NUL padding', () => {
    const g = parseGuano(enc('GUANO|Version:1.0\r\nMake: Pettersson\r\nModel:D500X\r\nSerial:  123 \r\n\0\0\0   \0'))
    expect(g.fields).toEqual({ 'GUANO|Version': '1.0', Make: 'Pettersson', Model: 'D500X', Serial: '123' })
    expect(g.warnings).toEqual([])
  })

  it('splits the namespace at the first pipe only', () => {
    const g = parseGuano('GUANO|Version: 1.0\nPET|D500X|TSens: high\nWA|Song Meter|Prefix: SMA00646')
    expect(g.namespaces).toEqual({ GUANO: { Version: '1.0' }, PET: { 'D500X|TSens': 'high' }, WA: { 'Song Meter|Prefix': 'SMA00646' } })
  })

  it('parses JSON values and reports JSON that does not parse', () => {
    const g = parseGuano('GUANO|Version:1.0\nWA|Song Meter|Audio settings:[{"rate":24000,"gain":18}]\nUser|Broken:{nope')
    expect(g.json).toEqual({ 'WA|Song Meter|Audio settings': [{ rate: 24000, gain: 18 }] })
    expect(g.warnings).toEqual(['GUANO User|Broken: value looks like JSON but does not parse'])
  })

  it('reads the defined fields with their units', () => {
    const g = parseGuano(
      'GUANO|Version: 1.0\nTimestamp: 2012-03-29T03:58:01+04:00\nTE: 10\nSamplerate: 500000\nLength: 6.5\nFilter HP: 20.0\nLoc Position: 37.1878016 -86.1057312\nLoc Elevation: 228.6\nLoc Accuracy: 20\nHumidity: 55\nSpecies Manual ID: Myso, Epfu\nTags: a, b\nNote: line one\\nline two',
    )
    expect(formatRecordedTime(g.timestamp!)).toBe('2012-03-29T03:58:01+04:00')
    expect(g).toMatchObject({
      timeExpansion: 10,
      sampleRate: 500000,
      lengthSeconds: 6.5,
      highPassHz: 20000,
      latitude: 37.1878016,
      longitude: -86.1057312,
      elevationM: 228.6,
      locationAccuracyM: 20,
      humidityPercent: 55,
      speciesManualId: ['Myso', 'Epfu'],
      tags: ['a', 'b'],
      note: 'line one\nline two',
    })
  })

  it('reads a Song Meter timestamp with a one-digit offset', () => {
    expect(formatRecordedTime(parseGuano('GUANO|Version:1.0\nTimestamp:2020-10-17 13:05:00+1:00').timestamp!)).toBe('2020-10-17T13:05:00+01:00')
  })

  it('takes Length as milliseconds when only that fits the audio length', () => {
    const g = parseGuano('GUANO|Version:1.0\nLength: 4030', { audioDurationSeconds: 4.0337 })
    expect(g.lengthSeconds).toBe(4.03)
    expect(g.warnings).toEqual(['GUANO Length 4030 read as milliseconds (4.03 s fits the audio length 4.034 s)'])
  })

  it('keeps Length in seconds when it fits, also for a time-expanded header length', () => {
    expect(parseGuano('GUANO|Version:1.0\nLength: 4.03', { audioDurationSeconds: 4.0337 }).warnings).toEqual([])
    const te = parseGuano('GUANO|Version:1.0\nTE: 10\nLength: 5', { audioDurationSeconds: 50 })
    expect(te.lengthSeconds).toBe(5)
    expect(te.warnings).toEqual([])
  })

  it('warns when Length fits neither unit', () => {
    const g = parseGuano('GUANO|Version:1.0\nLength: 300', { audioDurationSeconds: 4 })
    expect(g.lengthSeconds).toBe(300)
    expect(g.warnings).toEqual(['GUANO Length 300 s does not match the audio length 4 s'])
  })

  it('turns junk into warnings, never exceptions', () => {
    const g = parseGuano(
      'Make: X\nno colon here\nMake: Y\nTimestamp: someday\nLoc Position: 91 0\nTE: 1.5\nLength: -3\nTemperature Int: warm\nSamplerate: 0',
    )
    expect(g.make).toBe('X')
    expect(g.timestamp).toBeUndefined()
    expect(g.latitude).toBeUndefined()
    expect(g.timeExpansion).toBeUndefined()
    expect(g.warnings).toEqual([
      'GUANO block does not start with GUANO|Version (first key is "Make")',
      'GUANO line 2 has no "key: value" form: "no colon here"',
      'GUANO key "Make" appears more than once; the first value is kept',
      'GUANO Timestamp "someday" is not a date and time we can read',
      'GUANO TE 1.5 is not a time-expansion factor (an integer ≥ 1)',
      'GUANO Samplerate 0 is not positive',
      'GUANO Length -3 is negative',
      'GUANO Loc Position "91 0" is out of range',
      'GUANO Temperature Int: "warm" is not a number',
    ])
  })

  it('survives binary garbage and reads Latin-1 text', () => {
    const junk = new Uint8Array(256).map((_, i) => (i * 37) % 256)
    const g = parseGuano(junk)
    expect(g.fields).toEqual({})
    expect(g.warnings).toEqual(['GUANO block is binary data, not text; ignored'])
    const latin = parseGuano(Uint8Array.from([...enc('GUANO|Version:1.0\nMake:M'), 0xfc, ...enc('ller')]))
    expect(latin.make).toBe('Müller')
    expect(latin.warnings).toEqual(['GUANO text is not valid UTF-8; read as Latin-1'])
  })

  it('reads "lat, lon" with a comma', () => {
    expect(parseGuano('GUANO|Version:1.0\nLoc Position: 54.75656, -1.59106')).toMatchObject({ latitude: 54.75656, longitude: -1.59106 })
  })
})
