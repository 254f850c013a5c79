// Every shared real annotation file through annotations.importText: the paired ones land on their
// recording (imported by the project's copy of it), the unpaired ones are refused row by row or as a
// whole with a reason a person understands. Files are copied to a temp dir, never into the repo.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { AppError } from '../../src-main/errors'
import { decodeAnnotationBytes } from '../../src-main/season/formats/text-lines'
import { describeShared, realPath } from '../helpers/shared-data'
import { seasonProject, type SeasonProject } from './season-fixture'

describeShared('importing the shared real annotation files', () => {
  let p: SeasonProject
  const ids = new Map<string, number>()

  beforeAll(async () => {
    p = await seasonProject()
    mkdirSync(join(p.season, 'site'))
    for (const name of readdirSync(realPath('recordings'))) copyFileSync(realPath(`recordings/${name}`), join(p.season, 'site', name))
    await p.importFolders()
    for (const r of p.db().prepare('SELECT id, file_name FROM recordings').all() as { id: number; file_name: string }[]) ids.set(r.file_name, r.id)
  })
  afterAll(async () => {
    await p?.cleanup()
  })

  const importFile = (rel: string, target: { recordingId: number } | { matchByName: true }) => {
    const fileName = rel.split('/').pop() as string
    const { text } = decodeAnnotationBytes(readFileSync(realPath(`annotations/${rel}`)), fileName)
    return p.services.handlers.annotations.importText({ fileName, text, target }, p.call)
  }

  it('spinetail.txt onto spinetail.wav: 18 spectral labels, SP and CRER created', async () => {
    const report = await importFile('spinetail.txt', { recordingId: ids.get('spinetail.wav') as number })
    expect(report).toEqual({ fileName: 'spinetail.txt', format: 'audacity', imported: 18, skipped: 0, problems: [], createdLabels: ['SP', 'CRER'] })
    const list = await p.services.handlers.annotations.list({ recordingId: ids.get('spinetail.wav') as number }, p.call)
    expect(list[0]).toMatchObject({ startS: 0.101385, endS: 0.36752, lowHz: 6441.064453, highHz: 12296.577148, source: 'imported' })
  })

  it('the three BirdNET outputs for soundscape.wav, matched by their file names: 15 kHz boxes clipped to the 8 kHz Nyquist, repeats skipped', async () => {
    const table = await importFile('soundscape.BirdNET.selection.table.txt', { matchByName: true })
    expect(table).toMatchObject({ format: 'raven', imported: 5, skipped: 0 })
    expect(table.problems).toHaveLength(5)
    expect(table.problems[2]).toBe('row 3 (3–6 s, "Common Chiffchaff"): high frequency 15000 Hz is above the Nyquist frequency 8000 Hz; clipped')
    expect(table.createdLabels).toEqual(['Common Chiffchaff', 'Eurasian Marsh-Harrier', 'Eurasian Green Woodpecker'])
    const txt = await importFile('soundscape.BirdNET.results.txt', { matchByName: true })
    expect(txt).toMatchObject({ format: 'birdnet-audacity', imported: 5, skipped: 0, problems: [], createdLabels: [] })
    const csv = await importFile('soundscape.BirdNET.results.csv', { matchByName: true })
    expect(csv).toMatchObject({ format: 'birdnet-csv', imported: 0, skipped: 5, createdLabels: [] })
    expect(csv.problems.at(-1)).toBe('5 row(s) already present on their recording; skipped')
    expect((await p.services.handlers.recordings.get({ id: ids.get('soundscape.wav') as number }, p.call)).annotationCount).toBe(10)
  })

  it('audiomoth_gps.csv is refused: it is a GPS log, not annotations', async () => {
    await expect(importFile('audiomoth_gps.csv', { recordingId: ids.get('audiomoth_gps.wav') as number })).rejects.toMatchObject({
      code: 'ANNOTATION_FORMAT',
      message: 'audiomoth_gps.csv: an AudioMoth GPS PPS log (PPS_NUMBER, AUDIOMOTH_TIME …), not annotations',
    })
  })

  it('every file is imported onto a recording or refused with a reason; unpaired ones find no recording', async () => {
    const walk = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? walk(join(dir, n)) : [join(dir, n)]))
    const outcomes: Record<string, string> = {}
    for (const file of walk(realPath('annotations'))) {
      const rel = relative(realPath('annotations'), file)
      try {
        const r = await importFile(rel, { matchByName: true })
        outcomes[rel] = r.imported > 0 ? 'imported' : r.skipped === 0 ? 'empty' : `skipped: ${r.problems.filter((x) => x.includes('skipped')).join(' | ')}`
      } catch (err) {
        expect(err).toBeInstanceOf(AppError)
        outcomes[rel] = `refused ${(err as AppError).code}`
      }
    }
    const misnamed = '33 row(s) skipped: they reach 117 s but soundscape.wav (matched by name) is 10 s long; the table is probably about another recording with that name'
    expect(outcomes).toEqual({
      'audiomoth_gps.csv': 'refused ANNOTATION_FORMAT',
      'soundscape.BirdNET.results.csv': 'skipped: 5 row(s) already present on their recording; skipped',
      'soundscape.BirdNET.results.txt': 'skipped: 5 row(s) already present on their recording; skipped',
      'soundscape.BirdNET.selection.table.txt': 'skipped: 5 row(s) already present on their recording; skipped',
      'spinetail.txt': 'skipped: 18 row(s) already present on their recording; skipped',
      'unpaired/405_marron1_June_14_2016_69640887.audacity.txt': 'skipped: 61 row(s) skipped: no recording of the project is named like 405_marron1_June_14_2016_69640887.audacity.txt (and its rows name no file)',
      // The 120 s soundscape of 2022 shares its name with the 10 s clip of 2021: refused, not clipped.
      'unpaired/BirdNET-Analyzer-2022-03-14/soundscape.BirdNET.results.csv': `skipped: ${misnamed}`,
      'unpaired/BirdNET-Analyzer-2022-03-14/soundscape.BirdNET.results.txt': `skipped: ${misnamed}`,
      'unpaired/BirdNET-Analyzer-2022-03-14/soundscape.BirdNET.selection.table.txt': `skipped: ${misnamed}`,
      'unpaired/EmptyExample.Table.1.selections.txt': 'empty',
      'unpaired/MSD-0003_20180427_2minstart00.Table.1.selections.txt': 'skipped: 10 row(s) skipped: no recording of the project is named like MSD-0003_20180427_2minstart00.Table.1.selections.txt (and its rows name no file)',
      'unpaired/cold_forest_daylight_label.txt': 'skipped: 160 row(s) skipped: no recording of the project is named like cold_forest_daylight_label.txt (and its rows name no file)',
      'unpaired/kahst-BirdNET-Lite/result.csv': 'skipped: 20 row(s) skipped: no recording of the project is named like result.csv (and its rows name no file)',
      'unpaired/kahst-BirdNET/Soundscape_1.BirdNET.selections.txt': 'skipped: 38 row(s) skipped: "Soundscape_1.wav" matches no recording of the project',
      'unpaired/raven_with_Annotation_col.txt': 'skipped: 1 row(s) skipped: no recording of the project is named like raven_with_Annotation_col.txt (and its rows name no file)',
    })
  })
})
