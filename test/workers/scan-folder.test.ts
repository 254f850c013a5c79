// The scan-folder worker entry, driven directly through the supervisor (no job manager, no DB).
import { spawnSync } from 'node:child_process'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ScanFolderResult } from '../../src-shared/contracts'
import { createForkLauncher, sourceWorkerEntries } from '../../src-main/jobs/fork-launcher'
import { DEFAULT_SUPERVISOR_TIMING, superviseWorker } from '../../src-main/jobs/worker-supervisor'
import { createMemoryLogger } from '../../src-main/runtime/logger'
import { makeAudioTree } from '../helpers/audio-tree'
import { tempDir } from '../helpers/main-services'

const dirs: Array<{ cleanup(): void }> = []
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()))

function run(params: unknown) {
  const progress: number[] = []
  const logs: string[] = []
  const worker = superviseWorker(
    createForkLauncher({ resolveEntry: sourceWorkerEntries() }),
    'scan-folder',
    { t: 'init', jobId: 1, projectDir: '/nowhere', params, resumeFrom: null },
    { onProgress: (p) => progress.push(p.done), onLog: (_l, m) => logs.push(m), onCheckpoint: () => {} },
    { timing: DEFAULT_SUPERVISOR_TIMING, log: createMemoryLogger() },
  )
  return { worker, progress, logs }
}

describe('scan-folder worker', () => {
  it('scans after the handshake, reports progress and logs, returns the result and exits 0', async () => {
    const d = tempDir()
    dirs.push(d)
    const counts = makeAudioTree(d.path, 2, 10)
    const { worker, progress, logs } = run({ type: 'scan-folder', folder: d.path })
    const { outcome, exit, stderrTail } = await worker.done
    expect(exit).toEqual({ code: 0, signal: null })
    expect(outcome.kind).toBe('result')
    if (outcome.kind === 'result') expect(ScanFolderResult.parse(outcome.value).files).toBe(counts.files)
    expect(progress.at(-1)).toBe(counts.files)
    expect(logs[0]).toBe(`Scanning ${d.path}`)
    expect(stderrTail).toMatch(/^\[worker scan-folder pid \d+\] job 1 started$/)
  })

  it('answers invalid params with an INVALID_REQUEST error instead of running', async () => {
    const { worker } = run({ type: 'scan-folder', folder: 17 })
    const { outcome, exit } = await worker.done
    expect(outcome).toMatchObject({ kind: 'error', error: { code: 'INVALID_REQUEST' } })
    expect(exit.code).toBe(1)
  })

  it('reports a missing folder as NOT_FOUND', async () => {
    const { worker } = run({ type: 'scan-folder', folder: '/definitely/not/here' })
    expect((await worker.done).outcome).toEqual({ kind: 'error', error: { code: 'NOT_FOUND', message: 'folder /definitely/not/here does not exist or cannot be read' } })
  })

  it('refuses to run when started by hand instead of by the app', () => {
    const root = resolve(__dirname, '..', '..')
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src-main', 'workers', 'scan-folder.ts')], { cwd: root, encoding: 'utf8' })
    expect(r.status).toBe(2)
    expect(r.stderr).toContain('scan-folder: this is an OpenBEATs Studio worker; the app starts it as a child process')
  })
})
