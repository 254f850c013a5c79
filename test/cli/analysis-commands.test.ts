// The project commands of the engine, through runCli and real worker processes: models demo /
// import / list, analyze (and --resume), rescore — exact forms the checks use.
import { join } from 'node:path'
import { afterEach, expect, it } from 'vitest'
import { AnalyzeResult, ModelImportResult, RescoreResult, type ModelSummary } from '../../src-shared/contracts'
import { runCli } from '../../src-main/cli/run-cli'
import { generateDemoSeason } from '../../src-main/demo/demo-season'
import { tempDir } from '../helpers/main-services'
import { describeShared, fixturePath } from '../helpers/shared-data'
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
})
