import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src-main/errors'
import { parseRavenTable } from '../../../src-main/season/formats/raven'

const HEADER = 'Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\tHigh Freq (Hz)\tSpecies'
const opts = { fileName: 'table.txt' }

function errorOf(fn: () => unknown): AppError {
  try {
    fn()
  } catch (err) {
    if (err instanceof AppError) return err
    throw err
  }
  throw new Error('expected an AppError')
}

describe('parseRavenTable', () => {
  it('reads CRLF, a BOM and a missing final newline', () => {
    const r = parseRavenTable(`\ufeff${HEADER}\r\n1\tSpectrogram 1\t1\t1.5\t2.25\t100\t2000\tWOTH\r\n2\tSpectrogram 1\t2\t3\t4\t0\t500\tEATO`, opts)
    expect(r.rows).toEqual([
      { start: 1.5, end: 2.25, lowHz: 100, highHz: 2000, label: 'WOTH', channel: 1, extra: {} },
      { start: 3, end: 4, lowHz: 0, highHz: 500, label: 'EATO', channel: 2, extra: {} },
    ])
    expect(r.warnings).toEqual([])
  })

  it('folds one row per view into one annotation, keeping the spectrogram box and every column', () => {
    const text = [
      `${HEADER}\tPeak Amp (U)\tPeak Freq (Hz)`,
      '1\tWaveform 1\t1\t1.0\t2.0\t0\t22050\tWOTH\t1200\t',
      '1\tSpectrogram 1\t1\t1.0\t2.0\t1500\t4000\tWOTH\t\t2800',
      '2\tWaveform 1\t1\t5.0\t6.0\t0\t22050\tEATO\t900\t',
    ].join('\n')
    const r = parseRavenTable(text, opts)
    expect(r.rows).toEqual([
      { start: 1, end: 2, lowHz: 1500, highHz: 4000, label: 'WOTH', channel: 1, extra: { 'Peak Freq (Hz)': '2800', 'Peak Amp (U)': '1200' } },
      { start: 5, end: 6, lowHz: 0, highHz: 22050, label: 'EATO', channel: 1, extra: { 'Peak Amp (U)': '900' } },
    ])
  })

  it('keeps channels of the same selection apart', () => {
    const r = parseRavenTable(`${HEADER}\n1\tSpectrogram 1\t1\t1\t2\t0\t10\tA\n1\tSpectrogram 1\t2\t1\t2\t0\t10\tA`, opts)
    expect(r.rows.map((x) => x.channel)).toEqual([1, 2])
  })

  it('warns when views of a selection disagree on times', () => {
    const r = parseRavenTable(`${HEADER}\n1\tWaveform 1\t1\t1\t2\t0\t10\tA\n1\tSpectrogram 1\t1\t1.5\t2\t0\t10\tA`, opts)
    expect(r.rows).toHaveLength(1)
    expect(r.rows[0].start).toBe(1.5)
    expect(r.warnings).toEqual(['table.txt line 2: view "Waveform 1" of the same selection has different times; the Spectrogram 1 row is used'])
  })

  it('reads short rows, trailing tabs and unknown columns into extra', () => {
    const r = parseRavenTable(`${HEADER}\tdistance\ttype\t\n1\tSpectrogram 1\t1\t1\t2\t10\t20\tWOTH\n2\tSpectrogram 1\t1\t3\t4\t10\t20\tEATO\t25\tsong\t`, opts)
    expect(r.rows.map((x) => x.extra)).toEqual([{}, { distance: '25', type: 'song' }])
    expect(r.warnings).toEqual([])
  })

  it('uses Begin Path, File Offset (s) and Begin File', () => {
    const r = parseRavenTable('Selection\tBegin Path\tFile Offset (s)\tBegin File\tBegin Time (s)\tEnd Time (s)\tAnnotation\n1\t/d/a.wav\t2.5\ta.wav\t62.5\t63\tX', opts)
    expect(r.rows).toEqual([{ start: 62.5, end: 63, label: 'X', sourceFile: '/d/a.wav', fileOffset: 2.5, extra: { 'Begin File': 'a.wav' } }])
  })

  it('chooses the label column from a configurable list', () => {
    const text = 'Begin Time (s)\tEnd Time (s)\tSpecies\tClass\n1\t2\tWOTH\tsong'
    expect(parseRavenTable(text, opts).rows[0]).toMatchObject({ label: 'WOTH', extra: { Class: 'song' } })
    expect(parseRavenTable(text, { ...opts, labelColumns: ['class'] }).rows[0]).toMatchObject({ label: 'song', extra: { Species: 'WOTH' } })
    const none = parseRavenTable('Begin Time (s)\tEnd Time (s)\n1\t2', opts)
    expect(none.rows[0].label).toBe('')
    expect(none.warnings).toEqual(['table.txt: no label column (looked for "Annotation", "Species", "Label", "Class", "Common Name", "Species Code"); labels are empty'])
  })

  it('accepts a decimal comma only where it is unambiguous', () => {
    const r = parseRavenTable(`${HEADER}\n1\tSpectrogram 1\t1\t1,5\t2,25\t100\t2000\tA\n2\tSpectrogram 1\t1\t1,500\t2\t0\t10\tB\n3\tSpectrogram 1\t1\t1\t2\t1,000\t10\tC`, opts)
    expect(r.rows.map((x) => [x.label, x.start, x.end, x.lowHz])).toEqual([
      ['A', 1.5, 2.25, 100],
      ['C', 1, 2, undefined],
    ])
    expect(r.warnings).toEqual([
      'table.txt line 3: Begin Time (s) "1,500" is ambiguous (decimal comma or thousands separator); row skipped',
      'table.txt line 4: Low Freq (Hz) "1,000" is ambiguous (decimal comma or thousands separator); value ignored',
    ])
    expect(r.skipped).toBe(1)
  })

  it('skips rows whose end is before the start, or whose times are missing or not numbers', () => {
    const r = parseRavenTable(`${HEADER}\n1\tSpectrogram 1\t1\t5\t4\t0\t10\tA\n2\tSpectrogram 1\t1\tNaN\t4\t0\t10\tB\n3\tSpectrogram 1\t1\t\t4\t0\t10\tC\n4\tSpectrogram 1\t1\t-1\t4\t0\t10\tD\n5\tSpectrogram 1\t1\t1\t1\t0\t10\tE`, opts)
    expect(r.rows.map((x) => x.label)).toEqual(['E'])
    expect(r.warnings).toEqual([
      'table.txt line 2: end 4 s is before start 5 s; row skipped',
      'table.txt line 3: Begin Time (s) "NaN" is not a number; row skipped',
      'table.txt line 4: start or end time is missing; row skipped',
      'table.txt line 5: start -1 s is negative; row skipped',
    ])
    expect(r.skipped).toBe(4)
  })

  it('reports frequencies above Nyquist and selections past the end only when told the recording', () => {
    const text = `${HEADER}\n1\tSpectrogram 1\t1\t8\t12\t150\t15000\tA`
    expect(parseRavenTable(text, opts).warnings).toEqual([])
    expect(parseRavenTable(text, { ...opts, sampleRate: 16000, durationSeconds: 10 }).warnings).toEqual([
      'table.txt line 2: high frequency 15000 Hz is above the Nyquist frequency 8000 Hz of the recording',
      'table.txt line 2: ends at 12 s, past the end of the recording (10 s)',
    ])
  })

  it('reads 0 … Nyquist as a time segment when the sample rate is known', () => {
    const r = parseRavenTable(`${HEADER}\n1\tSpectrogram 1\t1\t1\t2\t0\t22050\tA`, { ...opts, sampleRate: 44100 })
    expect(r.rows[0].lowHz).toBeUndefined()
    expect(r.rows[0].highHz).toBeUndefined()
  })

  it('rejects an empty file and a header without begin/end columns, naming file and line', () => {
    const empty = errorOf(() => parseRavenTable('\r\n\r\n', opts))
    expect(empty.code).toBe('ANNOTATION_FORMAT')
    expect(empty.message).toBe('table.txt: the file is empty; a Raven selection table needs a header row')
    const noBegin = errorOf(() => parseRavenTable('\nSelection\tView\tEnd Time (s)\n1\tx\t2', opts))
    expect(noBegin.message).toBe('table.txt line 2: not a Raven selection table: the header has no "Begin Time (s)" column')
    expect(noBegin.details).toEqual({ fileName: 'table.txt', line: 2 })
  })

  it('reads a header-only table as no annotations', () => {
    expect(parseRavenTable(`${HEADER}\t\n`, opts)).toEqual({ rows: [], warnings: [], skipped: 0 })
  })

  it('warns about fields beyond the header', () => {
    expect(parseRavenTable('Begin Time (s)\tEnd Time (s)\tLabel\n1\t2\tA\textra!', opts).warnings).toEqual(['table.txt line 2: 1 field(s) beyond the header ignored'])
  })
})
