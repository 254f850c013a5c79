// `import`, `import-annotations` and `export` through runCli in-process (the jobs still run in
// worker processes), with --json output, summaries and the error convention.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { AnnotationImportReport, ExportResult, ImportResult, MediaCacheResult } from '../../src-shared/contracts'
import { runCli } from '../../src-main/cli/run-cli'
import { tempDir } from '../helpers/main-services'
import { writeMothFile } from '../season/import/season-files'
import { CapturedStream } from './captured-stream'

const cleanups: Array<() => void> = []
afterEach(() => cleanups.splice(0).forEach((c) => c()))

const T0 = Date.UTC(2024, 5, 1, 4, 0, 0)
const SERIAL = '24E144055E080032'

function workspace() {
  const d = tempDir('obs-cli-season-')
  cleanups.push(d.cleanup)
  const cli = async (argv: string[]) => {
    const stdout = new CapturedStream()
    const stderr = new CapturedStream()
    const code = await runCli(argv, { stdout, stderr, env: { OPENBEATS_DATA_DIR: join(d.path, 'data') } })
    return { code, stdout: stdout.text, stderr: stderr.text }
  }
  const season = join(d.path, 'season')
  for (let i = 0; i < 3; i++) writeMothFile(join(season, 'Ridge', 'card-1'), { serial: SERIAL, startMs: T0 + i * 600_000, seconds: 2 })
  writeFileSync(join(season, 'Ridge', 'card-1', 'broken.WAV'), Buffer.alloc(0))
  return { root: d.path, project: join(d.path, 'project'), season, cli }
}

describe('season commands', () => {
  it('import → import-annotations → export, with --json', async () => {
    const { root, project, season, cli } = workspace()
    expect((await cli(['init', project])).code).toBe(0)

    const imported = await cli(['import', project, season, '--json'])
    expect(imported).toMatchObject({ code: 0 })
    const result = ImportResult.parse(JSON.parse(imported.stdout))
    expect(result).toMatchObject({ files: 4, imported: 3, quarantined: 1, quarantineTotal: 1 })
    // Not a terminal: the progress bar prints plain lines on stderr, keeping stdout pure JSON.
    expect(imported.stderr).toMatch(/^Importing \d+\/4 files/m)

    const table = join(root, '20240601_040000.Table.1.selections.txt')
    writeFileSync(table, 'Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\tHigh Freq (Hz)\tSpecies\n1\tSpectrogram 1\t1\t0.5\t1.5\t1000\t3000\tTURMER\n2\tSpectrogram 1\t1\t1.8\t2.6\t1000\t3000\tERIRUB\n')
    const annotated = await cli(['import-annotations', project, table, '--match-by-name', '--json'])
    expect(annotated).toMatchObject({ code: 0, stderr: '' })
    const [report] = JSON.parse(annotated.stdout) as unknown[]
    expect(AnnotationImportReport.parse(report)).toEqual({
      fileName: '20240601_040000.Table.1.selections.txt',
      format: 'raven',
      imported: 2,
      skipped: 0,
      problems: ['row 2 (1.8–2.6 s, "ERIRUB"): ends at 2.6 s, past the end of 20240601_040000.WAV (2 s); clipped'],
      createdLabels: ['TURMER', 'ERIRUB'],
    })

    const out = join(root, 'out')
    const exported = await cli(['export', project, '--format', 'csv', '--out', out, '--json'])
    expect(exported).toMatchObject({ code: 0 })
    const files = ExportResult.parse(JSON.parse(exported.stdout))
    expect(files).toMatchObject({ dir: out, annotations: 2, detections: 0, recordings: 3, files: [{ path: 'annotations.csv', kind: 'csv-annotations', rows: 2 }] })
    expect(readFileSync(join(out, 'annotations.csv'), 'utf8').split('\r\n')[1]).toMatch(/,Ridge,card-1,,,0\.5,1\.5,2024-06-01T04:00:00\.5Z,2024-06-01T04:00:01\.5Z,1000,3000,TURMER,,imported,,,$/)
  })

  it('prints readable summaries without --json', async () => {
    const { root, project, season, cli } = workspace()
    await cli(['init', project])
    const imported = await cli(['import', project, season])
    expect(imported.code).toBe(0)
    expect(imported.stdout).toBe(
      [
        '4 audio file(s): 3 imported, 0 updated, 0 unchanged, 0 moved, 0 duplicate(s), 1 newly quarantined',
        '0.00 h of audio; 1 site(s) and 1 deployment(s) created; 0 other file(s) skipped',
        'Quarantined (1):',
        `  AUDIO_EMPTY  ${join(season, 'Ridge', 'card-1', 'broken.WAV')}: the file is empty (0 bytes)`,
        '',
      ].join('\n'),
    )
    const labels = join(root, 'labels.txt')
    writeFileSync(labels, '0.1\t0.2\tTURMER\n5\t6\tTURMER\n')
    const annotated = await cli(['import-annotations', project, labels, '--recording', '1'])
    expect(annotated).toMatchObject({ code: 0, stderr: '' })
    expect(annotated.stdout).toBe('labels.txt (audacity): 1 imported, 1 skipped; new labels: TURMER\n  row 2 (5–6 s, "TURMER"): starts at 5 s, past the end of 20240601_040000.WAV (2 s); skipped\n')
    const exported = await cli(['export', project, '--format', 'audacity'])
    expect(exported.code).toBe(0)
    expect(exported.stdout).toMatch(/^1 file\(s\) in .*\/project\/exports\/\d{8}-\d{6}: 1 annotation\(s\), 0 detection\(s\) from 3 recording\(s\)\n {2}audacity\/Ridge\/card-1\/20240601_040000\.annotations\.txt \(1 rows\)\n$/)
  })

  it('import --prepare-media prepares the long recordings the app would open slowly, once', async () => {
    const { project, season, cli } = workspace()
    await cli(['init', project])
    writeMothFile(join(season, 'Ridge', 'card-2'), { serial: SERIAL, startMs: T0 + 86_400_000, seconds: 600, rate: 8000 })
    const first = await cli(['import', project, season, '--prepare-media'])
    expect(first.code).toBe(0)
    expect(first.stdout.split('\n').slice(-2)).toEqual(['Waveforms and spectrograms prepared for 1 of 1 long recording(s) (0.17 h of audio); 0 already prepared, 0 failed', ''])
    expect(first.stderr).toMatch(/^Preparing /m)
    const cacheDir = join(project, 'cache')
    expect(readdirSync(cacheDir, { recursive: true }).map(String).some((f) => f.endsWith('.bin'))).toBe(true)

    const again = await cli(['import', project, season, '--prepare-media', '--json'])
    expect(again.code).toBe(0)
    const parsed = JSON.parse(again.stdout) as { mediaCache: unknown }
    expect(ImportResult.parse(parsed)).toMatchObject({ files: 5, imported: 0, unchanged: 5 })
    expect(MediaCacheResult.parse(parsed.mediaCache)).toEqual({ recordings: 1, built: 0, alreadyCached: 1, failed: 0, audioSeconds: 0 })

    const help = await cli(['import', '--help'])
    expect(help.stdout).toContain('--prepare-media then computes the waveform peaks and default spectrogram of every recording of 10 minutes or more')
  })

  it('import --prepare-media cancelled after the import keeps the import and says so', async () => {
    const { project, season, root } = workspace()
    writeMothFile(join(season, 'Ridge', 'card-2'), { serial: SERIAL, startMs: T0 + 86_400_000, seconds: 600, rate: 8000 })
    const env = { OPENBEATS_DATA_DIR: join(root, 'data') }
    expect(await runCli(['init', project], { stdout: new CapturedStream(), stderr: new CapturedStream(), env })).toBe(0)
    const stdout = new CapturedStream()
    const stderr = new CapturedStream()
    const ctrlC = new AbortController()
    const running = runCli(['import', project, season, '--prepare-media'], { stdout, stderr, env }, { signal: ctrlC.signal })
    // Ctrl-C as soon as the import's summary is out, before or while the preparation runs.
    while (!stdout.text.includes('audio file(s)')) await new Promise((r) => setTimeout(r, 5))
    ctrlC.abort()
    expect(await running).toBe(130) // the exit code of an interrupted command
    const stopped = stderr.text.match(/^error CANCELLED: the import is done and kept \(4 imported, 0 updated\); preparing the long recordings stopped: media-cache job (\d+) was cancelled; resume it with `openbeats-studio jobs (.+) --resume (\d+)` or from the app's Jobs view$/m)
    expect(stopped, stderr.text).not.toBeNull()
    const [, jobId, projectArg, resumeId] = stopped as RegExpMatchArray
    expect([projectArg, resumeId]).toEqual([project, jobId])
    expect(stdout.text).not.toContain('Waveforms and spectrograms prepared')

    // Resumed from the command line, as the message says.
    const resumedOut = new CapturedStream()
    const resumedErr = new CapturedStream()
    expect(await runCli(['jobs', project, '--resume', jobId, '--json'], { stdout: resumedOut, stderr: resumedErr, env })).toBe(0)
    expect(resumedErr.text).toMatch(new RegExp(`^Job ${jobId} `, 'm'))
    const resumed = MediaCacheResult.parse(JSON.parse(resumedOut.text))
    expect(resumed.failed).toBe(0)
    const listOut = new CapturedStream()
    await runCli(['jobs', project, '--json'], { stdout: listOut, stderr: new CapturedStream(), env })
    expect((JSON.parse(listOut.text) as Array<{ id: number; status: string }>).find((j) => j.id === Number(jobId))?.status).toBe('succeeded')
    expect(readdirSync(join(project, 'cache'), { recursive: true }).map(String).some((f) => f.endsWith('.bin'))).toBe(true)
    const doneAlready = new CapturedStream()
    expect(await runCli(['jobs', project, '--resume', jobId], { stdout: new CapturedStream(), stderr: doneAlready, env })).toBe(1)
    expect(doneAlready.text).toBe(`error JOB_STATE: media-cache job ${jobId} is succeeded; it can be resumed only when cancelled, failed or interrupted\n`)
    const badId = new CapturedStream()
    expect(await runCli(['jobs', project, '--resume', 'x'], { stdout: new CapturedStream(), stderr: badId, env })).toBe(2)
    expect(badId.text).toBe('error INVALID_REQUEST: --resume must be a positive integer id, got "x"\n')
    const again = new CapturedStream()
    expect(await runCli(['import', project, season, '--json'], { stdout: again, stderr: new CapturedStream(), env })).toBe(0)
    expect(ImportResult.parse(JSON.parse(again.text))).toMatchObject({ files: 5, imported: 0, unchanged: 5 })
  })

  it('usage errors exit 2, failures exit 1, both as `error CODE: message`', async () => {
    const { root, project, season, cli } = workspace()
    await cli(['init', project])
    expect(await cli(['import', project, season, '--time-expansion', 'ten'])).toMatchObject({ code: 2, stderr: 'error INVALID_REQUEST: --time-expansion must be a number above 0 and at most 100, got "ten"\n' })
    expect(await cli(['export', project, '--format', 'wav'])).toMatchObject({ code: 2, stderr: 'error INVALID_REQUEST: --format must be one of raven, audacity, csv, got "wav"\n' })
    expect(await cli(['import-annotations', project, join(root, 'x.txt')])).toMatchObject({ code: 2, stderr: 'error INVALID_REQUEST: give either --recording ID or --match-by-name\n' })
    const missingProject = await cli(['import', join(root, 'nope'), season])
    expect(missingProject.code).toBe(1)
    expect(missingProject.stderr).toMatch(/^error PROJECT_NOT_FOUND: /)
    const missingFolder = await cli(['import', project, join(root, 'no-season')])
    expect(missingFolder).toMatchObject({ code: 1, stderr: `error NOT_FOUND: folder ${join(root, 'no-season')} does not exist or cannot be read\n` })
    const missingFile = await cli(['import-annotations', project, join(root, 'x.txt'), '--match-by-name'])
    expect(missingFile.code).toBe(1)
    expect(missingFile.stderr).toMatch(/^error NOT_FOUND: .*x\.txt: cannot be read \(ENOENT/)
    mkdirSync(join(root, 'empty'))
    expect(await cli(['export', project, '--format', 'raven', '--out', join(root, 'empty')])).toMatchObject({ code: 1, stderr: 'error EXPORT_FAILED: nothing to export: no readable recordings match the selection\n' })
  })
})
