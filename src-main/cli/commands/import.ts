import { resolve } from 'node:path'
import { ImportResult, type JobParams } from '../../../src-shared/contracts'
import { AppError } from '../../errors'
import { fileProblemLine, flagOption, stringOption, type CliCommand } from '../command'
import { runProjectJob } from '../run-project-job'

function summary(r: ImportResult): string {
  const lines = [
    `${r.files} audio file(s): ${r.imported} imported, ${r.updated} updated, ${r.unchanged} unchanged, ${r.moved} moved, ${r.duplicates} duplicate(s), ${r.quarantined} newly quarantined`,
    `${(r.durationS / 3600).toFixed(2)} h of audio; ${r.sitesCreated} site(s) and ${r.deploymentsCreated} deployment(s) created; ${r.skipped} other file(s) skipped`,
  ]
  if (r.missing > 0) lines.push(`${r.missing} recording(s) no longer found under the folders (marked missing; relink them if they moved)`)
  if (r.quarantineTotal > 0) {
    lines.push(`Quarantined (${r.quarantineTotal}):`)
    for (const q of r.quarantine.slice(0, 20)) lines.push(fileProblemLine(q))
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
    const result = ImportResult.parse(await runProjectJob(ctx, project, { params }, 'Importing'))
    ctx.io.stdout.write(flagOption(ctx, 'json') ? JSON.stringify(result, null, 2) + '\n' : summary(result))
  },
}
