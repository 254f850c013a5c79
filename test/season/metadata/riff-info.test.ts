import { describe, expect, it } from 'vitest'
import { parseRiffInfo } from '../../../src-main/season/metadata/riff-info'

function sub(id: string, text: string, pad = true): Buffer {
  const body = Buffer.from(text, 'utf8')
  const head = Buffer.alloc(8)
  head.write(id, 0, 'latin1')
  head.writeUInt32LE(body.length, 4)
  return Buffer.concat([head, body, pad && body.length % 2 ? Buffer.alloc(1) : Buffer.alloc(0)])
}

describe('parseRiffInfo', () => {
  it('reads sub-chunks with odd sizes and their pad bytes', () => {
    const info = parseRiffInfo(Buffer.concat([Buffer.from('INFO'), sub('ISFT', 'Lavf55.42.101\0'), sub('INAM', 'abc'), sub('ICRD', '2024-01-01\0')]))
    expect(info.entries).toEqual([
      { id: 'ISFT', value: 'Lavf55.42.101' },
      { id: 'INAM', value: 'abc' },
      { id: 'ICRD', value: '2024-01-01' },
    ])
    expect(info).toMatchObject({ software: 'Lavf55.42.101', title: 'abc', creationDate: '2024-01-01', warnings: [] })
  })

  it('accepts a writer that left out the pad byte', () => {
    const info = parseRiffInfo(Buffer.concat([Buffer.from('INFO'), sub('IART', 'odd', false), sub('ICMT', 'comment\0')]))
    expect(info.fields).toEqual({ IART: 'odd', ICMT: 'comment' })
    expect(info.warnings).toEqual([])
  })

  it('keeps text before the first NUL of a fixed-size field (AudioMoth pads ICMT to 384 bytes)', () => {
    const info = parseRiffInfo(Buffer.concat([Buffer.from('INFO'), sub('ICMT', 'Recorded at …' + '\0'.repeat(50) + 'junk')]))
    expect(info.comment).toBe('Recorded at …')
  })

  it('reports a sub-chunk that runs past the end, and keeps what is there', () => {
    const b = Buffer.concat([Buffer.from('INFO'), sub('ICMT', 'truncated text')])
    const info = parseRiffInfo(b.subarray(0, b.length - 5))
    expect(info.comment).toBe('truncated')
    expect(info.warnings).toEqual(['INFO ICMT claims 14 bytes but only 9 remain'])
  })

  it('refuses lists that are not INFO and stops at garbage ids', () => {
    expect(parseRiffInfo(Buffer.from('adtlxxxxxxxx')).warnings).toEqual(['LIST chunk of type adtl holds no INFO text'])
    expect(parseRiffInfo(Buffer.from([1, 2, 3])).warnings).toEqual(['LIST chunk is not INFO (type "\\u0001\\u0002\\u0003")'])
    const garbage = parseRiffInfo(Buffer.concat([Buffer.from('INFO'), sub('IART', 'ok'), Buffer.from([0xff, 0xfe, 0, 1, 5, 0, 0, 0])]))
    expect(garbage.fields).toEqual({ IART: 'ok' })
    expect(garbage.warnings).toHaveLength(1)
  })
})
