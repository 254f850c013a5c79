// The `labels` domain: label sets, labels, and species-list CSV import.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { insertDetection, insertModels, seasonProject, SERIAL_A, T0, writeSchedule, type SeasonProject } from './season-fixture'
import { join } from 'node:path'

let p: SeasonProject
beforeEach(async () => {
  p = await seasonProject()
})
afterEach(async () => {
  await p.cleanup()
})

const labels = () => p.services.handlers.labels

describe('label sets and labels', () => {
  it('creates, renames and lists sets with their labels in sort order; set names are unique', async () => {
    const birds = await labels().createSet({ name: 'Birds', description: 'Dawn chorus' }, p.call)
    expect(birds).toMatchObject({ name: 'Birds', description: 'Dawn chorus', labels: [] })
    await expect(labels().createSet({ name: 'Birds' }, p.call)).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: 'a label set called "Birds" already exists' })
    const bats = await labels().createSet({ name: 'Bats' }, p.call)
    await labels().upsertLabel({ labelSetId: birds.id, code: 'TURMER', scientificName: 'Turdus merula', commonName: 'Blackbird' }, p.call)
    await labels().upsertLabel({ labelSetId: birds.id, code: 'ERIRUB', color: '#aa3300' }, p.call)
    const renamed = await labels().updateSet({ id: bats.id, name: 'Bats 2024', description: null }, p.call)
    expect(renamed).toMatchObject({ name: 'Bats 2024', description: null })
    const sets = await labels().sets({}, p.call)
    expect(sets.map((s) => [s.name, s.labels.map((l) => [l.code, l.sortOrder])])).toEqual([['Bats 2024', []], ['Birds', [['TURMER', 0], ['ERIRUB', 1]]]])
    expect(sets[1].labels[1]).toMatchObject({ labelSetId: birds.id, scientificName: null, commonName: null, color: '#aa3300' })
  })

  it('upsert by code updates only the fields given; updateLabel changes code and order but never to a taken code', async () => {
    const set = await labels().createSet({ name: 'Birds' }, p.call)
    const a = await labels().upsertLabel({ labelSetId: set.id, code: 'TURMER', scientificName: 'Turdus merula' }, p.call)
    const again = await labels().upsertLabel({ labelSetId: set.id, code: 'TURMER', commonName: 'Blackbird' }, p.call)
    expect(again).toEqual({ ...a, commonName: 'Blackbird' })
    const b = await labels().upsertLabel({ labelSetId: set.id, code: 'ERIRUB' }, p.call)
    await expect(labels().updateLabel({ id: b.id, code: 'TURMER' }, p.call)).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
    expect(await labels().updateLabel({ id: b.id, code: 'ERIRUB2', sortOrder: -1, scientificName: 'Erithacus rubecula' }, p.call)).toMatchObject({ code: 'ERIRUB2', sortOrder: -1, scientificName: 'Erithacus rubecula' })
    await expect(labels().upsertLabel({ labelSetId: 999, code: 'X' }, p.call)).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(labels().updateLabel({ id: 999 }, p.call)).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })

  it('refuses to delete a label or a set that annotations or detections use (LABEL_IN_USE), and deletes unused ones', async () => {
    writeSchedule(join(p.season, 'site', 'card'), { serial: SERIAL_A, seconds: 1 }, T0, 1, 600)
    await p.importFolders()
    const recordingId = (p.db().prepare('SELECT id FROM recordings').get() as { id: number }).id
    const set = await labels().createSet({ name: 'Birds' }, p.call)
    const used = await labels().upsertLabel({ labelSetId: set.id, code: 'TURMER' }, p.call)
    const detected = await labels().upsertLabel({ labelSetId: set.id, code: 'ERIRUB' }, p.call)
    const free = await labels().upsertLabel({ labelSetId: set.id, code: 'PARMAJ' }, p.call)
    await p.services.handlers.annotations.create({ recordingId, labelId: used.id, startS: 0, endS: 0.5, lowHz: null, highHz: null, note: null }, p.call)
    insertDetection(p.db(), { modelId: insertModels(p.db()).headId, recordingId, labelId: detected.id, startS: 0, endS: 0.5, score: 0.8 })

    await expect(labels().deleteLabel({ id: used.id }, p.call)).rejects.toMatchObject({ code: 'LABEL_IN_USE', message: 'label "TURMER" is used by 1 annotation(s) and 0 detection(s); relabel or delete them first' })
    await expect(labels().deleteLabel({ id: detected.id }, p.call)).rejects.toMatchObject({ code: 'LABEL_IN_USE' })
    await expect(labels().deleteSet({ id: set.id }, p.call)).rejects.toMatchObject({ code: 'LABEL_IN_USE', message: 'label set "Birds" cannot be deleted: 2 of its labels are used by 1 annotation(s) and 1 detection(s)' })
    expect(await labels().deleteLabel({ id: free.id }, p.call)).toBeNull()
    const empty = await labels().createSet({ name: 'Empty' }, p.call)
    await labels().upsertLabel({ labelSetId: empty.id, code: 'X' }, p.call)
    expect(await labels().deleteSet({ id: empty.id }, p.call)).toBeNull()
    expect((await labels().sets({}, p.call)).map((s) => [s.name, s.labels.length])).toEqual([['Birds', 2]])
  })
})

describe('labels.importCsv', () => {
  async function importCsv(text: string, fileName = 'species.csv') {
    const set = (await labels().sets({}, p.call)).find((s) => s.name === 'Birds') ?? (await labels().createSet({ name: 'Birds' }, p.call))
    const report = await labels().importCsv({ labelSetId: set.id, fileName, text }, p.call)
    return { report, labels: (await labels().sets({}, p.call)).find((s) => s.id === set.id)?.labels ?? [] }
  }

  it('reads a header with named columns in any order, quoted fields with commas, a BOM and CRLF', async () => {
    const { report, labels: got } = await importCsv('\uFEFFCommon Name,Species Code,Scientific Name\r\n"Robin, European",ERIRUB,Erithacus rubecula\r\nBlackbird,TURMER,Turdus merula\r\n')
    expect(report).toEqual({ added: 2, updated: 0, skipped: 0, warnings: [] })
    expect(got.map((l) => [l.code, l.scientificName, l.commonName])).toEqual([['ERIRUB', 'Erithacus rubecula', 'Robin, European'], ['TURMER', 'Turdus merula', 'Blackbird']])
  })

  it('without a header: code, scientific name, common name by position; semicolons or tabs as delimiters', async () => {
    const semi = await importCsv('TURMER;Turdus merula;Blackbird\nERIRUB;Erithacus rubecula;Robin\n')
    expect(semi.report.added).toBe(2)
    expect(semi.labels[0]).toMatchObject({ code: 'TURMER', scientificName: 'Turdus merula', commonName: 'Blackbird' })
    const tabs = await importCsv('PARMAJ\tParus major\tGreat tit\n')
    expect(tabs.labels.at(-1)).toMatchObject({ code: 'PARMAJ', scientificName: 'Parus major', commonName: 'Great tit' })
  })

  it('a two-column list is code + scientific name when the second column is binomial, code + common name otherwise', async () => {
    expect((await importCsv('PIPPIP,Pipistrellus pipistrellus\nNYCNOC,Nyctalus noctula\n')).labels.map((l) => [l.code, l.scientificName, l.commonName])).toEqual([
      ['PIPPIP', 'Pipistrellus pipistrellus', null],
      ['NYCNOC', 'Nyctalus noctula', null],
    ])
    expect((await importCsv('AMRO,American Robin\n')).labels.at(-1)).toMatchObject({ code: 'AMRO', scientificName: null, commonName: 'American Robin' })
  })

  it('a list of names only uses the name as the code', async () => {
    const { report, labels: got } = await importCsv('scientific_name\nTurdus merula\nErithacus rubecula\n')
    expect(report.added).toBe(2)
    expect(got.map((l) => [l.code, l.scientificName])).toEqual([['Turdus merula', 'Turdus merula'], ['Erithacus rubecula', 'Erithacus rubecula']])
  })

  it('duplicates update: within the file and against labels already in the set; unchanged rows and empty rows are skipped with a reason', async () => {
    await importCsv('code,scientific,common\nTURMER,Turdus merula,Blackbird\n')
    const { report, labels: got } = await importCsv('code,scientific,common\nTURMER,Turdus merula,Common blackbird\nERIRUB,,Robin\n,,\nERIRUB,Erithacus rubecula,Robin\nTURMER,Turdus merula,Common blackbird\n', 'update.csv')
    expect(report).toEqual({
      added: 1,
      updated: 2,
      skipped: 2,
      warnings: ['update.csv line 4: no code or name; skipped', 'update.csv line 5: code "ERIRUB" already on line 3; this row\'s names are kept', 'update.csv line 6: code "TURMER" already on line 2; this row\'s names are kept'],
    })
    expect(got.map((l) => [l.code, l.scientificName, l.commonName])).toEqual([['TURMER', 'Turdus merula', 'Common blackbird'], ['ERIRUB', 'Erithacus rubecula', 'Robin']])
  })

  it('reports an empty file and skips codes longer than 64 characters', async () => {
    expect((await importCsv('', 'empty.csv')).report).toEqual({ added: 0, updated: 0, skipped: 0, warnings: ['empty.csv: no species in the file'] })
    const long = 'X'.repeat(65)
    const { report } = await importCsv(`${long},Some name\nOK1,Fine\n`, 'long.csv')
    expect(report).toMatchObject({ added: 1, skipped: 1 })
    expect(report.warnings[0]).toMatch(/^long\.csv line 1: code "X{40}…" is longer than 64 characters; skipped$/)
  })
})
