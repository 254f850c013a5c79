import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src-main/errors'
import { detectAnnotationFormat, parseAnnotationFile } from '../../../src-main/season/formats/detect'
import { decodeAnnotationBytes } from '../../../src-main/season/formats/text-lines'

function refusal(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    if (err instanceof AppError && err.code === 'ANNOTATION_FORMAT') return err.message
    throw err
  }
  throw new Error('expected ANNOTATION_FORMAT')
}

describe('detectAnnotationFormat', () => {
  it.each([
    ['Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\n', 'raven'],
    ['\ufeffBegin Time (s)\tEnd Time (s)\tLabel\r\n1\t2\tA', 'raven'],
    ['0.1\t0.3\tSP\n\\\t10\t20\n', 'audacity'],
    ['1\t2\tBird, loud, 3\n', 'audacity'],
    ['1\t2\t1\n', 'audacity'],
    ['0\t3.0\tPhylloscopus collybita, Common Chiffchaff, 0.17\n', 'birdnet-audacity'],
    ['0\t3.0\tPoecile atricapillus, Black-capped Chickadee\t0.4102\n', 'birdnet-audacity'],
    ['Start (s),End (s),Scientific name,;Common name,Confidence\n', 'birdnet-csv'],
    ['Start (s);End (s);Scientific name;Common name;Confidence\n', 'birdnet-csv'],
    ['filepath,start,end,scientific_name,common_name,confidence\n', 'birdnet-csv'],
    ['Selection,View,Begin Time (s),End Time (s),Annotation\n', 'birdnet-csv'],
  ])('%j → %s', (text, format) => {
    expect(detectAnnotationFormat(text, 'f')).toBe(format)
  })

  it.each([
    ['', 'f: the file is empty'],
    ['\r\n  \n', 'f: the file is empty'],
    ['\u0000\u0001\u0002binary\u0003\u0004', 'f: binary data, not a text annotation file'],
    [',PPS_NUMBER,AUDIOMOTH_TIME,SAMPLES\n0,0,2024-05-28T10:00:00.003,0', 'f: an AudioMoth GPS PPS log (PPS_NUMBER, AUDIOMOTH_TIME …), not annotations'],
    ['Selection\tView\tChannel\n1\tx\t1', 'f: line 1: looks like a Raven table but has no "Begin Time (s)" column'],
    ['\\\t1\t2\n', 'f: starts with a frequency line ("\\<TAB>low<TAB>high") but no label before it'],
    ['name,score\nA,1', 'f: line 1: not a Raven selection table, Audacity label track or BirdNET result file (first line "name,score")'],
  ])('refuses %j with a reason', (text, message) => {
    expect(refusal(() => detectAnnotationFormat(text, 'f'))).toBe(message)
  })
})

describe('parseAnnotationFile', () => {
  it('detects and parses in one call', () => {
    const r = parseAnnotationFile('1\t2\tA\n', { fileName: 'x.txt' })
    expect(r).toEqual({ format: 'audacity', rows: [{ start: 1, end: 2, label: 'A', extra: {} }], warnings: [], skipped: 0 })
  })
})

describe('decodeAnnotationBytes', () => {
  it('reads UTF-8, UTF-16 with BOM and Windows-1252, and refuses NUL bytes', () => {
    expect(decodeAnnotationBytes(Buffer.from('1\t2\tGrüße'), 'a').text).toBe('1\t2\tGrüße')
    expect(decodeAnnotationBytes(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('1\t2\tA', 'utf16le')]), 'a').text).toBe('1\t2\tA')
    const cp = decodeAnnotationBytes(Buffer.from([0x31, 0x09, 0x32, 0x09, 0x4d, 0xfc, 0x80]), 'a')
    expect(cp).toEqual({ text: '1\t2\tMü€', warnings: ['a: not valid UTF-8; read as Windows-1252'] })
    expect(() => decodeAnnotationBytes(Buffer.from([1, 0, 2, 0, 3]), 'a')).toThrow('a: binary data (NUL bytes), not a text annotation file')
  })
})
