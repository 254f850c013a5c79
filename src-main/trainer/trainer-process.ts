// Runs one trainer process and reads its JSON lines. Cancelling sends SIGTERM (the trainer stops at
// the next step boundary, saves a checkpoint and prints `done` cancelled) and SIGKILL after a grace
// period; a process that dies without a `done` or `error` line is reported with its stderr tail.
// Nothing the child does can throw into the caller: every outcome is a resolved TrainerExit.
import { spawn } from 'node:child_process'
import { isErrorCode } from '../../src-shared/errors'
import { AppError } from '../errors'
import { parseTrainerLine, type DoneLine, type ErrorLine, type TrainerLine } from './protocol'

export interface TrainerRunOptions {
  python: string
  args: readonly string[]
  cwd: string
  env: NodeJS.ProcessEnv
  signal?: AbortSignal
  /** From SIGTERM to SIGKILL: time for the trainer to finish its step and save (default 60 s). */
  graceMs?: number
  /** Kill the process (SIGTERM, then SIGKILL) after this long; for quick probes like --check. */
  timeoutMs?: number
  onLine?: (line: TrainerLine) => void
  /** stdout text that is not a protocol line (the trainer should print none). */
  onNoise?: (text: string, reason: string) => void
}

export interface TrainerExit {
  done: DoneLine | null
  error: ErrorLine | null
  code: number | null
  signal: string | null
  stderrTail: string
  /** The caller's signal fired while the process ran. */
  aborted: boolean
  timedOut: boolean
  /** SIGKILL was needed. */
  killed: boolean
}

const MAX_LINE = 8 * 1024 * 1024
const TAIL_CHARS = 8_000
const DEFAULT_GRACE_MS = 60_000

/** Keeps the last TAIL_CHARS characters written to a stream. */
class Tail {
  private text = ''
  push(chunk: string): void {
    this.text = (this.text + chunk).slice(-TAIL_CHARS)
  }
  toString(): string {
    return this.text.trimEnd()
  }
}

// Processes alive in this process, killed if it exits first: a trainer must not outlive the worker
// that supervises it (its checkpoints are written atomically, so a kill loses at most the step).
const alive = new Set<{ kill(signal: NodeJS.Signals): boolean }>()
let exitHookInstalled = false
function trackChild(child: { kill(signal: NodeJS.Signals): boolean }): () => void {
  if (!exitHookInstalled) {
    exitHookInstalled = true
    process.once('exit', () => {
      for (const c of alive) c.kill('SIGKILL')
    })
  }
  alive.add(child)
  return () => alive.delete(child)
}

export function runTrainerProcess(o: TrainerRunOptions): Promise<TrainerExit> {
  return new Promise((resolve, reject) => {
    if (o.signal?.aborted) {
      reject(new AppError('CANCELLED', 'cancelled before the trainer started'))
      return
    }
    const child = spawn(o.python, [...o.args], { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true })
    const untrack = trackChild(child)
    const tail = new Tail()
    let done: DoneLine | null = null
    let error: ErrorLine | null = null
    let aborted = false
    let timedOut = false
    let killed = false
    let pending = ''
    const timers: NodeJS.Timeout[] = []

    const terminate = (): void => {
      if (child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const t = setTimeout(() => {
        if (child.exitCode === null && child.signalCode === null) {
          killed = true
          child.kill('SIGKILL')
        }
      }, o.graceMs ?? DEFAULT_GRACE_MS)
      timers.push(t)
    }
    const onAbort = (): void => {
      aborted = true
      terminate()
    }
    o.signal?.addEventListener('abort', onAbort, { once: true })
    if (o.timeoutMs !== undefined) {
      timers.push(
        setTimeout(() => {
          timedOut = true
          terminate()
        }, o.timeoutMs),
      )
    }

    const handle = (text: string): void => {
      const trimmed = text.trim()
      if (trimmed.length === 0) return
      const parsed = parseTrainerLine(trimmed)
      if (!parsed.ok) {
        o.onNoise?.(trimmed.slice(0, 2_000), parsed.reason)
        return
      }
      const line = parsed.line
      if (line.type === 'done') done = line
      else if (line.type === 'error') error = line
      try {
        o.onLine?.(line)
      } catch (err) {
        // A failing listener must not leave the child unsupervised: stop it and report.
        o.onNoise?.(`listener failed: ${err instanceof Error ? err.message : String(err)}`, 'listener')
      }
    }

    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk
      let nl = pending.indexOf('\n')
      while (nl >= 0) {
        handle(pending.slice(0, nl))
        pending = pending.slice(nl + 1)
        nl = pending.indexOf('\n')
      }
      if (pending.length > MAX_LINE) {
        o.onNoise?.(pending.slice(0, 200), `a stdout line longer than ${MAX_LINE} characters was dropped`)
        pending = ''
      }
    })
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => tail.push(chunk))
    let settled = false
    const cleanup = (): void => {
      settled = true
      untrack()
      for (const t of timers) clearTimeout(t)
      o.signal?.removeEventListener('abort', onAbort)
    }
    child.on('error', (err: NodeJS.ErrnoException) => {
      // Only a failed start ends the run here; later errors (a failed kill) are followed by 'close'.
      if (settled || child.pid !== undefined) return
      cleanup()
      reject(new AppError('PYTHON_UNAVAILABLE', `cannot run ${o.python}: ${err.code === 'ENOENT' ? 'no such program' : err.message}`, { python: o.python }))
    })
    child.on('close', (code, sig) => {
      if (settled) return
      cleanup()
      if (pending.length > 0) handle(pending)
      resolve({ done, error, code, signal: sig, stderrTail: tail.toString(), aborted, timedOut, killed })
    })
  })
}

/** The error for a trainer that ended without `done`: its own error line, or how it died. */
export function trainerFailure(exit: TrainerExit, what: string): AppError {
  const tail = exit.stderrTail ? exit.stderrTail.split('\n').slice(-20).join('\n') : ''
  if (exit.error) {
    const code = exit.error.code
    return new AppError(isErrorCode(code) ? code : 'INTERNAL', exit.error.message, { trainerCode: code, details: exit.error.details ?? null, stderrTail: tail })
  }
  const how = exit.timedOut ? 'did not finish in time' : exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`
  return new AppError('WORKER_CRASHED', `the trainer (${what}) ${how} without reporting a result${tail ? `; its last output:\n${tail}` : ''}`, { stderrTail: tail })
}
