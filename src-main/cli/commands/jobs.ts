import { resolve } from 'node:path'
import type { JobSnapshot } from '../../../src-shared/contracts'
import { openProjectReadOnly } from '../../db/connection'
import { JobRepository, toSnapshot } from '../../db/job-repository'
import { projectDbPath } from '../../db/project-layout'
import { AppError } from '../../errors'
import { flagOption, idOption, stringOption, type CliCommand } from '../command'
import { formatProgressText } from '../progress-bar'
import { runProjectJob } from '../run-project-job'

function row(job: JobSnapshot): string[] {
  const p = job.progress
  return [String(job.id), job.type, job.status, p ? formatProgressText(p) : '', job.createdAt.replace('T', ' ').slice(0, 19), job.error ? `${job.error.code}: ${job.error.message}` : '']
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)))
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd()).join('\n') + '\n'
}

export const jobsCommand: CliCommand = {
  name: 'jobs',
  summary: "list a project's jobs, newest first (read-only; safe while the app has it open), or resume one",
  usage: 'PROJECT [--json] [--limit N] [--resume ID]',
  details:
    '--resume ID continues a cancelled, failed or interrupted job from where it stopped, as the Resume button of the app\'s Jobs view does, with a progress bar, and prints its result',
  options: { json: { type: 'boolean' }, limit: { type: 'string' }, resume: { type: 'string' } },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const id = idOption(ctx, 'resume')
    if (id !== undefined) {
      const result = await runProjectJob(ctx, ctx.positionals[0], { resumeId: id }, `Job ${id}`)
      ctx.io.stdout.write(flagOption(ctx, 'json') ? JSON.stringify(result ?? null, null, 2) + '\n' : `Job ${id} succeeded:\n${JSON.stringify(result ?? null, null, 2)}\n`)
      return
    }
    const limitText = stringOption(ctx, 'limit')
    const limit = limitText === undefined ? 100 : Number(limitText)
    if (!Number.isInteger(limit) || limit < 1 || limit > 100_000) throw new AppError('INVALID_REQUEST', `--limit must be a positive integer, got "${limitText}"`)
    const db = openProjectReadOnly(projectDbPath(resolve(ctx.positionals[0])))
    try {
      const jobs = new JobRepository(db).list(limit).map(toSnapshot)
      if (flagOption(ctx, 'json')) {
        ctx.io.stdout.write(JSON.stringify(jobs, null, 2) + '\n')
      } else if (jobs.length === 0) {
        ctx.io.stdout.write('No jobs yet.\n')
      } else {
        ctx.io.stdout.write(table([['ID', 'TYPE', 'STATUS', 'PROGRESS', 'CREATED (UTC)', 'ERROR'], ...jobs.map(row)]))
      }
    } finally {
      db.close()
    }
  },
}
