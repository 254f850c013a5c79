import { describe, expect, it } from 'vitest'
import { parseId3 } from '../../../src-main/season/metadata/id3'

function syncsafe(n: number): Buffer {
  return Buffer.from([(n >> 21) & 0x7f, (n >> 14) & 0x7f, (n >> 7) & 0x7f, n & 0x7f])
}

function frame(id: string, body: Buffer, major: 3 | 4): Buffer {
  const head = Buffer.alloc(10)
  head.write(id, 0, 'latin1')
  if (major === 4) syncsafe(body.length).copy(head, 4)
  else head.writeUInt32BE(body.length, 4)
  return Buffer.concat([head, body])
}

function tag(frames: Buffer[], major: 3 | 4, padding = 0): Buffer {
  const body = Buffer.concat([...frames, Buffer.alloc(padding)])
  return Buffer.concat([Buffer.from('ID3'), Buffer.from([major, 0, 0]), syncsafe(body.length), body])
}

describe('parseId3', () => {
  it('reads a Latin-1 COMM frame of ID3v2.3 and stops at padding', () => {
    const comm = Buffer.concat([Buffer.from([0]), Buffer.from('eng'), Buffer.from('desc\0Recorded at 09:32:00\0', 'latin1')])
    expect(parseId3(tag([frame('COMM', comm, 3)], 3, 20))).toEqual({ version: '2.3.0', comments: [{ language: 'eng', description: 'desc', text: 'Recorded at 09:32:00' }], textFrames: {}, warnings: [] })
  })

  it('reads UTF-16 comments and UTF-8 text frames of ID3v2.4 (syncsafe frame sizes)', () => {
    const utf16 = (s: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')])
    const comm = Buffer.concat([Buffer.from([1]), Buffer.from('deu'), utf16(''), Buffer.from([0, 0]), utf16('Grüße')])
    const title = Buffer.concat([Buffer.from([3]), Buffer.from('Félix', 'utf8')])
    const t = parseId3(tag([frame('COMM', comm, 4), frame('TIT2', title, 4)], 4))
    expect(t.comments).toEqual([{ language: 'deu', description: '', text: 'Grüße' }])
    expect(t.textFrames).toEqual({ TIT2: 'Félix' })
    expect(t.warnings).toEqual([])
  })

  it('warns about what it does not read instead of throwing', () => {
    expect(parseId3(Buffer.from('not a tag')).warnings).toEqual(['not an ID3v2 tag'])
    expect(parseId3(Buffer.from([0x49, 0x44, 0x33, 2, 0, 0, 0, 0, 0, 0])).warnings).toEqual(['ID3v2.2.0 is not read (only 2.3 and 2.4)'])
    const overrun = tag([frame('COMM', Buffer.from([0, 0x65, 0x6e, 0x67, 0]), 3)], 3)
    overrun.writeUInt32BE(1000, 14)
    expect(parseId3(overrun).warnings).toEqual(['ID3 frame COMM runs past the end of the tag'])
  })
})
