import { describe, expect, it } from 'vitest'
import { parseWamd } from '../../../src-main/season/metadata/wamd'
import { formatRecordedTime } from '../../../src-main/season/metadata/timestamp'

function record(tag: number, value: Buffer | string): Buffer {
  const body = typeof value === 'string' ? Buffer.from(value, 'utf8') : value
  const head = Buffer.alloc(6)
  head.writeUInt16LE(tag, 0)
  head.writeUInt32LE(body.length, 2)
  return Buffer.concat([head, body])
}

const u16 = (n: number): Buffer => {
  const b = Buffer.alloc(2)
  b.writeUInt16LE(n)
  return b
}

describe('parseWamd', () => {
  it('reads the documented tags, a Song Meter GPS fix and a zoned timestamp', () => {
    const w = parseWamd(
      Buffer.concat([
        record(0x00, u16(1)),
        record(0x01, 'SM4BAT-FS'),
        record(0x02, 'S4U12345'),
        record(0x03, '2.3.1'),
        record(0x04, 'SITE1'),
        record(0x05, '2014-04-02 22:59:14-05:00'),
        record(0x06, 'WGS84,42.12345,N,71.54321,W,152.4'),
        record(0x08, 'Kaleidoscope 5.4.0'),
        record(0x0b, 'MYLU'),
        record(0x0d, Buffer.alloc(300)),
        record(0x0f, u16(1)),
        record(0x10, Buffer.alloc(632, 0xff)),
        record(0x12, 'U2'),
        record(0x13, '-3.5'),
        record(0x15, '21.5'),
        record(0x17, '80'),
      ]),
    )
    expect(formatRecordedTime(w.timestamp!)).toBe('2014-04-02T22:59:14-05:00')
    expect(w).toMatchObject({
      version: 1,
      model: 'SM4BAT-FS',
      serial: 'S4U12345',
      firmware: '2.3.1',
      prefix: 'SITE1',
      position: { latitude: 42.12345, longitude: -71.54321, altitudeM: 152.4, datum: 'WGS84' },
      software: 'Kaleidoscope 5.4.0',
      autoId: 'MYLU',
      voiceNoteBytes: 300,
      timeExpansion: 1,
      devParamsBytes: 632,
      micType: 'U2',
      micSensitivity: -3.5,
      internalTemperatureC: 21.5,
      humidityPercent: 80,
      unknown: [],
      warnings: [],
    })
  })

  it('reads the Echo Meter Touch signed-degree position', () => {
    expect(parseWamd(record(0x06, 'WGS84, -33.5, 151.25')).position).toEqual({ latitude: -33.5, longitude: 151.25, datum: 'WGS84' })
  })

  it('keeps unknown tags raw: text when printable, hex otherwise', () => {
    expect(parseWamd(Buffer.concat([record(0x42, 'hello'), record(0x43, Buffer.from([1, 2, 250]))])).unknown).toEqual([
      { tag: 0x42, length: 5, value: 'hello' },
      { tag: 0x43, length: 3, value: '0102fa' },
    ])
  })

  it('stops at a truncated record with a warning, keeping what came before', () => {
    const b = Buffer.concat([record(0x01, 'SM3'), record(0x02, 'serial-number')])
    const w = parseWamd(b.subarray(0, b.length - 4))
    expect(w.model).toBe('SM3')
    expect(w.serial).toBeUndefined()
    expect(w.warnings).toEqual(['wamd tag 0x2 at byte 9 claims 13 bytes but only 9 remain'])
  })

  it('reports bad values: a zero time expansion, an unreadable timestamp and position', () => {
    const w = parseWamd(Buffer.concat([record(0x0f, u16(0)), record(0x05, 'April'), record(0x06, 'WGS84,95,N,0,E'), record(0x00, Buffer.from([1]))]))
    expect(w.warnings).toEqual([
      'wamd time expansion 0 is not a factor ≥ 1',
      'wamd timestamp "April" is not a date and time we can read',
      'wamd position "WGS84,95,N,0,E" is not a valid latitude/longitude',
      'wamd version has 1 bytes, expected 2',
    ])
  })

  it('survives garbage', () => {
    const junk = Buffer.from(Array.from({ length: 100 }, (_, i) => (i * 91 + 7) % 256))
    expect(() => parseWamd(junk)).not.toThrow()
    expect(parseWamd(Buffer.alloc(0))).toEqual({ unknown: [], warnings: [] })
  })
})
