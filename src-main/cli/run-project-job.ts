// Runs one job of a project from the CLI the way the app does (through the job manager, in a worker
// process), with a progress bar on stderr and Ctrl-C turned into a cancel. Shared by the commands
// that run jobs.
import { resolve } from 'node:path'
import type { JobParams, JobSnapshot } from '../../src-shared/contracts'
import { isErrorCode } from '../../src-shared/errors'
import { AppError, throwIfAborted } from '../errors'
import type { CommandContext } from './command'
import { createProgressBar } from './progress-bar'

/** Longest a CLI waits for its job (setTimeout's limit, about 24 days). */
const FOREVER_MS = 2 ** 31 - 1

/** Warnings of a job printed on the terminal; the app's Jobs view lists every one. */
const MAX_PRINTED_WARNINGS = 20

/** A new job with these params, or the unfinished job `resumeId` continued. */
export type JobStart = { params: JobParams } | { resumeId: number }

/**
 * Opens the project, starts (or resumes) the job, shows its progress and returns its result; a
 * failed job becomes its error, a cancelled one CANCELLED with `howToResume` in the message (by
 * default the `jobs --resume` command that continues it).
 */
export async function runProjectJob(ctx: CommandContext, projectDir: string, start: JobStart, label: string, howToResume?: string): Promise<unknown> {
  return (await runProjectJobWithWarnings(ctx, projectDir, start, label, howToResume)).result
}

/**
 * runProjectJob, also returning the warnings the job logged during this run (a clamped header, a
 * quarantined file…) for the command to print; when the job does not succeed they are printed here.
 */
export async function runProjectJobWithWarnings(ctx: CommandContext, projectDir: string, start: JobStart, label: string, howToResume?: string): Promise<{ result: unknown; warnings: string[] }> {
  // Ctrl-C between two jobs of one command (e.g. import, then media preparation) starts no second one.
  throwIfAborted(ctx.signal)
  const services = ctx.services()
  const call = { signal: ctx.signal, transport: 'cli' as const }
  await services.handlers.projects.open({ dir: resolve(projectDir) }, call)
  const startedAt = new Date().toISOString()
  const job = 'params' in start ? await services.handlers.jobs.start({ params: start.params }, call) : await services.handlers.jobs.resume({ id: start.resumeId }, call)
  const bar = createProgressBar(ctx.io.stderr, label)
  const off = services.events.on('jobs.updated', (s) => {
    if (s.id === job.id && s.status === 'running' && s.progress) bar.update(s.progress)
  })
  const cancel = (): void => void services.handlers.jobs.cancel({ id: job.id }, call).catch(() => undefined)
  ctx.signal.addEventListener('abort', cancel, { once: true })
  // Ctrl-C while the job was being started: the listener came too late to hear it.
  if (ctx.signal.aborted) cancel()
  let done: JobSnapshot
  try {
    done = await services.jobs.waitFor(job.id, ['succeeded', 'failed', 'cancelled', 'interrupted'], FOREVER_MS)
  } finally {
    off()
    ctx.signal.removeEventListener('abort', cancel)
    bar.done()
  }
  const warnings = services.jobs.logs(job.id, 10_000).filter((l) => l.level === 'warn' && l.at >= startedAt).map((l) => l.message)
  if (done.status === 'succeeded') return { result: done.result, warnings }
  printWarnings(ctx, warnings)
  if (done.status === 'cancelled' || done.status === 'interrupted') {
    throw new AppError('CANCELLED', `${job.type} job ${job.id} was ${done.status}; ${howToResume ?? `resume it with \`openbeats-studio jobs ${shellWord(projectDir)} --resume ${job.id}\` or from the app's Jobs view`}`)
  }
  const code = done.error && isErrorCode(done.error.code) ? done.error.code : 'INTERNAL'
  throw new AppError(code, done.error?.message ?? `${job.type} job ${job.id} failed`)
}

/** A path as a shell word: quoted when it holds anything but plain name characters. */
function shellWord(path: string): string {
  return /^[\w./-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`
}

/** At most 20 warning lines on stderr, then how many more there were. */
export function printWarnings(ctx: CommandContext, messages: readonly string[]): void {
  for (const m of messages.slice(0, MAX_PRINTED_WARNINGS)) ctx.io.stderr.write(`warning: ${m}\n`)
  const more = messages.length - MAX_PRINTED_WARNINGS
  if (more > 0) ctx.io.stderr.write(`… and ${more} more warning(s): the app's Jobs view lists them all\n`)
}
