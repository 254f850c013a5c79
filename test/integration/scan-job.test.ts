// Real SQLite files on disk and real worker processes (the scan-folder worker from source).
import Database from 'better-sqlite3'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { ScanFolderResult, type JobSnapshot } from '../../src-shared/contracts'
import { scanAudioFolder } from '../../src-main/jobs/scan/scan-audio-folder'
import { createTestServices, tempDir, testContext } from '../helpers/main-services'
import { makeAudioTree } from '../helpers/audio-tree'
import { nextJobUpdate } from '../helpers/job-events'

const cleanups: Array<() => void | Promise<void>> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function projectWithTree(dirs: number, perDir: number) {
  const root = tempDir()
  cleanups.push(root.cleanup)
  const tree = join(root.path, 'season')
  const counts = makeAudioTree(tree, dirs, perDir)
  const services = createTestServices({ dataDir: join(root.path, 'data') })
  cleanups.push(() => services.dispose())
  const projectDir = join(root.path, 'project')
  await services.handlers.projects.create({ dir: projectDir, name: 'Season' }, testContext())
  return { root: root.path, tree, counts, services, projectDir }
}

describe('scan-folder jobs in worker processes', () => {
  it('runs to succeeded, with debounced progress events carrying rate and ETA, logs and a result', async () => {
    const { tree, counts, services } = await projectWithTree(20, 60)
    const started = await services.handlers.jobs.start({ params: { type: 'scan-folder', folder: tree } }, testContext())
    expect(['queued', 'running']).toContain(started.status)
    const done = await services.jobs.waitFor(started.id)
    expect(done.status).toBe('succeeded')
    expect(done.error).toBeNull()
    const result = ScanFolderResult.parse(done.result)
    expect(result).toMatchObject({ folder: tree, files: counts.files, audio: { files: counts.wav + counts.flac + counts.mp3 }, other: { files: counts.other } })
    expect(result.byFormat).toEqual({ wav: { files: counts.wav, bytes: counts.wav * 24 }, flac: { files: counts.flac, bytes: counts.flac * 16 }, mp3: { files: counts.mp3, bytes: counts.mp3 * 16 } })
    expect(done.progress).toMatchObject({ done: counts.files, total: counts.files, unit: 'files', etaSeconds: 0 })

    const mine = services.updates.filter((u) => u.id === started.id)
    expect(mine.map((u) => u.status).filter((s, i, all) => s !== all[i - 1])).toEqual(['queued', 'running', 'succeeded'])
    const withProgress = mine.filter((u) => u.status === 'running' && u.progress !== null)
    expect(withProgress.length).toBeGreaterThanOrEqual(2)
    expect(withProgress.length).toBeLessThan(counts.files / 10)
    expect(withProgress.some((u) => u.progress?.total === counts.files)).toBe(true)
    expect(withProgress.some((u) => u.progress?.rate !== null && u.progress?.etaSeconds !== null)).toBe(true)

    const logs = await services.handlers.jobs.logs({ id: started.id }, testContext())
    expect(logs.map((l) => l.message)).toEqual([`Scanning ${tree}`, `${counts.files} files, ${counts.wav + counts.flac + counts.mp3} of them audio (${counts.wav * 24 + (counts.flac + counts.mp3) * 16} bytes)`])
    expect((await services.handlers.projects.current({}, testContext()))?.counts.jobs).toBe(1)
  })

  it('writes progress at most every 100 ms (the last one is flushed at once before the final status)', async () => {
    const { tree, services } = await projectWithTree(30, 80)
    const times: number[] = []
    const off = services.events.on('jobs.updated', (s) => {
      if (s.status === 'running' && s.progress) times.push(performance.now())
    })
    const job = services.jobs.start({ type: 'scan-folder', folder: tree })
    await services.jobs.waitFor(job.id)
    off()
    const gaps = times.slice(1, -1).map((t, i) => t - times[i])
    expect(times.length).toBeGreaterThanOrEqual(4)
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(95)
  })

  it('a job left running by a crashed app is interrupted on the next open, then resumes from its checkpoint to succeeded', async () => {
    const { root, tree, counts, services, projectDir } = await projectWithTree(5, 40)
    // What a crash leaves behind: a running job with a committed checkpoint, and no worker.
    await services.handlers.projects.close({}, testContext())
    const db = new Database(join(projectDir, 'project.sqlite'))
    const id = Number(db.prepare(`INSERT INTO jobs (type, status, resource, params, checkpoint, attempts, created_at, started_at, updated_at)
      VALUES ('scan-folder', 'running', 'io', ?, NULL, 1, 'x', 'x', 'x')`).run(JSON.stringify({ type: 'scan-folder', folder: tree })).lastInsertRowid)
    db.close()

    const restarted = createTestServices({ dataDir: join(root, 'data') })
    cleanups.push(() => restarted.dispose())
    await restarted.handlers.projects.open({ dir: projectDir }, testContext())
    const interrupted = await restarted.handlers.jobs.get({ id }, testContext())
    expect(interrupted.status).toBe('interrupted')
    expect(interrupted.finishedAt).not.toBeNull()
    expect(restarted.log.records.some((r) => r.level === 'warn' && r.message.includes('1 job(s) were running when the app last stopped'))).toBe(true)

    const resumed = await restarted.handlers.jobs.resume({ id }, testContext())
    expect(['queued', 'running']).toContain(resumed.status)
    const done = await restarted.jobs.waitFor(id)
    expect(done.status).toBe('succeeded')
    expect(ScanFolderResult.parse(done.result).files).toBe(counts.files)
  })

  it('closing the project mid-job leaves the job interrupted with a checkpoint; resuming continues from it', async () => {
    const { root, tree, counts, services, projectDir } = await projectWithTree(30, 100)
    const full = await scanAudioFolder(tree)
    const job = services.jobs.start({ type: 'scan-folder', folder: tree })
    // Wait for the header pass, then a little more so at least one checkpoint (every 200 files) lands.
    await nextJobUpdate(services.events, (s) => s.id === job.id && (s.progress?.total ?? null) !== null && (s.progress?.done ?? 0) >= 250)
    await services.handlers.projects.close({}, testContext())

    const restarted = createTestServices({ dataDir: join(root, 'data') })
    cleanups.push(() => restarted.dispose())
    await restarted.handlers.projects.open({ dir: projectDir }, testContext())
    const row = restarted.session.require().db.prepare('SELECT status, checkpoint FROM jobs WHERE id = ?').get(job.id) as { status: string; checkpoint: string | null }
    expect(row.status).toBe('interrupted')
    expect(row.checkpoint).not.toBeNull()
    const checkpoint = JSON.parse(row.checkpoint as string) as { nextIndex: number }
    expect(checkpoint.nextIndex).toBeGreaterThanOrEqual(200)

    const firstProgress: JobSnapshot[] = []
    restarted.events.on('jobs.updated', (s) => {
      if (s.id === job.id && s.progress?.total) firstProgress.push(s)
    })
    restarted.jobs.resume(job.id)
    const done = await restarted.jobs.waitFor(job.id)
    expect(done.status).toBe('succeeded')
    expect(ScanFolderResult.parse(done.result)).toEqual(full)
    expect(full.files).toBe(counts.files)
    // The resumed attempt's header pass started where the checkpoint said, not at 0.
    expect(firstProgress[0].progress?.done).toBeGreaterThanOrEqual(checkpoint.nextIndex)
    const logs = restarted.jobs.logs(job.id)
    expect(logs.some((l) => l.message === `Resuming the scan of ${tree}`)).toBe(true)
  })
})
