// Workers that crash, hang, misbehave or are cancelled, in real child processes: the job ends in
// the right state with the stderr tail, and the manager keeps working.
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { JobManagerTiming } from '../../src-main/jobs/job-manager'
import type { ResourceClass } from '../../src-main/jobs/job-type'
import { makeAudioTree } from '../helpers/audio-tree'
import { nextJobUpdate } from '../helpers/job-events'
import { createTestServices, recordingLauncher, tempDir, testContext } from '../helpers/main-services'
import { TEST_JOB_TYPES, testWorkerEntries } from '../helpers/test-job-types'

const cleanups: Array<() => void | Promise<void>> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

async function setup(opts: { limits?: Partial<Record<ResourceClass, number>>; timing?: Partial<JobManagerTiming> } = {}) {
  const root = tempDir()
  cleanups.push(root.cleanup)
  const launcher = recordingLauncher(testWorkerEntries())
  const services = createTestServices({ dataDir: join(root.path, 'data'), launcher, jobTypes: TEST_JOB_TYPES, resourceLimits: opts.limits, jobTiming: opts.timing })
  cleanups.push(() => services.dispose())
  await services.handlers.projects.create({ dir: join(root.path, 'project'), name: 'P' }, testContext())
  return { root: root.path, services, launcher }
}

describe('worker failures', () => {
  it('a scan worker killed with SIGKILL mid-job fails the job with WORKER_CRASHED and its stderr tail; the next job still runs', async () => {
    const { root, services, launcher } = await setup()
    const tree = join(root, 'tree')
    makeAudioTree(tree, 40, 50)
    const job = services.jobs.start({ type: 'scan-folder', folder: tree })
    await nextJobUpdate(services.events, (s) => s.id === job.id && s.progress !== null)
    const pid = launcher.launched[0].pid as number
    process.kill(pid, 'SIGKILL')
    const failed = await services.jobs.waitFor(job.id)
    expect(failed.status).toBe('failed')
    expect(failed.error?.code).toBe('WORKER_CRASHED')
    expect(failed.error?.message).toBe(`the scan-folder worker was killed by SIGKILL before finishing job ${job.id}`)
    expect(failed.error?.stderrTail).toContain(`[worker scan-folder pid ${pid}] job ${job.id} started`)
    expect(failed.finishedAt).not.toBeNull()

    const small = join(root, 'small')
    makeAudioTree(small, 1, 3)
    const next = await services.jobs.waitFor(services.jobs.start({ type: 'scan-folder', folder: small }).id)
    expect(next.status).toBe('succeeded')
  })

  it('cancelling a running scan ends it cancelled', async () => {
    const { root, services } = await setup()
    const tree = join(root, 'tree')
    makeAudioTree(tree, 40, 50)
    const job = services.jobs.start({ type: 'scan-folder', folder: tree })
    await nextJobUpdate(services.events, (s) => s.id === job.id && s.progress !== null)
    const cancelling = await services.handlers.jobs.cancel({ id: job.id }, testContext())
    expect(cancelling.status).toBe('cancelling')
    const done = await services.jobs.waitFor(job.id)
    expect(done.status).toBe('cancelled')
    expect(done.error).toBeNull()
    expect(done.result).toBeNull()
  })

  it('a worker that ignores cancel and SIGTERM is killed with SIGKILL and the job is cancelled', async () => {
    const { services } = await setup({ timing: { cancelGraceMs: 300, killGraceMs: 300 } })
    const job = services.jobs.start({ type: 'test-blocking', stubborn: true })
    await nextJobUpdate(services.events, (s) => s.id === job.id && s.progress !== null)
    services.jobs.cancel(job.id)
    const done = await services.jobs.waitFor(job.id)
    expect(done.status).toBe('cancelled')
    const messages = services.log.records.map((r) => r.message)
    expect(messages).toContain('worker did not stop after cancel; sending SIGTERM')
    expect(messages).toContain('worker did not stop after SIGTERM; sending SIGKILL')
  })

  it('a worker error crosses as data: the job fails with its code, message and stderr tail', async () => {
    const { services } = await setup()
    const done = await services.jobs.waitFor(services.jobs.start({ type: 'test-failing' }).id)
    expect(done.status).toBe('failed')
    expect(done.error).toEqual({ code: 'AUDIO_CORRUPT', message: 'dawn.wav: data chunk truncated', stderrTail: expect.stringContaining('failing worker: the input is unreadable') })
  })

  it('a worker that never answers the handshake fails with WORKER_PROTOCOL after the timeout', async () => {
    const { services } = await setup({ timing: { handshakeMs: 1_500 } })
    const done = await services.jobs.waitFor(services.jobs.start({ type: 'test-silent' }).id)
    expect(done.status).toBe('failed')
    expect(done.error?.code).toBe('WORKER_PROTOCOL')
    expect(done.error?.message).toBe('worker silent did not answer within 1500 ms of starting')
  })

  it('a worker that sends a message outside the protocol is stopped and its job fails with WORKER_PROTOCOL', async () => {
    const { services } = await setup()
    const done = await services.jobs.waitFor(services.jobs.start({ type: 'test-rogue' }).id)
    expect(done.status).toBe('failed')
    expect(done.error?.code).toBe('WORKER_PROTOCOL')
    expect(done.error?.message).toMatch(/^worker rogue sent an invalid message/)
  })
})

describe('worker start failures', () => {
  it('a worker that cannot start fails its job with WORKER_CRASHED and the queue moves on', async () => {
    const root = tempDir()
    cleanups.push(root.cleanup)
    const services = createTestServices({
      dataDir: join(root.path, 'data'),
      jobTypes: TEST_JOB_TYPES,
      resourceLimits: { cpu: 1 },
      launcher: { launch: (name) => { throw new Error(`no bundle for ${name}`) } },
    })
    cleanups.push(() => services.dispose())
    await services.handlers.projects.create({ dir: join(root.path, 'project'), name: 'P' }, testContext())
    const a = services.jobs.start({ type: 'test-blocking' })
    const b = services.jobs.start({ type: 'test-blocking' })
    for (const id of [a.id, b.id]) {
      expect(services.jobs.get(id)).toMatchObject({ status: 'failed', error: { code: 'WORKER_CRASHED', message: 'the blocking worker could not start: no bundle for blocking' } })
    }
  })
})

describe('queue and concurrency', () => {
  it('holds a second job of a full resource class in the queue and starts it when the slot frees; other classes run beside it', async () => {
    const { services } = await setup({ limits: { cpu: 1, gpu: 1 } })
    const first = services.jobs.start({ type: 'test-blocking' })
    const second = services.jobs.start({ type: 'test-blocking' })
    const gpu = services.jobs.start({ type: 'test-blocking-gpu' })
    expect(services.jobs.get(first.id).status).toBe('running')
    expect(services.jobs.get(second.id).status).toBe('queued')
    expect(services.jobs.get(gpu.id).status).toBe('running')

    await nextJobUpdate(services.events, (s) => s.id === first.id && s.progress !== null)
    services.jobs.cancel(first.id)
    expect((await services.jobs.waitFor(first.id)).status).toBe('cancelled')
    expect((await services.jobs.waitFor(second.id, ['running'])).status).toBe('running')

    for (const id of [second.id, gpu.id]) services.jobs.cancel(id)
    expect((await services.jobs.waitFor(second.id)).status).toBe('cancelled')
    expect((await services.jobs.waitFor(gpu.id)).status).toBe('cancelled')
  })

  it('cancels a queued job at once, refuses to cancel a finished one, and resumes a cancelled one with its checkpoint', async () => {
    const { services } = await setup({ limits: { cpu: 1 } })
    const running = services.jobs.start({ type: 'test-blocking' })
    const queued = services.jobs.start({ type: 'test-blocking' })
    expect(services.jobs.cancel(queued.id).status).toBe('cancelled')
    expect(() => services.jobs.cancel(queued.id)).toThrow(`job ${queued.id} is cancelled; only queued, running or interrupted jobs can be cancelled`)
    await nextJobUpdate(services.events, (s) => s.id === running.id && s.progress !== null)
    services.jobs.cancel(running.id)
    await services.jobs.waitFor(running.id)

    services.jobs.resume(running.id)
    await nextJobUpdate(services.events, (s) => s.id === running.id && s.status === 'running' && s.progress !== null)
    // The blocking worker prints the checkpoint it was given.
    services.jobs.cancel(running.id)
    const again = await services.jobs.waitFor(running.id)
    expect(again.status).toBe('cancelled')
    const row = services.session.require().db.prepare('SELECT attempts, checkpoint FROM jobs WHERE id = ?').get(running.id)
    expect(row).toEqual({ attempts: 2, checkpoint: '{"step":1}' })
  })

  it('refuses unknown jobs and job types with clear codes', async () => {
    const { services } = await setup()
    const code = async (p: Promise<unknown>) => p.then(() => null, (e: { code?: string }) => e.code ?? String(e))
    expect(await code(services.handlers.jobs.get({ id: 999 }, testContext()))).toBe('JOB_NOT_FOUND')
    expect(await code(services.handlers.jobs.resume({ id: 999 }, testContext()))).toBe('JOB_NOT_FOUND')
    expect(() => services.jobs.start({ type: 'mine-bitcoin' })).toThrow('unknown job type "mine-bitcoin"')
    expect(() => services.jobs.start({ type: 'scan-folder', folder: 42 })).toThrow(/^invalid params for a scan-folder job: folder:/)
  })
})
