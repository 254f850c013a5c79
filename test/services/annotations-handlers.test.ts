// The `annotations` domain: CRUD with validation against the recording, undo by restore, clearing,
// and text imports onto one recording or matched by file name.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Annotation } from '../../src-shared/contracts'
import { plainWav } from '../season/import/season-files'
import { seasonProject, SERIAL_A, T0, writeSchedule, type SeasonProject } from './season-fixture'

let p: SeasonProject
let rec: { id: number; path: string }[]
let labelIds: { turmer: number; erirub: number }

beforeEach(async () => {
  p = await seasonProject()
  // Two 2 s AudioMoth files at 8 kHz, a 0.5 s ×10 time-expanded bat file (header 38.4 kHz).
  writeSchedule(join(p.season, 'Ridge', 'moth-a'), { serial: SERIAL_A, seconds: 2 }, T0, 2, 600)
  mkdirSync(join(p.season, 'Bats'))
  writeFileSync(join(p.season, 'Bats', 'bat.wav'), plainWav(38_400, 5, 3))
  writeFileSync(join(p.season, 'Ridge', 'broken.wav'), Buffer.alloc(0))
  await p.importFolders([join(p.season, 'Ridge')])
  await p.importFolders([join(p.season, 'Bats')], 10)
  rec = p.db().prepare('SELECT id, path FROM recordings ORDER BY file_name').all() as { id: number; path: string }[]
  const set = await p.services.handlers.labels.createSet({ name: 'Birds' }, p.call)
  labelIds = {
    turmer: (await p.services.handlers.labels.upsertLabel({ labelSetId: set.id, code: 'TURMER', scientificName: 'Turdus merula', commonName: 'Blackbird' }, p.call)).id,
    erirub: (await p.services.handlers.labels.upsertLabel({ labelSetId: set.id, code: 'ERIRUB', commonName: 'European Robin' }, p.call)).id,
  }
})
afterEach(async () => {
  await p.cleanup()
})

const api = () => p.services.handlers.annotations
// rec[0], rec[1]: the AudioMoth files; rec[2]: bat.wav; rec[3]: broken.wav
const moth = () => rec[0].id
const bat = () => rec[2].id

describe('annotation CRUD', () => {
  it('creates segments and boxes, lists them by time, updates, deletes and restores; says so with events', async () => {
    const events: unknown[] = []
    p.services.events.on('annotations.changed', (e) => events.push(e))
    let counts = 0
    p.services.events.on('project.changed', (info) => (counts = info?.counts.annotations ?? -1))

    const box = await api().create({ recordingId: moth(), labelId: labelIds.turmer, startS: 1, endS: 1.5, lowHz: 1000, highHz: 3000, note: 'song' }, p.call)
    const seg = await api().create({ recordingId: moth(), labelId: labelIds.erirub, startS: 0.2, endS: 0.4 }, p.call)
    expect(box).toMatchObject({ recordingId: moth(), labelId: labelIds.turmer, startS: 1, endS: 1.5, lowHz: 1000, highHz: 3000, source: 'manual', author: null, modelId: null, note: 'song' })
    expect(seg).toMatchObject({ lowHz: null, highHz: null, note: null })
    expect((await api().list({ recordingId: moth() }, p.call)).map((a) => a.id)).toEqual([seg.id, box.id])
    expect(counts).toBe(2)

    const moved = await api().update({ id: box.id, patch: { startS: 0.5, labelId: labelIds.erirub, lowHz: null, highHz: null } }, p.call)
    expect(moved).toMatchObject({ startS: 0.5, endS: 1.5, labelId: labelIds.erirub, lowHz: null, highHz: null, createdAt: box.createdAt })

    const deleted = await api().delete({ id: seg.id }, p.call)
    expect(deleted).toEqual(seg)
    expect(counts).toBe(1)
    const restored = await api().restore({ annotation: deleted }, p.call)
    expect(restored).toMatchObject({ ...seg, id: expect.any(Number), updatedAt: expect.any(String) })
    expect((await api().list({ recordingId: moth() }, p.call)).map((a) => a.id)).toEqual([restored.id, box.id])
    expect((await p.services.handlers.recordings.get({ id: moth() }, p.call)).annotationCount).toBe(2)
    expect(events).toEqual(Array(5).fill({ recordingId: moth() }))
  })

  it('rejects annotations outside the audio, half boxes, inverted boxes and frequencies above Nyquist, with the reason', async () => {
    const create = (a: Partial<Parameters<ReturnType<typeof api>['create']>[0]>) =>
      api().create({ recordingId: moth(), labelId: labelIds.turmer, startS: 0, endS: 1, lowHz: null, highHz: null, note: null, ...a }, p.call)
    const name = `recording ${moth()} (20240601_040000.WAV)`
    await expect(create({ endS: 2.5 })).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: `annotation rejected: end 2.5 s is past the end of ${name} (2 s)` })
    await expect(create({ startS: 2, endS: 3 })).rejects.toMatchObject({ message: `annotation rejected: start 2 s is past the end of ${name} (2 s)` })
    await expect(create({ startS: 1, endS: 1 })).rejects.toMatchObject({ message: 'annotation rejected: end 1 s is not after start 1 s' })
    await expect(create({ lowHz: 100 })).rejects.toMatchObject({ message: 'annotation rejected: a box needs both lowHz and highHz (a time segment has neither)' })
    await expect(create({ lowHz: 3000, highHz: 1000 })).rejects.toMatchObject({ message: 'annotation rejected: high frequency 1000 Hz must be above low frequency 3000 Hz' })
    await expect(create({ lowHz: 1000, highHz: 4000.5 })).rejects.toMatchObject({ message: `annotation rejected: high frequency 4000.5 Hz is above the Nyquist frequency 4000 Hz of ${name}` })
    await expect(create({ labelId: 999 })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'label 999 does not exist in this project' })
    await expect(create({ recordingId: 999 })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(create({ recordingId: rec[3].id })).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('is quarantined') })
    // Exactly to the end and to Nyquist is fine.
    await expect(create({ startS: 1, endS: 2, lowHz: 0, highHz: 4000 })).resolves.toMatchObject({ endS: 2, highHz: 4000 })
    await expect(api().update({ id: 999, patch: { startS: 0 } }, p.call)).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('checks a time-expanded recording against its real time and effective rate', async () => {
    // bat.wav: header 5 s at 38.4 kHz, ×10 → 0.5 s real time at 384 kHz (Nyquist 192 kHz).
    const ok = await api().create({ recordingId: bat(), labelId: labelIds.turmer, startS: 0.1, endS: 0.5, lowHz: 20_000, highHz: 192_000 }, p.call)
    expect(ok).toMatchObject({ endS: 0.5, highHz: 192_000 })
    await expect(api().create({ recordingId: bat(), labelId: labelIds.turmer, startS: 0.1, endS: 0.6 }, p.call)).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
  })

  it('clearRecording deletes all or one source’s annotations of a recording', async () => {
    await api().create({ recordingId: moth(), labelId: labelIds.turmer, startS: 0, endS: 1 }, p.call)
    await api().importText({ fileName: 'x.txt', text: '0.5\t1\tTURMER\n1\t1.5\tERIRUB\n', target: { recordingId: moth() } }, p.call)
    expect(await api().clearRecording({ recordingId: moth(), source: 'imported' }, p.call)).toEqual({ deleted: 2 })
    expect((await api().list({ recordingId: moth() }, p.call)).map((a) => a.source)).toEqual(['manual'])
    expect(await api().clearRecording({ recordingId: moth() }, p.call)).toEqual({ deleted: 1 })
  })
})

describe('annotations.importText', () => {
  it('imports a Raven table onto one recording: labels by code or name from the given set, others created; rows past the end, above Nyquist or unreadable reported and counted', async () => {
    const set = (await p.services.handlers.labels.sets({}, p.call))[0]
    const raven = [
      'Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\tHigh Freq (Hz)\tSpecies',
      '1\tSpectrogram 1\t1\t0.1\t0.5\t1000\t3000\tTURMER',
      '2\tSpectrogram 1\t1\t0.6\t0.9\t500\t6000\tEuropean Robin',
      '3\tSpectrogram 1\t1\t1.5\t2.5\t0\t4000\tPARMAJ',
      '4\tSpectrogram 1\t1\t2.5\t3\t100\t200\tTURMER',
      '5\tSpectrogram 1\t1\t1\t1.2\t100\t200\t',
      '6\tSpectrogram 1\t1\tabc\t1.2\t100\t200\tTURMER',
    ].join('\r\n')
    const report = await api().importText({ fileName: 'moth.selections.txt', text: raven, target: { recordingId: moth() }, labelSetId: set.id }, p.call)
    expect(report).toEqual({
      fileName: 'moth.selections.txt',
      format: 'raven',
      imported: 3,
      skipped: 3,
      problems: [
        'moth.selections.txt line 6: empty label',
        'moth.selections.txt line 7: Begin Time (s) "abc" is not a number; row skipped',
        'row 2 (0.6–0.9 s, "European Robin"): high frequency 6000 Hz is above the Nyquist frequency 4000 Hz; clipped',
        'row 3 (1.5–2.5 s, "PARMAJ"): ends at 2.5 s, past the end of 20240601_040000.WAV (2 s); clipped',
        'row 4 (2.5–3 s, "TURMER"): starts at 2.5 s, past the end of 20240601_040000.WAV (2 s); skipped',
        'row 5 (1–1.2 s): empty label; skipped',
      ],
      createdLabels: ['PARMAJ'],
    })
    const got = await api().list({ recordingId: moth() }, p.call)
    const parmaj = (await p.services.handlers.labels.sets({}, p.call))[0].labels.find((l) => l.code === 'PARMAJ')
    expect(got.map((a) => [a.labelId, a.startS, a.endS, a.lowHz, a.highHz, a.source])).toEqual([
      [labelIds.turmer, 0.1, 0.5, 1000, 3000, 'imported'],
      [labelIds.erirub, 0.6, 0.9, 500, 4000, 'imported'],
      [parmaj?.id, 1.5, 2, null, null, 'imported'], // 0 … Nyquist of the file is a time segment
    ])

    // The same file again adds nothing.
    const again = await api().importText({ fileName: 'moth.selections.txt', text: raven, target: { recordingId: moth() }, labelSetId: set.id }, p.call)
    expect(again).toMatchObject({ imported: 0, skipped: 6, createdLabels: [] })
    expect(again.problems.at(-1)).toBe('3 row(s) already present on their recording; skipped')
  })

  it('without a label set, finds labels in any set by code or name and creates the others in "Imported labels" with the names the file gives', async () => {
    const birdnet = 'Start (s),End (s),Scientific name,Common name,Confidence\n0.0,1.0,Turdus merula,Eurasian Blackbird,0.91\n1.0,2.0,Parus major,Great Tit,0.8\n'
    const report = await api().importText({ fileName: 'clip.BirdNET.results.csv', text: birdnet, target: { recordingId: moth() } }, p.call)
    expect(report).toMatchObject({ format: 'birdnet-csv', imported: 2, createdLabels: ['Great Tit'] })
    const imported = (await p.services.handlers.labels.sets({}, p.call)).find((s) => s.name === 'Imported labels')
    expect(imported?.labels).toEqual([expect.objectContaining({ code: 'Great Tit', scientificName: 'Parus major', commonName: 'Great Tit' })])
    expect((await api().list({ recordingId: moth() }, p.call)).map((a) => a.labelId)).toEqual([labelIds.turmer, imported?.labels[0].id])
  })

  it('time-expanded recordings: Raven/Audacity times are file time, so they are divided by the factor (frequencies multiplied)', async () => {
    const report = await api().importText({ fileName: 'bat.txt', text: '1\t2\tPIPPIP\n\\\t2000\t4500\n', target: { recordingId: bat() } }, p.call)
    expect(report).toMatchObject({ format: 'audacity', imported: 1, problems: [] })
    const [a] = await api().list({ recordingId: bat() }, p.call)
    expect([a.startS, a.endS, a.lowHz, a.highHz]).toEqual([0.1, 0.2, 20_000, 45_000])
  })

  it('matches rows to recordings by Begin Path from another machine, and whole files by their name; unknown files are reported', async () => {
    const combined = [
      'Selection\tView\tChannel\tBegin Path\tFile Offset (s)\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\tHigh Freq (Hz)\tAnnotation',
      '1\tSpectrogram 1\t1\tD:\\\\cards\\\\Ridge\\\\moth-a\\\\20240601_040000.WAV\t0.5\t0.5\t1\t\t\tTURMER',
      '2\tSpectrogram 1\t1\tD:\\\\cards\\\\Ridge\\\\moth-a\\\\20240601_041000.WAV\t0.25\t2.25\t2.5\t\t\tERIRUB',
      '3\tSpectrogram 1\t1\tD:\\\\cards\\\\elsewhere\\\\other.wav\t0\t4\t5\t\t\tERIRUB',
      '4\tSpectrogram 1\t1\tD:\\\\cards\\\\elsewhere\\\\other.wav\t1\t5\t6\t\t\tERIRUB',
    ].join('\n').replace(/\\\\/g, '\\')
    const report = await api().importText({ fileName: 'deployment.txt', text: combined, target: { matchByName: true } }, p.call)
    expect(report).toMatchObject({ imported: 2, skipped: 2, problems: ['2 row(s) skipped: "D:\\cards\\elsewhere\\other.wav" matches no recording of the project'] })
    expect((await api().list({ recordingId: rec[0].id }, p.call)).map((a) => [a.startS, a.endS])).toEqual([[0.5, 1]])
    expect((await api().list({ recordingId: rec[1].id }, p.call)).map((a) => [a.startS, a.endS])).toEqual([[0.25, 0.5]])

    const byFileName = await api().importText({ fileName: '20240601_041000.Table.1.selections.txt', text: 'Begin Time (s)\tEnd Time (s)\tSpecies\n1\t1.5\tTURMER\n', target: { matchByName: true } }, p.call)
    expect(byFileName).toMatchObject({ imported: 1, skipped: 0 })
    const unknown = await api().importText({ fileName: 'nothing-like-it.txt', text: '1\t1.5\tTURMER\n', target: { matchByName: true } }, p.call)
    expect(unknown).toMatchObject({ imported: 0, skipped: 1, problems: ['1 row(s) skipped: no recording of the project is named like nothing-like-it.txt (and its rows name no file)'] })
  })

  it('a combined table imported onto one recording keeps only that recording’s rows', async () => {
    const combined = 'Begin Path\tFile Offset (s)\tBegin Time (s)\tEnd Time (s)\tAnnotation\n/x/20240601_040000.WAV\t0.5\t0.5\t1\tTURMER\n/x/20240601_041000.WAV\t0.25\t2.25\t2.5\tERIRUB\n'
    const report = await api().importText({ fileName: 'c.txt', text: combined, target: { recordingId: rec[1].id } }, p.call)
    expect(report).toMatchObject({ imported: 1, skipped: 1, problems: ['row 1 (0.5–1 s, "TURMER"): belongs to /x/20240601_040000.WAV, not to 20240601_041000.WAV; skipped'] })
  })

  it('refuses text that is no annotation format with ANNOTATION_FORMAT, and a quarantined target', async () => {
    await expect(api().importText({ fileName: 'gps.csv', text: 'PPS_NUMBER,AUDIOMOTH_TIME\n1,2\n', target: { recordingId: moth() } }, p.call)).rejects.toMatchObject({ code: 'ANNOTATION_FORMAT' })
    await expect(api().importText({ fileName: 'x.txt', text: '0\t1\tA\n', target: { recordingId: rec[3].id } }, p.call)).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
  })

  it('emits annotations.changed for each recording that received rows', async () => {
    const seen: Array<number | null> = []
    p.services.events.on('annotations.changed', (e) => seen.push(e.recordingId))
    await api().importText({ fileName: 'x.txt', text: '0\t1\tA\n', target: { recordingId: moth() } }, p.call)
    expect(seen).toEqual([moth()])
    const all: Annotation[] = await api().list({ recordingId: moth() }, p.call)
    expect(all).toHaveLength(1)
  })
})
