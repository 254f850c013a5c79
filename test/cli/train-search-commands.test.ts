// `train` and `search` through runCli in-process (training runs in a worker process), on a
// synthetic project: --json output with mAP and per-class AP, the human summaries, and errors.
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SearchResponse } from '../../src-shared/contracts'
import { runCli } from '../../src-main/cli/run-cli'
import { tempDir } from '../helpers/main-services'
import { syntheticProject, type SyntheticRecording } from '../training/synthetic-project'
import { CapturedStream } from './captured-stream'

const tmp = tempDir('obs-cli-train-')
const project = join(tmp.path, 'project')
let recordings: SyntheticRecording[]
beforeAll(async () => {
  const p = await syntheticProject(project, { sites: 2, recordingsPerSite: 3, seed: 31 })
  recordings = p.recordings
  p.close()
})
afterAll(() => tmp.cleanup())

async function cli(argv: string[]) {
  const stdout = new CapturedStream()
  const stderr = new CapturedStream()
  const code = await runCli(argv, { stdout, stderr, env: { OPENBEATS_DATA_DIR: join(tmp.path, 'data') } })
  return { code, stdout: stdout.text, stderr: stderr.text }
}

describe('train and search commands', () => {
  it('trains on the named labels and prints the metrics JSON with mAP and per-class AP', async () => {
    const r = await cli(['train', project, '--labels', 'AAA,CCC', '--split', 'site', '--seed', '3', '--epochs', '10', '--threads', '1', '--json'])
    expect(r.stderr.replace(/Training[^\n]*\n?/g, '').trim()).toBe('')
    expect(r.code).toBe(0)
    const out = JSON.parse(r.stdout)
    expect(out).toMatchObject({ name: 'Synthetic species head', version: '1', split: 'validation' })
    expect(typeof out.mAP).toBe('number')
    expect(Object.keys(out.AP)).toEqual(['AAA', 'CCC'])
    expect(out.mAP).toBeCloseTo((out.AP.AAA + out.AP.CCC) / 2, 12)
  })

  it('prints a readable summary without --json and trains an MLP', async () => {
    const r = await cli(['train', project, '--labels', 'BBB', '--kind', 'mlp', '--epochs', '5', '--threads', '1'])
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Synthetic species head 2 \(model \d+\) trained in [\d.]+ s on \d+ windows; \d+ held out by recording\nvalidation mAP [\d.]+\n {2}BBB +AP [\d.]+ {2}F1 /)
  })

  it('refuses unknown label codes and bad options with the error convention', async () => {
    const unknown = await cli(['train', project, '--labels', 'AAA,ZZZ'])
    expect(unknown).toMatchObject({ code: 1, stdout: '' })
    expect(unknown.stderr).toBe('error NOT_FOUND: unknown label code(s): ZZZ\n')
    const bad = await cli(['train', project, '--labels', 'AAA', '--split', 'month'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^error INVALID_REQUEST: --split must be recording, site or date/)
  })

  it('searches by example: the query window first, as JSON and as a table', async () => {
    const rec = recordings[2]
    const json = await cli(['search', project, '--recording', String(rec.id), '--start', '5', '--end', '6', '--k', '4', '--json'])
    expect(json.code).toBe(0)
    const result = SearchResponse.parse(JSON.parse(json.stdout))
    expect(result.hits).toHaveLength(4)
    expect(result.hits[0]).toMatchObject({ recordingId: rec.id, startS: 5, endS: 6, isQuery: true })
    const table = await cli(['search', project, '--recording', String(rec.id), '--start', '5', '--end', '6', '--k', '2'])
    expect(table.stdout.split('\n')[1]).toMatch(/^ {3}1 {2}1\.0000 {2}S1_002\.wav {2}5\.00–6\.00 s {2}\(query\)$/)
    const missing = await cli(['search', project, '--recording', String(rec.id), '--start', '5'])
    expect(missing.stderr).toBe('error INVALID_REQUEST: --end needs a number\n')
  })
})
