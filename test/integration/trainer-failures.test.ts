// Trainer jobs whose trainer misbehaves, through the job manager with a fake trainer package (any
// python3, no torch): a crash fails the job with the trainer's stderr tail and the app runs the
// next job; an error line fails it with the trainer's code; a trainer that ignores SIGTERM is
// killed after the grace period and the job ends cancelled.
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { resolvePython } from '../../src-main/trainer/trainer-location'
import { nextJobUpdate } from '../helpers/job-events'
import { tempDir } from '../helpers/main-services'
import { trainerProject, type TrainerProject } from '../trainer/trainer-project'

const PYTHON = resolvePython(null)
const hasPython = spawnSync(PYTHON, ['-c', 'import json'], { stdio: 'ignore' }).status === 0
const suite = hasPython ? describe : describe.skip

const FAKE_MAIN = `
import json, os, signal, sys, time
mode = os.environ.get("FAKE_TRAINER_MODE", "ok")
def emit(o):
    sys.stdout.write(json.dumps(o) + "\\n")
    sys.stdout.flush()
if mode == "crash":
    emit({"type": "progress", "step": 1, "total": 10, "loss": 0.7})
    sys.stderr.write("Traceback (most recent call last):\\n  File fake.py, line 1\\nRuntimeError: CUDA error: an illegal memory access was encountered\\n")
    sys.stderr.flush()
    os._exit(3)
if mode == "error":
    emit({"type": "error", "code": "TRAINING_DATA", "message": "rec0.wav: segment starts after the end of the audio", "details": {"id": "a1"}})
    sys.exit(1)
if mode == "ignore-sigterm":
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    emit({"type": "progress", "step": 1, "total": 10})
    while True:
        time.sleep(0.05)
`

suite(hasPython ? 'trainer jobs with a misbehaving trainer' : 'trainer jobs with a misbehaving trainer (skipped: no python3)', () => {
  const fakeDir = tempDir('obs-fake-trainer-')
  const saved = { dir: process.env.OPENBEATS_TRAINER_DIR, grace: process.env.OPENBEATS_TRAINER_GRACE_MS, mode: process.env.FAKE_TRAINER_MODE }
  let p: TrainerProject

  beforeAll(async () => {
    mkdirSync(join(fakeDir.path, 'openbeats_trainer'))
    writeFileSync(join(fakeDir.path, 'openbeats_trainer', '__init__.py'), '')
    writeFileSync(join(fakeDir.path, 'openbeats_trainer', '__main__.py'), FAKE_MAIN)
    // The fork launcher gives workers this process's environment.
    process.env.OPENBEATS_TRAINER_DIR = fakeDir.path
    process.env.OPENBEATS_TRAINER_GRACE_MS = '800'
    p = await trainerProject({ recordings: 2 })
  })
  afterAll(async () => {
    await p?.cleanup()
    fakeDir.cleanup()
    for (const [key, value] of [['OPENBEATS_TRAINER_DIR', saved.dir], ['OPENBEATS_TRAINER_GRACE_MS', saved.grace], ['FAKE_TRAINER_MODE', saved.mode]] as const) {
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    }
  })

  const start = (mode: string) => {
    process.env.FAKE_TRAINER_MODE = mode
    return p.services.handlers.jobs.start({ params: { type: 'finetune', architecture: 'tiny', labelIds: [p.low, p.high], python: PYTHON } }, p.call)
  }

  it('a trainer crash fails the job with its stderr tail, and the next job still runs', async () => {
    const job = await start('crash')
    const done = await p.services.jobs.waitFor(job.id)
    expect(done.status).toBe('failed')
    expect(done.error?.code).toBe('WORKER_CRASHED')
    expect(done.error?.message).toContain('the trainer (finetune) exited with code 3 without reporting a result')
    expect(done.error?.message).toContain('RuntimeError: CUDA error: an illegal memory access was encountered')
    expect(done.error?.stderrTail).toContain('RuntimeError: CUDA error: an illegal memory access was encountered')
    const next = await start('error')
    expect((await p.services.jobs.waitFor(next.id)).status).toBe('failed')
  })

  it('an error line fails the job with the trainer\'s code and message', async () => {
    const done = await p.services.jobs.waitFor((await start('error')).id)
    expect(done.error).toMatchObject({ code: 'TRAINING_DATA', message: 'rec0.wav: segment starts after the end of the audio' })
    const logs = await p.services.handlers.jobs.logs({ id: done.id }, p.call)
    expect(logs.some((l) => l.level === 'error' && l.message === 'trainer error TRAINING_DATA: rec0.wav: segment starts after the end of the audio')).toBe(true)
  })

  it('a trainer that ignores SIGTERM is killed after the grace period and the job ends cancelled', async () => {
    const job = await start('ignore-sigterm')
    await nextJobUpdate(p.services.events, (s) => s.id === job.id && s.progress?.unit === 'steps' && s.progress.done === 1)
    const t0 = Date.now()
    await p.services.handlers.jobs.cancel({ id: job.id }, p.call)
    const done = await p.services.jobs.waitFor(job.id)
    expect(done.status).toBe('cancelled')
    expect(Date.now() - t0).toBeGreaterThanOrEqual(700)
    const logs = await p.services.handlers.jobs.logs({ id: job.id }, p.call)
    expect(logs.map((l) => l.message)).toContain('the trainer did not stop within 0.8 s of SIGTERM and was killed (SIGKILL); its last saved checkpoint is kept')
  })
})
