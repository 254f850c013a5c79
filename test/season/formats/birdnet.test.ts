import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src-main/errors'
import { parseBirdnetAudacity, parseBirdnetCsv } from '../../../src-main/season/formats/birdnet'

const opts = { fileName: 'result' }
const chiffchaff = { start: 3, end: 6, label: 'Common Chiffchaff', score: 0.6906715, extra: { 'Scientific Name': 'Phylloscopus collybita', 'Common Name': 'Common Chiffchaff' } }

describe('parseBirdnetAudacity', () => {
  it('splits "Sci, Common, score" labels, quoted or not', () => {
    expect(parseBirdnetAudacity('3.0\t6.0\tPhylloscopus collybita, Common Chiffchaff, 0.6906715\n', opts).rows).toEqual([chiffchaff])
    expect(parseBirdnetAudacity('3.0\t6.0\t"Phylloscopus collybita, Common Chiffchaff, 0.6906715"\r\n', opts).rows).toEqual([chiffchaff])
  })

  it('reads the 2022 form with the score in a fourth field', () => {
    expect(parseBirdnetAudacity('3.0\t6.0\tPhylloscopus collybita, Common Chiffchaff\t0.6906715', opts).rows).toEqual([chiffchaff])
  })

  it('skips labels without a score', () => {
    const r = parseBirdnetAudacity('3\t6\tno score here', opts)
    expect(r.rows).toEqual([])
    expect(r.warnings).toEqual(['result line 1: label "no score here" is not "Scientific name, Common name, confidence"; row skipped'])
    expect(r.skipped).toBe(1)
  })
})

describe('parseBirdnetCsv', () => {
  it('reads the comma form with the stray ";" in a header name, and says so', () => {
    const r = parseBirdnetCsv('Start (s),End (s),Scientific name,;Common name,Confidence\n3.0,6.0,Phylloscopus collybita,Common Chiffchaff,0.6906715\n', opts)
    expect(r.rows).toEqual([chiffchaff])
    expect(r.warnings).toEqual(['result line 1: header column ";Common name" has a stray delimiter (a known BirdNET bug); read as "Common name"'])
  })

  it('reads the semicolon form', () => {
    expect(parseBirdnetCsv('Start (s);End (s);Scientific name;Common name;Confidence\r\n3.0;6.0;Phylloscopus collybita;Common Chiffchaff;0.6906715\r\n', opts).rows).toEqual([chiffchaff])
  })

  it('reads the R form with file paths and keeps the other columns', () => {
    const r = parseBirdnetCsv('filepath,start,end,scientific_name,common_name,confidence,lat,lon\nexample/a b.wav,3.0,6.0,Phylloscopus collybita,Common Chiffchaff,0.6906715,42.5,-76.45\n', opts)
    expect(r.rows).toEqual([{ ...chiffchaff, sourceFile: 'example/a b.wav', extra: { ...chiffchaff.extra, lat: '42.5', lon: '-76.45' } }])
  })

  it('reads quoted names holding commas and the newer File column', () => {
    const r = parseBirdnetCsv('Start (s),End (s),Scientific name,Common name,Confidence,File\n0,3,"Sylvia, sp.","Warbler, ""unknown""",0.5,"C:\\rec\\x,1.wav"\n', opts)
    expect(r.rows).toEqual([{ start: 0, end: 3, label: 'Warbler, "unknown"', score: 0.5, sourceFile: 'C:\\rec\\x,1.wav', extra: { 'Scientific Name': 'Sylvia, sp.', 'Common Name': 'Warbler, "unknown"' } }])
  })

  it('reads a Raven table saved as CSV (label from Annotation, box from the frequency columns)', () => {
    const r = parseBirdnetCsv('Selection,View,Channel,Begin Time (s),End Time (s),Low Freq (Hz),High Freq (Hz),Annotation\r\n1,Spectrogram 1,1,1.5,2.5,100,2000,WOTH\r\n', opts)
    expect(r.rows).toEqual([{ start: 1.5, end: 2.5, lowHz: 100, highHz: 2000, label: 'WOTH', extra: { Selection: '1', View: 'Spectrogram 1', Channel: '1' } }])
    expect(r.warnings).toEqual([])
  })

  it('warns about short rows and bad numbers, and refuses a header without times', () => {
    const r = parseBirdnetCsv('Start (s),End (s),Scientific name,Common name,Confidence\n1,2,A b\nx,2,A b,C,0.1\n1,2,A b,C,high', opts)
    expect(r.rows.map((x) => [x.start, x.label, x.score])).toEqual([
      [1, 'A b', undefined],
      [1, 'C', undefined],
    ])
    expect(r.warnings).toEqual([
      'result line 2: 3 fields where the header has 5',
      'result line 3: Start (s) "x" is not a number; row skipped',
      'result line 4: Confidence "high" is not a number; value ignored',
    ])
    expect(r.skipped).toBe(1)
    expect(() => parseBirdnetCsv('name,score\nA,1', opts)).toThrow(AppError)
    expect(parseBirdnetCsv('Start (s),End (s),Scientific name,Common name,Confidence\n', opts)).toEqual({ rows: [], warnings: [], skipped: 0 })
  })
})
