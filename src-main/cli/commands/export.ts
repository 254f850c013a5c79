import { resolve } from 'node:path'
import { ExportResult, type JobParams } from '../../../src-shared/contracts'
import { AppError } from '../../errors'
import { flagOption, stringOption, type CliCommand } from '../command'
import { runProjectJob } from '../run-project-job'

const FORMATS = ['raven', 'audacity', 'csv'] as const
const CONTENTS = ['annotations', 'detections', 'both'] as const

function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback?: T): T {
  if (value === undefined && fallback !== undefined) return fallback
  const found = allowed.find((a) => a === value)
  if (!found) throw new AppError('INVALID_REQUEST', `--${name} must be one of ${allowed.join(', ')}${value === undefined ? '' : `, got "${value}"`}`)
  return found
}

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'export annotations and/or detections as Raven selection tables, Audacity labels or CSV',
  usage: 'PROJECT --format raven|audacity|csv [--out DIR] [--content annotations|detections|both] [--json]',
  options: { format: { type: 'string' }, out: { type: 'string' }, content: { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const format = oneOf('format', stringOption(ctx, 'format'), FORMATS)
    const content = oneOf('content', stringOption(ctx, 'content'), CONTENTS, 'annotations')
    const out = stringOption(ctx, 'out')
    const params: JobParams = { type: 'export', format, content, ...(out === undefined ? {} : { outDir: resolve(out) }) }
    const result = ExportResult.parse(await runProjectJob(ctx, ctx.positionals[0], { params }, 'Exporting'))
    if (flagOption(ctx, 'json')) {
      ctx.io.stdout.write(JSON.stringify(result, null, 2) + '\n')
      return
    }
    ctx.io.stdout.write(`${result.files.length} file(s) in ${result.dir}: ${result.annotations} annotation(s), ${result.detections} detection(s) from ${result.recordings} recording(s)\n`)
    for (const f of result.files.slice(0, 50)) ctx.io.stdout.write(`  ${f.path} (${f.rows} rows)\n`)
    if (result.files.length > 50) ctx.io.stdout.write(`  … and ${result.files.length - 50} more\n`)
  },
}
