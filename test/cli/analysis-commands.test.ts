// The project commands of the engine, through runCli and real worker processes: models demo /
// import / list, analyze (and --resume), rescore — exact forms the checks use.
import { copyFileSync, mkdirSync, truncateSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { AnalyzeResult, ModelImportResult, RescoreResult, type ModelSummary } from '../../src-shared/contracts'
import { runCli } from '../../src-main/cli/run-cli'
import { generateDemoSeason } from '../../src-main/demo/demo-season'
import { tempDir } from '../helpers/main-services'
import { describeShared, fixturePath, realPath } from '../helpers/shared-data'
import { CapturedStream } from './captured-stream'

const dirs: Array<{ cleanup(): void }> = []
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()))

describeShared('analysis commands', () => {
  it('models demo/import/list, analyze --json, analyze --resume and rescore work on a project', async () => {
    const t = tempDir('obs-cli-analysis-')
    dirs.push(t)
    const env = { OPENBEATS_DATA_DIR: join(t.path, 'data') }
    const cli = async (argv: string[]) => {
      const stdout = new CapturedStream()
      const stderr = new CapturedStream()
      const code = await runCli(argv, { stdout, stderr, env })
      return { code, stdout: stdout.text, stderr: stderr.text }
    }
    const project = join(t.path, 'project')
    generateDemoSeason(join(t.path, 'season'), { hours: 10 / 3600, sites: 1, fileSeconds: 5, sampleRate: 16_000 })
    expect((await cli(['init', project])).code).toBe(0)
    expect((await cli(['import', project, join(t.path, 'season')])).code).toBe(0)

    const demo = await cli(['models', 'demo', project])
    expect(demo).toMatchObject({ code: 0, stderr: '' })
    expect(demo.stdout).toBe('Demo model: encoder 1 (Demo model (random weights) 1) — random weights, for trying the app out\n')

    const imported = await cli(['models', 'import', project, fixturePath('checkpoints/espnet_cls_tiny.pth'), '--config', fixturePath('checkpoints/espnet_cls_tiny.config.yaml'), '--name', 'Tiny', '--json'])
    expect(imported.code, imported.stderr).toBe(0)
    const model = ModelImportResult.parse(JSON.parse(imported.stdout))
    expect(model).toMatchObject({ encoderId: 2, headId: 3, name: 'Tiny', version: '1' })

    const listed = await cli(['models', 'list', project, '--json'])
    expect((JSON.parse(listed.stdout) as ModelSummary[]).map((m) => [m.id, m.kind, m.name, m.active])).toEqual([
      [1, 'encoder', 'Demo model (random weights)', true],
      [2, 'encoder', 'Tiny', false],
      [3, 'head', 'Tiny classifier', true],
    ])
    expect((await cli(['models', 'list', project])).stdout).toMatch(/^ID {2}KIND {5}NAME/)

    const analysed = await cli(['analyze', project, '--model', '2', '--window', '2', '--hop', '1', '--threads', '1', '--json'])
    expect(analysed.code, analysed.stderr).toBe(0)
    const a = AnalyzeResult.parse(JSON.parse(analysed.stdout))
    expect(a).toMatchObject({ encoderId: 2, windowS: 2, hopS: 1, analysed: 2, threads: 1, heads: [], skippedHeads: [{ id: 3, name: 'Tiny classifier 1', reason: 'made for 1 s windows every 0.5 s, this analysis uses 2 s every 1 s' }] })

    const resumed = await cli(['analyze', project, '--model', '2', '--resume', '--json'])
    expect(resumed.stderr).toContain('No unfinished analyze job: starting a new one')
    const b = AnalyzeResult.parse(JSON.parse(resumed.stdout))
    expect(b).toMatchObject({ windowS: 1, hopS: 0.5, analysed: 2, heads: [{ id: 3, name: 'Tiny classifier' }] })

    const rescored = await cli(['rescore', project, '--json'])
    expect(rescored.code, rescored.stderr).toBe(0)
    const r = RescoreResult.parse(JSON.parse(rescored.stdout))
    expect(r.heads.map((h) => [h.id, h.detections])).toEqual([[3, b.detections]])
    expect((await cli(['rescore', project])).stdout).toMatch(/^1 head\(s\) rescored on \d+ stored windows in [\d.]+ s: \d+ detection\(s\)\n {2}Tiny classifier 1: 2 recording\(s\)/)

    const bad = await cli(['analyze', project, '--window', '0.1'])
    expect(bad.code).toBe(2)
    expect(bad.stderr).toBe('error INVALID_REQUEST: window length must be between 0.2 s and 600 s, got 0.1\n')
  })

  it('analyze prints the decode warnings of the files it read (a lying header, a missing pad byte) and why a file was quarantined, naming each file', async () => {
    const t = tempDir('obs-cli-analysis-warn-')
    dirs.push(t)
    const env = { OPENBEATS_DATA_DIR: join(t.path, 'data') }
    const cli = async (argv: string[]) => {
      const stdout = new CapturedStream()
      const stderr = new CapturedStream()
      const code = await runCli(argv, { stdout, stderr, env })
      return { code, stdout: stdout.text, stderr: stderr.text }
    }
    const season = join(t.path, 'season')
    mkdirSync(season)
    const name = 'Car300711-2014-Pass2-C1-16701_0_20141004_210909_000.wav'
    copyFileSync(realPath(`edge_cases/${name}`), join(season, name))
    const emptied = join(season, 'emptied.wav')
    copyFileSync(realPath('recordings/1min.wav'), emptied)
    const project = join(t.path, 'project')
    expect((await cli(['init', project])).code).toBe(0)
    expect((await cli(['import', project, season])).code).toBe(0)
    expect((await cli(['models', 'demo', project])).code).toBe(0)
    truncateSync(emptied, 0) // unreadable by the time it is analysed: quarantined, the rest goes on

    const analysed = await cli(['analyze', project, '--threads', '1'])
    expect(analysed.code, analysed.stderr).toBe(0)
    expect(analysed.stdout).toMatch(/^1 recording\(s\) analysed .*\n0 detection\(s\) \(no active head for these windows\)\nUnreadable, quarantined \(1\):\n/)
    expect(analysed.stdout.endsWith(`\n  AUDIO_EMPTY  ${emptied}: the file is empty (0 bytes)\n`)).toBe(true)
    const file = join(season, name)
    // the quarantine is in the summary, not repeated as a warning
    expect(analysed.stderr.split('\n').filter((l) => l.startsWith('warning: '))).toEqual([
      `warning: ${file}: RIFF size says 3840050 bytes but the file has 3840121; the extra 71 bytes were walked too`,
      `warning: ${file}: chunk at offset 3840044 starts 2 byte(s) before the end of chunk 'data'; 'data' shortened to 3839998 bytes`,
      `warning: ${file}: chunk 'wamd' has odd size 69 and no pad byte at the end of the file`,
    ])
    // analysed already: nothing read, nothing to warn about
    const again = await cli(['analyze', project, '--threads', '1', '--json'])
    expect(again.stderr.split('\n').filter((l) => l.startsWith('warning: '))).toEqual([])
  })
})
