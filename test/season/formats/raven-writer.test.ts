import { describe, expect, it } from 'vitest'
import { AppError } from '../../../src-main/errors'
import { parseRavenTable, recordingRelativeTimes } from '../../../src-main/season/formats/raven'
import { writeCombinedRavenTable, writeRavenTable } from '../../../src-main/season/formats/raven-writer'
import type { ParsedAnnotation } from '../../../src-main/season/formats/types'

const rows: ParsedAnnotation[] = [
  { start: 0.1234567891, end: 1.5, lowHz: 1500.25, highHz: 4000, label: 'Turdus merula', score: 0.87654321, channel: 1, extra: { Notes: 'loud, close' } },
  { start: 2, end: 2, label: 'click', channel: 2, extra: {} },
  { start: 3.000001, end: 7.25, lowHz: 20000, highHz: 90000, label: 'Pipistrellus "kuhlii"', channel: 1, extra: { Notes: 'tab\there' } },
]

describe('writeRavenTable', () => {
  it('writes the Raven header and one numbered spectrogram row per annotation', () => {
    const text = writeRavenTable(rows.slice(0, 2))
    expect(text).toBe(
      [
        'Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\tHigh Freq (Hz)\tAnnotation\tScore\tNotes',
        '1\tSpectrogram 1\t1\t0.1234567891\t1.5\t1500.25\t4000\tTurdus merula\t0.87654321\tloud, close',
        '2\tSpectrogram 1\t2\t2\t2\t\t\tclick\t\t',
        '',
      ].join('\n'),
    )
  })

  it('round-trips exactly: write then parse gives the same annotations', () => {
    const back = parseRavenTable(writeRavenTable(rows), { fileName: 'out.txt' })
    expect(back.warnings).toEqual([])
    expect(back.rows).toEqual(rows.map((r) => (r.extra.Notes ? { ...r, extra: { Notes: r.extra.Notes.replace('\t', ' ') } } : r)))
  })

  it('writes segments as 0 … Nyquist given the sample rate, and reads them back as segments', () => {
    const text = writeRavenTable([{ start: 1, end: 2, label: 'A', extra: {} }], { sampleRate: 48000 })
    expect(text.split('\n')[1]).toBe('1\tSpectrogram 1\t1\t1\t2\t0\t24000\tA')
    expect(parseRavenTable(text, { fileName: 'x', sampleRate: 48000 }).rows).toEqual([{ start: 1, end: 2, label: 'A', channel: 1, extra: {} }])
  })
})

describe('writeCombinedRavenTable', () => {
  const recordings = [
    { path: '/season/A1/20240601_220000.WAV', durationSeconds: 60.000021, annotations: [rows[0], rows[2]] },
    { path: '/season/A1/20240601_221000.WAV', durationSeconds: 55.5, annotations: [] },
    { path: 'C:\\season\\A1\\20240601_222000.WAV', durationSeconds: 60, annotations: [rows[1], { start: 59, end: 60, label: 'late', extra: {} }] },
  ]

  it('accumulates Begin Time (s) across consecutive files and names each file and offset', () => {
    const lines = writeCombinedRavenTable(recordings).split('\n')
    expect(lines[0]).toBe('Selection\tView\tChannel\tBegin Path\tFile Offset (s)\tBegin File\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\tHigh Freq (Hz)\tAnnotation\tScore\tNotes')
    expect(lines[3]).toBe('3\tSpectrogram 1\t2\tC:\\season\\A1\\20240601_222000.WAV\t2\t20240601_222000.WAV\t117.500021\t117.500021\t\t\tclick\t\t')
    expect(lines[4].split('\t').slice(4, 8)).toEqual(['59', '20240601_222000.WAV', '174.500021', '175.500021'])
  })

  it('round-trips: each row maps back to its recording and its own times', () => {
    const back = parseRavenTable(writeCombinedRavenTable(recordings), { fileName: 'combined.txt' })
    expect(back.warnings).toEqual([])
    const expected = recordings.flatMap((r) => r.annotations.map((a) => ({ path: r.path, a })))
    expect(back.rows).toHaveLength(expected.length)
    back.rows.forEach((row, i) => {
      const rel = recordingRelativeTimes(row)
      expect(rel.sourceFile).toBe(expected[i].path)
      expect(rel.start).toBeCloseTo(expected[i].a.start, 6)
      expect(rel.end).toBeCloseTo(expected[i].a.end, 6)
      expect(row.label).toBe(expected[i].a.label)
      expect(row.lowHz).toBe(expected[i].a.lowHz)
      expect(row.highHz).toBe(expected[i].a.highHz)
      expect(row.score).toBe(expected[i].a.score)
    })
  })

  it('refuses a recording without a usable duration', () => {
    let err: unknown
    try {
      writeCombinedRavenTable([{ path: 'a.wav', durationSeconds: Number.NaN, annotations: [] }])
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('EXPORT_FAILED')
  })
})
