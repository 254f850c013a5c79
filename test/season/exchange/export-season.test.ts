// Exports from a project database, and the round trips through the annotation import: a Raven
// table (per recording or combined per deployment) or an Audacity track exported and imported
// again gives the same annotations.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Annotation } from '../../../src-shared/contracts'
import { exportSeason } from '../../../src-main/season/exchange/export-season'
import { plainWav } from '../import/season-files'
import { insertDetection, insertModels, seasonProject, SERIAL_A, T0, writeSchedule, type SeasonProject } from '../../services/season-fixture'

let p: SeasonProject
let ids: { mothA: number; mothB: number; bat: number }
let labels: { turmer: number; erirub: number }

beforeEach(async () => {
  p = await seasonProject()
  writeSchedule(join(p.season, 'Ridge', 'moth-a'), { serial: SERIAL_A, seconds: 3, offsetMinutes: 120, guano: { latitude: 46.5, longitude: 7.25 } }, T0, 2, 600)
  // The bat detector's card is imported on its own, as ×10 time expansion.
  const bats = join(p.root, 'bat-season')
  mkdirSync(join(bats, 'Bats', 'detector'), { recursive: true })
  writeFileSync(join(bats, 'Bats', 'detector', 'bat.wav'), plainWav(38_400, 5, 3))
  await p.importFolders([p.season])
  await p.importFolders([bats], 10)
  const rows = p.db().prepare('SELECT id, file_name FROM recordings ORDER BY file_name').all() as { id: number; file_name: string }[]
  ids = { mothA: rows[0].id, mothB: rows[1].id, bat: rows[2].id }
  const set = await p.services.handlers.labels.createSet({ name: 'Birds' }, p.call)
  labels = {
    turmer: (await p.services.handlers.labels.upsertLabel({ labelSetId: set.id, code: 'TURMER', scientificName: 'Turdus merula', commonName: 'Blackbird' }, p.call)).id,
    erirub: (await p.services.handlers.labels.upsertLabel({ labelSetId: set.id, code: 'ERIRUB', commonName: 'European Robin' }, p.call)).id,
  }
})
afterEach(async () => {
  await p.cleanup()
})

const api = () => p.services.handlers.annotations
const projectDir = () => p.services.session.require().dir

async function annotate(): Promise<void> {
  const add = (recordingId: number, labelId: number, startS: number, endS: number, lowHz: number | null = null, highHz: number | null = null, note: string | null = null) =>
    api().create({ recordingId, labelId, startS, endS, lowHz, highHz, note }, p.call)
  await add(ids.mothA, labels.turmer, 0.1, 0.35, 1200.5, 3400, 'first song')
  await add(ids.mothA, labels.erirub, 1 / 3, 2.9)
  await add(ids.mothB, labels.erirub, 0, 3, 0, 4000)
  await add(ids.mothB, labels.turmer, 2.123456789, 2.5)
  await add(ids.bat, labels.turmer, 0.0123, 0.0456, 21_000, 55_500.5)
}

/** What must survive a round trip. */
function essence(list: Annotation[]): unknown[] {
  return list.map((a) => ({ labelId: a.labelId, startS: a.startS, endS: a.endS, lowHz: a.lowHz, highHz: a.highHz, note: a.note }))
}

async function allAnnotations(): Promise<Record<number, unknown[]>> {
  const out: Record<number, unknown[]> = {}
  for (const id of Object.values(ids)) out[id] = essence(await api().list({ recordingId: id }, p.call))
  return out
}

/** Raven writes a time segment as a 0 … Nyquist box, so a full-band box reads back as a segment. */
function asRavenSees(r: Record<number, unknown[]>): Record<number, unknown[]> {
  const nyquist: Record<number, number> = { [ids.mothA]: 4000, [ids.mothB]: 4000, [ids.bat]: 192_000 }
  return Object.fromEntries(
    Object.entries(r).map(([k, list]) => [k, list.map((a) => {
      const x = a as { lowHz: number | null; highHz: number | null }
      return x.lowHz === 0 && x.highHz === nyquist[Number(k)] ? { ...x, lowHz: null, highHz: null } : x
    })]),
  )
}

function closeTo(actual: Record<number, unknown[]>, expected: Record<number, unknown[]>): void {
  // Time-expanded rows go through ×10 and ÷10: equal within float noise.
  const round = (v: unknown): unknown => (typeof v === 'number' ? Math.round(v * 1e9) / 1e9 : v)
  const norm = (r: Record<number, unknown[]>) => Object.fromEntries(Object.entries(r).map(([k, list]) => [k, list.map((a) => Object.fromEntries(Object.entries(a as object).map(([f, v]) => [f, round(v)])))]))
  expect(norm(actual)).toEqual(norm(expected))
}

describe('Raven and Audacity round trips through the database', () => {
  it('per-recording Raven tables exported then imported give the same annotations (boxes, segments, notes, time expansion)', async () => {
    await annotate()
    const before = await allAnnotations()
    const result = await exportSeason(p.db(), projectDir(), { format: 'raven', outDir: join(p.root, 'out') })
    const perRecording = result.files.filter((f) => f.kind === 'raven-annotations')
    expect(perRecording.map((f) => [f.path, f.rows])).toEqual([
      ['raven/Bats/detector/bat.annotations.selections.txt', 1],
      ['raven/Ridge/moth-a/20240601_060000.annotations.selections.txt', 2],
      ['raven/Ridge/moth-a/20240601_061000.annotations.selections.txt', 2],
    ])
    for (const id of Object.values(ids)) await api().clearRecording({ recordingId: id }, p.call)
    const files = { [ids.bat]: perRecording[0].path, [ids.mothA]: perRecording[1].path, [ids.mothB]: perRecording[2].path }
    for (const [id, rel] of Object.entries(files)) {
      const report = await api().importText({ fileName: rel.split('/').pop() as string, text: readFileSync(join(result.dir, rel), 'utf8'), target: { recordingId: Number(id) } }, p.call)
      expect(report).toMatchObject({ format: 'raven', skipped: 0, problems: [], createdLabels: [] })
    }
    closeTo(await allAnnotations(), asRavenSees(before))
    // Raven sees the file at its header rate: the ×10 bat box is written in file time.
    const batTable = readFileSync(join(result.dir, perRecording[0].path), 'utf8').split('\n')
    expect(batTable[0]).toBe('Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\tHigh Freq (Hz)\tAnnotation\tScientific Name\tCommon Name\tSource')
    expect(batTable[1]).toBe('1\tSpectrogram 1\t1\t0.123\t0.456\t2100\t5550.05\tTURMER\tTurdus merula\tBlackbird\tmanual')
  })

  it('the combined table of a deployment (cumulative Begin Time, Begin Path, File Offset) imported by name gives the same annotations', async () => {
    await annotate()
    const before = await allAnnotations()
    const result = await exportSeason(p.db(), projectDir(), { format: 'raven', outDir: join(p.root, 'out') })
    const combined = result.files.find((f) => f.path === 'raven/Ridge/moth-a.annotations.combined.selections.txt')
    expect(combined).toEqual({ path: 'raven/Ridge/moth-a.annotations.combined.selections.txt', kind: 'raven-combined-annotations', rows: 4 })
    const lines = readFileSync(join(result.dir, combined?.path as string), 'utf8').trim().split('\n').map((l) => l.split('\t'))
    expect(lines[0].slice(0, 9)).toEqual(['Selection', 'View', 'Channel', 'Begin Path', 'File Offset (s)', 'Begin File', 'Begin Time (s)', 'End Time (s)', 'Low Freq (Hz)'])
    // The second recording's rows start 3 s (the first recording's length) later.
    expect(lines.slice(1).map((l) => [l[4], l[5], l[6]])).toEqual([
      ['0.1', '20240601_060000.WAV', '0.1'],
      ['0.3333333333333333', '20240601_060000.WAV', '0.333333333'],
      ['0', '20240601_061000.WAV', '3'],
      ['2.123456789', '20240601_061000.WAV', '5.123456789'],
    ])
    for (const id of Object.values(ids)) await api().clearRecording({ recordingId: id, source: 'manual' }, p.call)
    const report = await api().importText({ fileName: 'moth-a.annotations.combined.selections.txt', text: readFileSync(join(result.dir, combined?.path as string), 'utf8'), target: { matchByName: true } }, p.call)
    expect(report).toMatchObject({ imported: 4, skipped: 0, problems: [] })
    const after = await allAnnotations()
    closeTo({ [ids.mothA]: after[ids.mothA], [ids.mothB]: after[ids.mothB] }, asRavenSees({ [ids.mothA]: before[ids.mothA], [ids.mothB]: before[ids.mothB] }))
  })

  it('Audacity label tracks exported then imported give the same annotations; boxes carry their frequency line', async () => {
    await annotate()
    const before = await allAnnotations()
    const result = await exportSeason(p.db(), projectDir(), { format: 'audacity', outDir: join(p.root, 'out') })
    expect(result.files.map((f) => f.path)).toEqual([
      'audacity/Bats/detector/bat.annotations.txt',
      'audacity/Ridge/moth-a/20240601_060000.annotations.txt',
      'audacity/Ridge/moth-a/20240601_061000.annotations.txt',
    ])
    expect(readFileSync(join(result.dir, result.files[1].path), 'utf8')).toBe('0.1\t0.35\tTURMER\n\\\t1200.5\t3400\n0.3333333333333333\t2.9\tERIRUB\n')
    for (const id of Object.values(ids)) await api().clearRecording({ recordingId: id }, p.call)
    for (const [i, id] of [ids.bat, ids.mothA, ids.mothB].entries()) {
      await api().importText({ fileName: 'labels.txt', text: readFileSync(join(result.dir, result.files[i].path), 'utf8'), target: { recordingId: id } }, p.call)
    }
    const after = await allAnnotations()
    // Audacity has no note column; everything else comes back.
    const withoutNotes = (r: Record<number, unknown[]>) => Object.fromEntries(Object.entries(r).map(([k, l]) => [k, l.map((a) => ({ ...(a as object), note: null }))]))
    closeTo(after, withoutNotes(before))
  })
})

describe('exportSeason', () => {
  it('CSV: wall-clock ISO times with the recording offset, place, label, score, review state, model and threshold; below-threshold detections left out', async () => {
    await annotate()
    const db = p.db()
    const { headId } = insertModels(db)
    insertDetection(db, { modelId: headId, recordingId: ids.mothA, labelId: labels.turmer, startS: 1, endS: 2, score: 0.91, reviewState: 'confirmed', threshold: 0.5 })
    insertDetection(db, { modelId: headId, recordingId: ids.mothA, labelId: labels.erirub, startS: 0, endS: 1, score: 0.3, threshold: 0.5 })
    insertDetection(db, { modelId: headId, recordingId: ids.mothB, labelId: labels.erirub, startS: 2, endS: 3, score: 0.7, reviewState: 'rejected', threshold: 0.5 })
    const result = await exportSeason(db, projectDir(), { format: 'csv', content: 'both' }, { now: new Date(Date.UTC(2024, 6, 1, 12, 30, 5)) })
    expect(result.dir).toBe(join(projectDir(), 'exports', '20240701-123005'))
    expect(result).toMatchObject({ annotations: 5, detections: 2, recordings: 3 })
    expect(result.files).toEqual([
      { path: 'annotations.csv', kind: 'csv-annotations', rows: 5 },
      { path: 'detections.csv', kind: 'csv-detections', rows: 2 },
    ])
    const detections = readFileSync(join(result.dir, 'detections.csv'), 'utf8').split('\r\n')
    expect(detections[0]).toBe('recording,site,deployment,latitude,longitude,start_s,end_s,start_time,end_time,low_hz,high_hz,label,score,review_state,model_id,model_version,threshold')
    const pathA = (db.prepare('SELECT path FROM recordings WHERE id = ?').get(ids.mothA) as { path: string }).path
    const pathB = (db.prepare('SELECT path FROM recordings WHERE id = ?').get(ids.mothB) as { path: string }).path
    expect(detections.slice(1)).toEqual([
      `${pathA},Ridge,moth-a,46.5,7.25,1,2,2024-06-01T06:00:01+02:00,2024-06-01T06:00:02+02:00,,,TURMER,0.91,confirmed,Birds head,3,0.5`,
      `${pathB},Ridge,moth-a,46.5,7.25,2,3,2024-06-01T06:10:02+02:00,2024-06-01T06:10:03+02:00,,,ERIRUB,0.7,rejected,Birds head,3,0.5`,
      '',
    ])
    const annotations = readFileSync(join(result.dir, 'annotations.csv'), 'utf8').split('\r\n')
    expect(annotations.find((l) => l.startsWith(pathA))).toBe(`${pathA},Ridge,moth-a,46.5,7.25,0.1,0.35,2024-06-01T06:00:00.1+02:00,2024-06-01T06:00:00.35+02:00,1200.5,3400,TURMER,,manual,,,`)
    expect(annotations.find((l) => l.includes('bat.wav'))).toMatch(/,Bats,detector,,,0\.0123,0\.0456,,,21000,55500\.5,TURMER,,manual,,,$/)
    expect(readdirSync(result.dir).sort()).toEqual(['annotations.csv', 'detections.csv'])
  })

  it('Raven detections: one table per recording with scores; rejected ones left out', async () => {
    const db = p.db()
    const { headId } = insertModels(db)
    insertDetection(db, { modelId: headId, recordingId: ids.mothA, labelId: labels.turmer, startS: 1, endS: 2, score: 0.91 })
    insertDetection(db, { modelId: headId, recordingId: ids.mothA, labelId: labels.erirub, startS: 2, endS: 3, score: 0.8, reviewState: 'rejected' })
    const result = await exportSeason(db, projectDir(), { format: 'raven', content: 'detections', outDir: join(p.root, 'det') })
    expect(result.files.map((f) => [f.path, f.rows])).toEqual([
      ['raven/Ridge/moth-a/20240601_060000.detections.selections.txt', 1],
      ['raven/Ridge/moth-a.detections.combined.selections.txt', 1],
    ])
    const table = readFileSync(join(result.dir, result.files[0].path), 'utf8').split('\n')
    expect(table[0]).toBe('Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\tHigh Freq (Hz)\tAnnotation\tScore\tReview\tModel\tCommon Name')
    expect(table[1]).toBe('1\tSpectrogram 1\t1\t1\t2\t0\t4000\tTURMER\t0.91\tunreviewed\tBirds head 3\tBlackbird')
    expect(result.detections).toBe(2)
  })

  it('exports only the chosen deployments or recordings, into a fresh folder per run, and leaves no partial files', async () => {
    await annotate()
    const [, ridge] = await p.services.handlers.recordings.tree({}, p.call)
    const now = new Date(Date.UTC(2024, 6, 1, 12, 0, 0))
    const first = await exportSeason(p.db(), projectDir(), { format: 'audacity', deploymentIds: [ridge.deployments[0].id] }, { now })
    const second = await exportSeason(p.db(), projectDir(), { format: 'audacity', recordingIds: [ids.bat] }, { now })
    expect(first.dir).toBe(join(projectDir(), 'exports', '20240701-120000'))
    expect(second.dir).toBe(join(projectDir(), 'exports', '20240701-120000-2'))
    expect(first.files.map((f) => f.path)).toEqual(['audacity/Ridge/moth-a/20240601_060000.annotations.txt', 'audacity/Ridge/moth-a/20240601_061000.annotations.txt'])
    expect(second.files.map((f) => f.path)).toEqual(['audacity/Bats/detector/bat.annotations.txt'])
    const all = (dir: string): string[] => readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? all(join(dir, e.name)) : [e.name]))
    expect(all(join(projectDir(), 'exports')).filter((n) => n.includes('.partial-'))).toEqual([])
    await expect(exportSeason(p.db(), projectDir(), { format: 'csv', recordingIds: [999] })).rejects.toMatchObject({ code: 'EXPORT_FAILED', message: 'nothing to export: no readable recordings match the selection' })
  })

  it('stops with CANCELLED when its signal fires and removes its partial CSV', async () => {
    const controller = new AbortController()
    controller.abort()
    const out = join(p.root, 'cancelled')
    await expect(exportSeason(p.db(), projectDir(), { format: 'csv', outDir: out }, { signal: controller.signal })).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(readdirSync(out)).toEqual([])
  })
})
