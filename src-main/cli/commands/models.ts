import { resolve } from 'node:path'
import { ModelImportResult, type ModelSummary } from '../../../src-shared/contracts'
import { openProjectReadOnly } from '../../db/connection'
import { projectDbPath } from '../../db/project-layout'
import { AppError } from '../../errors'
import { ModelsRepository } from '../../services/models-repository'
import { flagOption, stringOption, type CliCommand, type CommandContext } from '../command'
import { runProjectJob } from '../run-project-job'

const USAGE = [
  'import PROJECT CKPT [--config config.yaml] [--token-list FILE] [--name NAME] [--int8] [--json]',
  '       list PROJECT [--json]',
  '       demo PROJECT [--json]      (register the demo model: random weights)',
].join('\n')

function row(m: ModelSummary): string[] {
  const what = m.kind === 'encoder' ? `${m.config.dim ?? '?'}-d, ${m.config.layers ?? '?'} layers` : `${m.labels.length} labels`
  const state = m.kind === 'head' && m.scoring?.needsRescore ? `${m.active ? 'active' : ''} (needs rescore)`.trim() : m.active ? 'active' : ''
  return [String(m.id), m.kind, `${m.name} ${m.version}`, what, m.encoderId === null ? '' : String(m.encoderId), m.pretrained ? '' : 'random weights', state]
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)))
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd()).join('\n') + '\n'
}

async function importModel(ctx: CommandContext, project: string, checkpoint: string): Promise<void> {
  const config = stringOption(ctx, 'config')
  const tokenList = stringOption(ctx, 'token-list')
  const name = stringOption(ctx, 'name')
  const params = {
    type: 'model-import' as const,
    checkpointPath: resolve(checkpoint),
    ...(config ? { configPath: resolve(config) } : {}),
    ...(tokenList ? { tokenListPath: resolve(tokenList) } : {}),
    ...(name ? { name } : {}),
    ...(flagOption(ctx, 'int8') ? { quantize: true } : {}),
  }
  const r = ModelImportResult.parse(await runProjectJob(ctx, project, { params }, 'Importing model'))
  if (flagOption(ctx, 'json')) {
    ctx.io.stdout.write(JSON.stringify(r, null, 2) + '\n')
    return
  }
  ctx.io.stdout.write(`Imported ${r.name} ${r.version} as encoder ${r.encoderId}${r.headId ? ` with classifier head ${r.headId} (label set ${r.labelSetId})` : ''} in ${r.dir}\n`)
  for (const w of r.warnings) ctx.io.stdout.write(`  warning: ${w}\n`)
}

export const modelsCommand: CliCommand = {
  name: 'models',
  summary: "import a checkpoint into a project, or list a project's encoders and heads",
  usage: USAGE,
  options: { config: { type: 'string' }, 'token-list': { type: 'string' }, name: { type: 'string' }, int8: { type: 'boolean' }, json: { type: 'boolean' } },
  positionals: { min: 2, max: 3 },
  async run(ctx) {
    const [sub, project, checkpoint] = ctx.positionals
    if (sub === 'import') {
      if (!checkpoint) throw new AppError('INVALID_REQUEST', `models import needs PROJECT and CKPT\n\nUsage: openbeats-studio models ${USAGE}`)
      return importModel(ctx, project, checkpoint)
    }
    if (checkpoint !== undefined) throw new AppError('INVALID_REQUEST', `models ${sub} takes one argument, PROJECT`)
    if (sub === 'demo') {
      const services = ctx.services()
      const call = { signal: ctx.signal, transport: 'cli' as const }
      await services.handlers.projects.open({ dir: resolve(project) }, call)
      const m = await services.handlers.models.addDemo({}, call)
      ctx.io.stdout.write(flagOption(ctx, 'json') ? JSON.stringify(m, null, 2) + '\n' : `Demo model: encoder ${m.id} (${m.name} ${m.version}) — random weights, for trying the app out\n`)
      return
    }
    if (sub !== 'list') throw new AppError('INVALID_REQUEST', `unknown models subcommand "${sub}"\n\nUsage: openbeats-studio models ${USAGE}`)
    const db = openProjectReadOnly(projectDbPath(resolve(project)))
    try {
      const repo = new ModelsRepository(db)
      const models = repo.rows().map((r) => repo.summary(r))
      if (flagOption(ctx, 'json')) ctx.io.stdout.write(JSON.stringify(models, null, 2) + '\n')
      else if (models.length === 0) ctx.io.stdout.write('No models yet: models import PROJECT CKPT, or models demo PROJECT.\n')
      else ctx.io.stdout.write(table([['ID', 'KIND', 'NAME', 'SHAPE', 'ENCODER', 'NOTE', 'STATE'], ...models.map(row)]))
    } finally {
      db.close()
    }
  },
}
