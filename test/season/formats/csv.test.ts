import { describe, expect, it } from 'vitest'
import { csvLine, parseCsv, sniffDelimiter } from '../../../src-main/season/formats/csv'
import { formatDecimal, parseDecimalCell } from '../../../src-main/season/formats/number-cell'

describe('parseCsv', () => {
  it('reads quotes, doubled quotes, delimiters and line breaks inside quotes, with line numbers', () => {
    expect(parseCsv('a,b,c\r\n"x, y","say ""hi""","two\r\nlines"\r\n\r\nlast,,\n', ',')).toEqual([
      { line: 1, fields: ['a', 'b', 'c'] },
      { line: 2, fields: ['x, y', 'say "hi"', 'two\r\nlines'] },
      { line: 5, fields: ['last', '', ''] },
    ])
  })

  it('reads a last record without a newline and a lone quoted empty field', () => {
    expect(parseCsv('a;b\n""', ';')).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: [''] },
    ])
  })
})

describe('sniffDelimiter', () => {
  it.each([
    ['Start (s),End (s),Scientific name,;Common name,Confidence', ','],
    ['Start (s);End (s);Scientific name;Common name;Confidence', ';'],
    ['Selection\tView\tBegin Time (s)', '\t'],
    ['"a;b";c', ';'],
    ['"a,b,c";d;e', ';'],
  ])('%j → %j', (line, d) => {
    expect(sniffDelimiter(line)).toBe(d)
  })
})

describe('csvLine', () => {
  it('quotes only where RFC 4180 needs it and ends with CRLF', () => {
    expect(csvLine(['plain', 'a,b', 'say "x"', 'two\nlines', ''])).toBe('plain,"a,b","say ""x""","two\nlines",\r\n')
  })

  it('round-trips through parseCsv', () => {
    const values = ['x', ' spaced ', 'a,b', '"', '\r\n', '']
    expect(parseCsv(csvLine(values), ',')[0].fields).toEqual(values)
  })
})

describe('number cells', () => {
  it.each([
    ['1.5', 1.5],
    ['-0.25', -0.25],
    ['.5', 0.5],
    ['3.', 3],
    ['1e-3', 0.001],
    ['1,5', 1.5],
    ['12,25', 12.25],
    ['1234,5', 1234.5],
    ['', undefined],
    ['  ', undefined],
  ])('%j → %s', (cell, value) => {
    expect(parseDecimalCell(cell)).toEqual({ ok: true, value })
  })

  it.each(['1,500', '-12,000', '1.234,5', 'NaN', 'Infinity', '1 000', '0x10', 'abc'])('refuses %j', (cell) => {
    expect(parseDecimalCell(cell).ok).toBe(false)
  })

  it('formats without exponents or trailing zeros', () => {
    expect([formatDecimal(1e-7), formatDecimal(2), formatDecimal(-0), formatDecimal(1 / 3), formatDecimal(1.897648165999982)]).toEqual(['0.0000001', '2', '0', '0.3333333333333333', '1.897648165999982'])
    expect([formatDecimal(-0.0000000001, 9), formatDecimal(1 / 3, 9), formatDecimal(60.1 + 0.2, 9), formatDecimal(2, 9)]).toEqual(['0', '0.333333333', '60.3', '2'])
    for (const x of [1e-7, 1.234e-8, 0.1 + 0.2, 1 / 3, 123456.789]) expect(Number(formatDecimal(x))).toBe(x)
    expect(() => formatDecimal(Number.NaN)).toThrow(RangeError)
  })
})
