// What every trainer job gets from the worker, and the one place that runs the trainer for a job:
// protocol lines become job progress, logs, history (for charts) and checkpoints.
import type { Database } from 'better-sqlite3'
import { AppError } from '../errors'
import type { HistoryLog } from './history'
import type { DoneLine, ProgressLine, TrainerLine } from './protocol'
import { trainerEnv } from './trainer-location'
import { runTrainerProcess, trainerFailure } from './trainer-process'

export interface TrainerJobContext {
  db: Database
  projectDir: string
  jobId: number
  signal: AbortSignal
  resumeFrom: unknown
  python: string
  trainerDir: string
  /** SIGTERM → SIGKILL grace for the trainer. */
  graceMs: number
  progress(done: number, total: number | null, unit: string, message?: string): void
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void
  checkpoint(state: unknown): void
}

export interface RunJobFileOptions {
  jobFile: string
  cwd: string
  what: string
  history?: HistoryLog
  onProgress?: (p: ProgressLine, slow: boolean) => void
  onCheckpoint?: (line: Extract<TrainerLine, { type: 'checkpoint' }>) => void
}

/**
 * Runs `python -m openbeats_trainer JOB.json` for the job and returns its `done` line (completed
 * or cancelled); an `error` line or a crash becomes an AppError with the trainer's code, message
 * and stderr tail (also written to this worker's stderr, which the job keeps).
 */
export async function runJobFile(ctx: TrainerJobContext, o: RunJobFileOptions): Promise<DoneLine> {
  let slow = false
  const exit = await runTrainerProcess({
    python: ctx.python,
    args: ['-m', 'openbeats_trainer', o.jobFile],
    cwd: o.cwd,
    env: trainerEnv(ctx.trainerDir),
    signal: ctx.signal,
    graceMs: ctx.graceMs,
    onNoise: (text, reason) => ctx.log('warn', `trainer printed a line that is not protocol (${reason}): ${text}`),
    onLine: (line) => {
      switch (line.type) {
        case 'log':
          if (line.slow === true && !slow) {
            slow = true
            ctx.log('warn', 'No CUDA GPU: the trainer runs on the CPU, which works but is slow.')
          }
          ctx.log(line.level === 'warn' ? 'warn' : line.level === 'error' ? 'error' : 'info', line.message)
          break
        case 'progress':
          o.history?.progress(line)
          o.onProgress?.(line, slow)
          break
        case 'metrics':
          o.history?.metrics(line)
          ctx.log('info', `${line.split} metrics${line.epoch != null ? ` after epoch ${line.epoch + 1}` : ''}: ${summariseMetrics(line.values)}`)
          break
        case 'checkpoint':
          o.history?.checkpoint(line)
          ctx.log('info', `checkpoint (${line.kind}) at step ${line.step ?? '?'}: ${line.path}`)
          o.onCheckpoint?.(line)
          break
        case 'error':
          ctx.log('error', `trainer error ${line.code}: ${line.message}`)
          break
        case 'done':
          break
      }
    },
  })
  if (exit.killed) ctx.log('warn', `the trainer did not stop within ${ctx.graceMs / 1000} s of SIGTERM and was killed (SIGKILL); its last saved checkpoint is kept`)
  if (exit.stderrTail) process.stderr.write(`--- trainer (${o.what}) stderr, last lines ---\n${exit.stderrTail}\n`)
  if (exit.done) return exit.done
  if (exit.aborted && !exit.error) throw new AppError('CANCELLED', `the trainer (${o.what}) was stopped${exit.killed ? ' with SIGKILL after it did not stop in time' : ''}`)
  throw trainerFailure(exit, o.what)
}

function summariseMetrics(values: Record<string, unknown>): string {
  return Object.entries(values)
    .filter(([k, v]) => k !== 'per_class' && typeof v === 'number')
    .map(([k, v]) => `${k} ${Number.isInteger(v) ? v : (v as number).toPrecision(4)}`)
    .join(', ')
}

/** "epoch 3 · loss 0.4123 · 51.2 clips/s" (+ "CPU, slow" when not on a GPU). */
export function trainingMessage(p: ProgressLine, slow: boolean): string {
  const parts: string[] = []
  if (slow) parts.push('CPU (slow)')
  if (p.epoch != null) parts.push(`epoch ${p.epoch + 1}`)
  if (p.loss != null) parts.push(`loss ${p.loss.toFixed(4)}`)
  if (p.samples_per_s != null) parts.push(`${p.samples_per_s.toFixed(1)} clips/s`)
  if (p.lr != null) parts.push(`lr ${p.lr.toExponential(1)}`)
  return parts.join(' · ')
}
