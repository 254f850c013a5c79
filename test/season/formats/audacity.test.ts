import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src-main/errors'
import { parseAudacityLabels, writeAudacityLabels } from '../../../src-main/season/formats/audacity'
import type { ParsedAnnotation } from '../../../src-main/season/formats/types'

const opts = { fileName: 'labels.txt' }

describe('parseAudacityLabels', () => {
  it('reads the standard form with CRLF, blank lines, a BOM and labels with commas and quotes', () => {
    const r = parseAudacityLabels('\ufeff0.5\t1.25\tTurdus merula, song\r\n\r\n2\t3\t"quoted"\r\n4.000000\t4.000000\t\r\n', opts)
    expect(r.rows).toEqual([
      { start: 0.5, end: 1.25, label: 'Turdus merula, song', extra: {} },
      { start: 2, end: 3, label: '"quoted"', extra: {} },
      { start: 4, end: 4, label: '', extra: {} },
    ])
    expect(r.warnings).toEqual([])
  })

  it('keeps unescaped tabs inside a label', () => {
    expect(parseAudacityLabels('1\t2\tpart one\tpart two', opts).rows[0].label).toBe('part one\tpart two')
  })

  it('attaches spectral lines to the label before them; -1 means no frequency', () => {
    const r = parseAudacityLabels('0.1\t0.3\tSP\n\\\t6441.06\t12296.58\n1\t2\tlow only\n\\\t500\t-1\n3\t4\tplain', opts)
    expect(r.rows).toEqual([
      { start: 0.1, end: 0.3, label: 'SP', lowHz: 6441.06, highHz: 12296.58, extra: {} },
      { start: 1, end: 2, label: 'low only', lowHz: 500, extra: {} },
      { start: 3, end: 4, label: 'plain', extra: {} },
    ])
  })

  it('warns about stray frequency lines, bad lines and bad rows, and goes on', () => {
    const r = parseAudacityLabels('\\\t1\t2\n1\t2\tok\nnot a label\n5\t4\tbackwards\n\\\tx\ty\n6\t7\tfine', opts)
    expect(r.rows.map((x) => x.label)).toEqual(['ok', 'fine'])
    expect(r.warnings).toEqual([
      'labels.txt line 1: frequency line without a label before it; ignored',
      'labels.txt line 3: not "start<TAB>end<TAB>label"; line skipped',
      'labels.txt line 4: end 4 s is before start 5 s; row skipped',
      'labels.txt line 5: frequency line is not "\\<TAB>low<TAB>high"; ignored',
    ])
    expect(r.skipped).toBe(2)
  })

  it('reads locale decimal commas', () => {
    expect(parseAudacityLabels('0,5\t1,25\tA', opts).rows[0]).toMatchObject({ start: 0.5, end: 1.25 })
  })

  it('rejects a file with no label line at all, and reads an empty file as no labels', () => {
    let err: unknown
    try {
      parseAudacityLabels('hello world\nmore text', opts)
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).message).toBe('labels.txt line 1: not an Audacity label track: expected "start<TAB>end<TAB>label", found "hello world"')
    expect(parseAudacityLabels('', opts)).toEqual({ rows: [], warnings: [], skipped: 0 })
  })
})

describe('writeAudacityLabels', () => {
  const rows: ParsedAnnotation[] = [
    { start: 0.101385, end: 0.36752, lowHz: 6441.064453, highHz: 12296.577148, label: 'SP', extra: {} },
    { start: 1.0000000001, end: 2.5, label: 'Turdus merula, "song"', extra: {} },
    { start: 3, end: 4, label: 'tab\tand\nnewline', extra: {} },
    { start: 5, end: 6, highHz: 8000, label: 'high only', extra: {} },
  ]

  it('writes standard lines and a frequency line for boxes', () => {
    expect(writeAudacityLabels(rows)).toBe(
      '0.101385\t0.36752\tSP\n\\\t6441.064453\t12296.577148\n1.0000000001\t2.5\tTurdus merula, "song"\n3\t4\ttab and newline\n5\t6\thigh only\n\\\t-1\t8000\n',
    )
  })

  it('round-trips both forms', () => {
    const back = parseAudacityLabels(writeAudacityLabels(rows), opts)
    expect(back.warnings).toEqual([])
    expect(back.rows).toEqual(rows.map((r) => ({ ...r, label: r.label.replace(/[\t\n]+/g, ' ') })))
  })
})
