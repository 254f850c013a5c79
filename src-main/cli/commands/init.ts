import { basename, resolve } from 'node:path'
import { flagOption, stringOption, type CliCommand } from '../command'

export const initCommand: CliCommand = {
  name: 'init',
  summary: 'create a project folder (project.sqlite, models/, cache/, exports/)',
  usage: 'PROJECT [--name NAME] [--json]',
  options: { name: { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const dir = resolve(ctx.positionals[0])
    const name = stringOption(ctx, 'name') ?? basename(dir)
    const info = await ctx.services().handlers.projects.create({ dir, name }, { signal: ctx.signal, transport: 'cli' })
    if (flagOption(ctx, 'json')) ctx.io.stdout.write(JSON.stringify(info, null, 2) + '\n')
    else ctx.io.stdout.write(`Created project "${info.name}" in ${info.dir} (schema version ${info.schemaVersion})\n`)
  },
}
