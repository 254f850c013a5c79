import { resolve } from 'node:path'
import { AnalyzeResult } from '../../../src-shared/contracts'
import { AppError } from '../../errors'
import { fileProblemLine, flagOption, stringOption, type CliCommand, type CommandContext } from '../command'
import { printWarnings, runProjectJobWithWarnings, type JobStart } from '../run-project-job'

function seconds(ctx: CommandContext, name: string): number | undefined {
  const text = stringOption(ctx, name)
  if (text === undefined) return undefined
  const value = Number(text)
  if (!(Number.isFinite(value) && value > 0)) throw new AppError('INVALID_REQUEST', `--${name} must be a positive number of seconds, got "${text}"`)
  return value
}

function summary(r: AnalyzeResult): string {
  const lines = [
    `${r.analysed} recording(s) analysed (${(r.audioSeconds / 3600).toFixed(2)} h, ${r.windows} windows of ${r.windowS} s every ${r.hopS} s) on ${r.provider} with ${r.threads} thread(s); ${r.alreadyAnalysed} already analysed`,
    `${r.detections} detection(s)${r.heads.length > 0 ? `: ${r.heads.map((h) => `${h.name} ${h.version} ${h.detections}`).join(', ')}` : ' (no active head for these windows)'}`,
  ]
  for (const s of r.skippedHeads) lines.push(`head ${s.name} not scored: ${s.reason}`)
  if (r.failed.length > 0) {
    lines.push(`Unreadable, quarantined (${r.failed.length}):`)
    for (const f of r.failed.slice(0, 20)) lines.push(fileProblemLine(f))
    if (r.failed.length > 20) lines.push(`  … and ${r.failed.length - 20} more (--json lists them all)`)
  }
  return lines.join('\n') + '\n'
}

export const analyzeCommand: CliCommand = {
  name: 'analyze',
  summary: 'embed every recording not yet analysed and score the active heads (resumable)',
  usage: 'PROJECT [--model ID] [--window S] [--hop S] [--threads N] [--resume] [--json]   (--resume continues the last unfinished analyze job)',
  options: { model: { type: 'string' }, window: { type: 'string' }, hop: { type: 'string' }, threads: { type: 'string' }, resume: { type: 'boolean' }, json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const project = ctx.positionals[0]
    const modelText = stringOption(ctx, 'model')
    const encoderId = modelText === undefined ? undefined : Number(modelText)
    if (encoderId !== undefined && !(Number.isInteger(encoderId) && encoderId > 0)) throw new AppError('INVALID_REQUEST', `--model must be a model id (see models list), got "${modelText}"`)
    const threadsText = stringOption(ctx, 'threads')
    const threads = threadsText === undefined ? undefined : Number(threadsText)
    if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1 && threads <= 256)) throw new AppError('INVALID_REQUEST', `--threads must be an integer from 1 to 256, got "${threadsText}"`)
    const windowS = seconds(ctx, 'window')
    const hopS = seconds(ctx, 'hop')
    let start: JobStart = {
      params: { type: 'analyze', ...(encoderId ? { encoderId } : {}), ...(windowS ? { windowS } : {}), ...(hopS ? { hopS } : {}), ...(threads ? { threads } : {}) },
    }
    if (flagOption(ctx, 'resume')) {
      const services = ctx.services()
      await services.handlers.projects.open({ dir: resolve(project) }, { signal: ctx.signal, transport: 'cli' })
      const unfinished = services.jobs.list({ limit: 1000, status: ['interrupted', 'failed', 'cancelled'] }).find((j) => j.type === 'analyze')
      if (unfinished) start = { resumeId: unfinished.id }
      else ctx.io.stderr.write('No unfinished analyze job: starting a new one (it skips what is already analysed).\n')
    }
    const run = await runProjectJobWithWarnings(ctx, project, start, 'Analysing', "resume it later (analyze --resume, or the app's Jobs view)")
    const result = AnalyzeResult.parse(run.result)
    // what the summary does not already say: decode warnings of the files read (clamped sizes,
    // missing pad bytes), a provider notice
    const shown = new Set([...result.failed.map((f) => `quarantined ${f.path}: ${f.code}: ${f.reason}`), ...result.skippedHeads.map((s) => `head ${s.name} not scored: ${s.reason}`)])
    printWarnings(ctx, run.warnings.filter((w) => !shown.has(w)))
    ctx.io.stdout.write(flagOption(ctx, 'json') ? JSON.stringify(result, null, 2) + '\n' : summary(result))
  },
}
