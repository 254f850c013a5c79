// The protocol adapter against fake trainers (small Node scripts standing in for Python): lines of
// every type, noise, split writes, an error line, a crash with its stderr tail, SIGTERM answered
// with a checkpoint, SIGTERM ignored (SIGKILL after the grace period), a missing interpreter.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { runTrainerProcess, trainerFailure, type TrainerRunOptions } from '../../src-main/trainer/trainer-process'
import type { TrainerLine } from '../../src-main/trainer/protocol'
import { tempDir } from '../helpers/main-services'

const tmp = tempDir('obs-trainer-process-')
afterAll(() => tmp.cleanup())

function fake(name: string, body: string): string {
  const path = join(tmp.path, `${name}.js`)
  writeFileSync(path, `const emit = (o) => process.stdout.write(JSON.stringify(o) + '\\n')\n${body}\n`)
  return path
}

function run(script: string, extra: Partial<TrainerRunOptions> = {}) {
  const lines: TrainerLine[] = []
  const noise: string[] = []
  const exit = runTrainerProcess({
    python: process.execPath,
    args: [script],
    cwd: tmp.path,
    env: process.env,
    onLine: (l) => lines.push(l),
    onNoise: (text, reason) => noise.push(`${reason}: ${text}`),
    ...extra,
  })
  return { exit, lines, noise }
}

describe('trainer process adapter', () => {
  it('parses every line type, reports noise, joins lines split across writes and returns the done line', async () => {
    const script = fake(
      'all',
      `emit({ type: 'log', level: 'info', message: 'finetune on cpu', slow: true, device: 'cpu' })
emit({ type: 'progress', step: 1, total: 4, epoch: 0, samples_per_s: 12.5, eta_s: 3, loss: 0.69, lr: 1e-4 })
process.stdout.write('this is not json\\n')
emit({ type: 'progress', step: 'two' })
const metrics = JSON.stringify({ type: 'metrics', split: 'val', values: { mAP: 0.5, per_class: { a: { ap: 0.5 } } }, epoch: 0, step: 4 })
process.stdout.write(metrics.slice(0, 20))
setTimeout(() => {
  process.stdout.write(metrics.slice(20) + '\\n')
  emit({ type: 'checkpoint', path: '/x/last.pt', state_path: '/x/state.pt', step: 4, epoch: 1, kind: 'epoch' })
  emit({ type: 'done', status: 'completed', step: 4, total: 4, outputs: { model: '/x/model.pt' }, throughput: { samples_per_s: 11 } })
}, 50)`,
    )
    const { exit, lines, noise } = run(script)
    const result = await exit
    expect(lines.map((l) => l.type)).toEqual(['log', 'progress', 'metrics', 'checkpoint', 'done'])
    expect(lines[1]).toMatchObject({ type: 'progress', step: 1, total: 4, samples_per_s: 12.5, loss: 0.69 })
    expect(lines[2]).toMatchObject({ type: 'metrics', split: 'val', values: { mAP: 0.5 } })
    expect(noise).toEqual(['not JSON: this is not json', 'step: Invalid input: expected number, received string: {"type":"progress","step":"two"}'])
    expect(result).toMatchObject({ code: 0, signal: null, aborted: false, killed: false, error: null, done: { status: 'completed', outputs: { model: '/x/model.pt' } } })
  })

  it('turns an error line into the trainer\'s error code, message and details', async () => {
    const script = fake('error', `emit({ type: 'error', code: 'TRAINING_DATA', message: 'a.wav: segment starts after the end', details: { id: 'a1' } }); process.exitCode = 1`)
    const result = await run(script).exit
    expect(result.done).toBeNull()
    const err = trainerFailure(result, 'finetune')
    expect(err.code).toBe('TRAINING_DATA')
    expect(err.message).toBe('a.wav: segment starts after the end')
    expect(err.details).toMatchObject({ trainerCode: 'TRAINING_DATA', details: { id: 'a1' } })
  })

  it('maps an unknown trainer error code to INTERNAL', async () => {
    const result = await run(fake('odd', `emit({ type: 'error', code: 'SOMETHING_NEW', message: 'boom' })`)).exit
    expect(trainerFailure(result, 'x').code).toBe('INTERNAL')
  })

  it('reports a crash without a result with its exit code and stderr tail', async () => {
    const script = fake('crash', `emit({ type: 'progress', step: 1, total: 9 }); process.stderr.write('Traceback (most recent call last):\\nRuntimeError: CUDA error: illegal memory access\\n'); process.exit(3)`)
    const result = await run(script).exit
    expect(result).toMatchObject({ code: 3, done: null, error: null })
    expect(result.stderrTail).toBe('Traceback (most recent call last):\nRuntimeError: CUDA error: illegal memory access')
    const err = trainerFailure(result, 'finetune')
    expect(err.code).toBe('WORKER_CRASHED')
    expect(err.message).toBe('the trainer (finetune) exited with code 3 without reporting a result; its last output:\nTraceback (most recent call last):\nRuntimeError: CUDA error: illegal memory access')
  })

  it('cancels with SIGTERM: the trainer saves a checkpoint and reports done cancelled', async () => {
    const script = fake(
      'polite',
      `process.on('SIGTERM', () => { emit({ type: 'checkpoint', path: '/x/last.pt', step: 3, epoch: 0, kind: 'cancel' }); emit({ type: 'done', status: 'cancelled', step: 3, total: 100 }); process.exit(0) })
emit({ type: 'progress', step: 3, total: 100 })
setInterval(() => {}, 1000)`,
    )
    const controller = new AbortController()
    const r = run(script, { signal: controller.signal, graceMs: 10_000 })
    while (r.lines.length === 0) await new Promise((res) => setTimeout(res, 20))
    controller.abort()
    const result = await r.exit
    expect(result).toMatchObject({ aborted: true, killed: false, code: 0, done: { status: 'cancelled', step: 3 } })
    expect(r.lines.map((l) => l.type)).toEqual(['progress', 'checkpoint', 'done'])
  })

  it('kills a trainer that ignores SIGTERM once the grace period is over', async () => {
    const script = fake('stubborn', `process.on('SIGTERM', () => {}); emit({ type: 'progress', step: 1, total: 2 }); setInterval(() => {}, 1000)`)
    const controller = new AbortController()
    const r = run(script, { signal: controller.signal, graceMs: 300 })
    while (r.lines.length === 0) await new Promise((res) => setTimeout(res, 20))
    const t0 = Date.now()
    controller.abort()
    const result = await r.exit
    expect(result).toMatchObject({ aborted: true, killed: true, signal: 'SIGKILL', done: null })
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250)
  })

  it('stops a process that runs past its time limit', async () => {
    const result = await run(fake('slow', 'setInterval(() => {}, 1000)'), { timeoutMs: 200, graceMs: 200 }).exit
    expect(result).toMatchObject({ timedOut: true, signal: 'SIGTERM' })
    expect(trainerFailure(result, 'check').message).toBe('the trainer (check) did not finish in time without reporting a result')
  })

  it('says which interpreter could not be started', async () => {
    await expect(runTrainerProcess({ python: join(tmp.path, 'missing-python'), args: [], cwd: tmp.path, env: process.env })).rejects.toMatchObject({
      code: 'PYTHON_UNAVAILABLE',
      message: `cannot run ${join(tmp.path, 'missing-python')}: no such program`,
    })
  })
})
