import { readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { describeShared, realPath } from '../../helpers/shared-data'
import { AppError } from '../../../src-main/errors'
import { parseAnnotationFile } from '../../../src-main/season/formats/detect'
import { recordingRelativeTimes } from '../../../src-main/season/formats/raven'
import { writeAudacityLabels } from '../../../src-main/season/formats/audacity'
import { parseAudacityLabels } from '../../../src-main/season/formats/audacity'
import { parseRavenTable } from '../../../src-main/season/formats/raven'
import { writeCombinedRavenTable, writeRavenTable } from '../../../src-main/season/formats/raven-writer'
import { decodeAnnotationBytes } from '../../../src-main/season/formats/text-lines'
import type { AnnotationParseOptions } from '../../../src-main/season/formats/types'

function parse(rel: string, options: Partial<AnnotationParseOptions> = {}) {
  const { text } = decodeAnnotationBytes(readFileSync(realPath(`annotations/${rel}`)), rel)
  return parseAnnotationFile(text, { fileName: rel, ...options })
}

const count = (labels: string[]): Record<string, number> => labels.reduce<Record<string, number>>((acc, l) => ({ ...acc, [l]: (acc[l] ?? 0) + 1 }), {})

const SOUNDSCAPE_2021 = [
  [0, 3, 'Common Chiffchaff', 0.17441706],
  [0, 3, 'Eurasian Marsh-Harrier', 0.1029124],
  [3, 6, 'Common Chiffchaff', 0.6906715],
  [3, 6, 'Eurasian Marsh-Harrier', 0.16652007],
  [3, 6, 'Eurasian Green Woodpecker', 0.10363445],
]

describeShared('the real annotation files', () => {
  it('spinetail.txt: spectral Audacity labels, 14 SP + 4 CRER, 0.10–13.75 s, 2091–13970 Hz', () => {
    const r = parse('spinetail.txt', { sampleRate: 44100, durationSeconds: 19.541927 })
    expect(r.format).toBe('audacity')
    expect(r.warnings).toEqual([])
    expect(r.rows).toHaveLength(18)
    expect(count(r.rows.map((x) => x.label))).toEqual({ SP: 14, CRER: 4 })
    expect(r.rows[0]).toEqual({ start: 0.101385, end: 0.36752, lowHz: 6441.064453, highHz: 12296.577148, label: 'SP', extra: {} })
    expect(Math.min(...r.rows.map((x) => x.lowHz!))).toBe(2091.254639)
    expect(Math.max(...r.rows.map((x) => x.highHz!))).toBe(13969.581055)
    expect(r.rows.every((x) => x.lowHz !== undefined && x.highHz !== undefined)).toBe(true)
  })

  it('the three 2021 BirdNET outputs for soundscape.wav give the same five detections', () => {
    for (const file of ['soundscape.BirdNET.selection.table.txt', 'soundscape.BirdNET.results.txt', 'soundscape.BirdNET.results.csv']) {
      const r = parse(file)
      expect(r.rows.map((x) => [x.start, x.end, x.label, x.score]), file).toEqual(SOUNDSCAPE_2021)
    }
    expect(parse('soundscape.BirdNET.results.txt').format).toBe('birdnet-audacity')
    expect(parse('soundscape.BirdNET.results.csv').format).toBe('birdnet-csv')
    expect(parse('soundscape.BirdNET.results.csv').warnings).toEqual([
      'soundscape.BirdNET.results.csv line 1: header column ";Common name" has a stray delimiter (a known BirdNET bug); read as "Common name"',
    ])
  })

  it('soundscape.BirdNET.selection.table.txt: 15 kHz above the 8 kHz Nyquist is reported only when the rate is given', () => {
    const plain = parse('soundscape.BirdNET.selection.table.txt')
    expect(plain.format).toBe('raven')
    expect(plain.warnings).toEqual([])
    expect(plain.rows[2]).toEqual({ start: 3, end: 6, lowHz: 150, highHz: 15000, label: 'Common Chiffchaff', score: 0.6906715, channel: 1, extra: { 'Species Code': 'comchi1' } })
    const withRate = parse('soundscape.BirdNET.selection.table.txt', { sampleRate: 16000, durationSeconds: 10 })
    expect(withRate.rows).toHaveLength(5)
    expect(withRate.warnings).toHaveLength(5)
    expect(withRate.warnings[0]).toBe('soundscape.BirdNET.selection.table.txt line 2: high frequency 15000 Hz is above the Nyquist frequency 8000 Hz of the recording')
  })

  it('audiomoth_gps.csv is refused: it is a GPS log, not annotations', () => {
    let err: unknown
    try {
      parse('audiomoth_gps.csv')
    } catch (e) {
      err = e
    }
    expect(err).toBeInstanceOf(AppError)
    expect((err as AppError).code).toBe('ANNOTATION_FORMAT')
    expect((err as AppError).message).toBe('audiomoth_gps.csv: an AudioMoth GPS PPS log (PPS_NUMBER, AUDIOMOTH_TIME …), not annotations')
  })

  it('MSD-0003 table: 10 selections from short rows, the last with an empty Species', () => {
    const r = parse('unpaired/MSD-0003_20180427_2minstart00.Table.1.selections.txt')
    expect(r.format).toBe('raven')
    expect(r.rows.map((x) => x.label)).toEqual(['WOTH', 'EATO', 'WOTH', 'WOTH', 'EATO', 'EATO', 'WOTH', 'LOWA', 'EATO', ''])
    expect(r.rows[0]).toEqual({ start: 1.897648165999982, end: 4.110570810999974, lowHz: 1326.3, highHz: 3266.5, label: 'WOTH', channel: 1, extra: {} })
    expect(r.warnings).toEqual(['unpaired/MSD-0003_20180427_2minstart00.Table.1.selections.txt line 11: empty label'])
  })

  it('EmptyExample table: header only, no selections', () => {
    expect(parse('unpaired/EmptyExample.Table.1.selections.txt')).toEqual({ format: 'raven', rows: [], warnings: [], skipped: 0 })
  })

  it('raven_with_Annotation_col.txt: label from Annotation, no trailing newline', () => {
    expect(parse('unpaired/raven_with_Annotation_col.txt')).toEqual({
      format: 'raven',
      rows: [{ start: 1.897648165999982, end: 4.110570810999974, lowHz: 1326.3, highHz: 3266.5, label: 'CSWA', channel: 1, extra: {} }],
      warnings: [],
      skipped: 0,
    })
  })

  it('cold_forest_daylight_label.txt: 160 spectral labels "1"–"8" up to 60 s', () => {
    const r = parse('unpaired/cold_forest_daylight_label.txt')
    expect(r.format).toBe('audacity')
    expect(r.rows).toHaveLength(160)
    expect([...new Set(r.rows.map((x) => x.label))].sort()).toEqual(['1', '2', '3', '4', '5', '6', '7', '8'])
    expect(Math.max(...r.rows.map((x) => x.end))).toBeLessThanOrEqual(60)
    expect(r.rows.every((x) => x.lowHz !== undefined && x.highHz !== undefined)).toBe(true)
    expect(r.warnings).toEqual([])
  })

  it('405_marron1 audacity.txt: 61 time-only labels 0–29.1 s', () => {
    const r = parse('unpaired/405_marron1_June_14_2016_69640887.audacity.txt')
    expect(r.format).toBe('audacity')
    expect(r.rows).toHaveLength(61)
    expect(r.rows[0]).toEqual({ start: 0, end: 0.7698181682, label: 'SIL', extra: {} })
    expect(r.rows.at(-1)).toEqual({ start: 28.3453119777, end: 29.1013341213, label: 'E', extra: {} })
    expect(r.rows.every((x) => x.lowHz === undefined)).toBe(true)
  })

  it('BirdNET-Analyzer 2022: the three outputs agree on 33 detections, the CSV names the file', () => {
    const dir = 'unpaired/BirdNET-Analyzer-2022-03-14'
    const table = parse(`${dir}/soundscape.BirdNET.selection.table.txt`)
    const txt = parse(`${dir}/soundscape.BirdNET.results.txt`)
    const csv = parse(`${dir}/soundscape.BirdNET.results.csv`)
    expect([table.format, txt.format, csv.format]).toEqual(['raven', 'birdnet-audacity', 'birdnet-csv'])
    const key = (r: typeof table) => r.rows.map((x) => [x.start, x.end, x.label, x.score])
    expect(key(table)).toHaveLength(33)
    expect(key(txt)).toEqual(key(table))
    expect(key(csv)).toEqual(key(table))
    expect(table.rows[0]).toMatchObject({ start: 0, end: 3, label: 'Black-capped Chickadee', score: 0.4102, highHz: 12000 })
    expect(csv.rows.every((x) => x.sourceFile === 'example/soundscape.wav')).toBe(true)
    expect(csv.rows[0].extra).toMatchObject({ 'Scientific Name': 'Poecile atricapillus', lat: '42.5000', lon: '-76.4500', model: 'BirdNET_GLOBAL_1K_V2.0_Model_FP32.tflite' })
    expect([table.warnings, txt.warnings, csv.warnings]).toEqual([[], [], []])
  })

  it('kahst-BirdNET 2019 table: 38 selections with Begin File', () => {
    const r = parse('unpaired/kahst-BirdNET/Soundscape_1.BirdNET.selections.txt')
    expect(r.rows).toHaveLength(38)
    expect(r.rows.every((x) => x.sourceFile === 'Soundscape_1.wav' && x.highHz === 15000)).toBe(true)
    expect(r.rows[0]).toMatchObject({ start: 12, end: 15, label: 'Northern Cardinal', score: 0.9341163 })
  })

  it('kahst-BirdNET-Lite result.csv: semicolon-delimited, 20 detections', () => {
    const r = parse('unpaired/kahst-BirdNET-Lite/result.csv')
    expect(r.format).toBe('birdnet-csv')
    expect(r.rows).toHaveLength(20)
    expect(r.rows[0]).toEqual({ start: 15, end: 18, label: 'Dark-eyed Junco', score: 0.63864714, extra: { 'Scientific Name': 'Junco hyemalis', 'Common Name': 'Dark-eyed Junco' } })
    expect(r.warnings).toEqual([])
  })

  it('every annotation file is parsed or refused with ANNOTATION_FORMAT', () => {
    const walk = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]))
    const files = walk(realPath('annotations'))
    expect(files).toHaveLength(15)
    for (const file of files) {
      const rel = file.slice(realPath('annotations').length + 1)
      try {
        expect(parse(rel).rows.length, rel).toBeGreaterThanOrEqual(0)
      } catch (err) {
        expect(err, rel).toBeInstanceOf(AppError)
        expect((err as AppError).code).toBe('ANNOTATION_FORMAT')
      }
    }
  })

  it('round-trips the real files: Raven per recording and combined, Audacity both forms', () => {
    const msd = parse('unpaired/MSD-0003_20180427_2minstart00.Table.1.selections.txt').rows
    const back = parseRavenTable(writeRavenTable(msd, { labelColumn: 'Species' }), { fileName: 'w', labelColumns: ['Species'] }).rows
    expect(back).toEqual(msd)

    const spinetail = parse('spinetail.txt').rows
    const marron = parse('unpaired/405_marron1_June_14_2016_69640887.audacity.txt').rows
    expect(parseAudacityLabels(writeAudacityLabels(spinetail), { fileName: 'w' }).rows).toEqual(spinetail)
    expect(parseAudacityLabels(writeAudacityLabels(marron), { fileName: 'w' }).rows).toEqual(marron)

    const combined = parseRavenTable(
      writeCombinedRavenTable([
        { path: 'spinetail.wav', durationSeconds: 19.541927437641725, annotations: spinetail },
        { path: 'marron.wav', durationSeconds: 29.2, annotations: marron },
      ]),
      { fileName: 'c' },
    ).rows
    expect(combined).toHaveLength(spinetail.length + marron.length)
    combined.forEach((row, i) => {
      const original = i < spinetail.length ? spinetail[i] : marron[i - spinetail.length]
      const rel = recordingRelativeTimes(row)
      expect(rel.sourceFile).toBe(i < spinetail.length ? 'spinetail.wav' : 'marron.wav')
      expect(Math.abs(rel.start - original.start)).toBeLessThan(1e-6)
      expect(Math.abs(rel.end - original.end)).toBeLessThan(1e-6)
      expect([row.label, row.lowHz, row.highHz]).toEqual([original.label, original.lowHz, original.highHz])
    })
  })
})
