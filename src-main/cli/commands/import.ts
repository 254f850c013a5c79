import { resolve } from 'node:path'
import { ImportResult, type JobParams, type JobSnapshot } from '../../../src-shared/contracts'
import { isErrorCode } from '../../../src-shared/errors'
import { AppError } from '../../errors'
import { flagOption, stringOption, type CliCommand, type CommandContext } from '../command'
import { createProgressBar } from '../progress-bar'

/** Longest a CLI waits for its job (setTimeout's limit, about 24 days). */
const FOREVER_MS = 2 ** 31 - 1

/**
 * Opens the project, runs one job through the job manager (a worker process, as in the app) with a
 * progress bar on stderr, cancels it on Ctrl-C, and returns its result; a failed job becomes its
 * error. Shared by the commands that run jobs.
 */
export async function runJobWithProgress(ctx: CommandContext, projectDir: string, params: JobParams, label: string): Promise<unknown> {
  const services = ctx.services()
  const call = { signal: ctx.signal, transport: 'cli' as const }
  await services.handlers.projects.open({ dir: resolve(projectDir) }, call)
  const job = await services.handlers.jobs.start({ params }, call)
  const bar = createProgressBar(ctx.io.stderr, label)
  const off = services.events.on('jobs.updated', (s) => {
    if (s.id === job.id && s.status === 'running' && s.progress) bar.update(s.progress)
  })
  const cancel = (): void => void services.handlers.jobs.cancel({ id: job.id }, call).catch(() => undefined)
  ctx.signal.addEventListener('abort', cancel, { once: true })
  let done: JobSnapshot
  try {
    done = await services.jobs.waitFor(job.id, ['succeeded', 'failed', 'cancelled', 'interrupted'], FOREVER_MS)
  } finally {
    off()
    ctx.signal.removeEventListener('abort', cancel)
    bar.done()
  }
  if (done.status === 'succeeded') return done.result
  if (done.status === 'cancelled' || done.status === 'interrupted') throw new AppError('CANCELLED', `${params.type} job ${job.id} was ${done.status}; resume it from the app's Jobs view`)
  const code = done.error && isErrorCode(done.error.code) ? done.error.code : 'INTERNAL'
  throw new AppError(code, done.error?.message ?? `${params.type} job ${job.id} failed`)
}

function summary(r: ImportResult): string {
  const lines = [
    `${r.files} audio file(s): ${r.imported} imported, ${r.updated} updated, ${r.unchanged} unchanged, ${r.moved} moved, ${r.duplicates} duplicate(s), ${r.quarantined} newly quarantined`,
    `${(r.durationS / 3600).toFixed(2)} h of audio; ${r.sitesCreated} site(s) and ${r.deploymentsCreated} deployment(s) created; ${r.skipped} other file(s) skipped`,
  ]
  if (r.missing > 0) lines.push(`${r.missing} recording(s) no longer found under the folders (marked missing; relink them if they moved)`)
  if (r.quarantineTotal > 0) {
    lines.push(`Quarantined (${r.quarantineTotal}):`)
    for (const q of r.quarantine.slice(0, 20)) lines.push(`  ${q.code}  ${q.path}`)
    if (r.quarantineTotal > 20) lines.push(`  … and ${r.quarantineTotal - 20} more (--json lists up to ${r.quarantine.length})`)
  }
  return lines.join('\n') + '\n'
}

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'import folder trees of recordings into a project (header-only; unreadable files are quarantined)',
  usage: 'PROJECT FOLDER… [--time-expansion F] [--json]',
  options: { 'time-expansion': { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 2, max: 101 },
  async run(ctx) {
    const [project, ...folders] = ctx.positionals
    const teText = stringOption(ctx, 'time-expansion')
    const timeExpansion = teText === undefined ? undefined : Number(teText)
    if (timeExpansion !== undefined && !(Number.isFinite(timeExpansion) && timeExpansion > 0 && timeExpansion <= 100)) {
      throw new AppError('INVALID_REQUEST', `--time-expansion must be a number above 0 and at most 100, got "${teText}"`)
    }
    const params: JobParams = { type: 'import', folders: folders.map((f) => resolve(f)), ...(timeExpansion === undefined ? {} : { timeExpansion }) }
    const result = ImportResult.parse(await runJobWithProgress(ctx, project, params, 'Importing'))
    ctx.io.stdout.write(flagOption(ctx, 'json') ? JSON.stringify(result, null, 2) + '\n' : summary(result))
  },
}
