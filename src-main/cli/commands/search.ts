import { resolve } from 'node:path'
import { AppError } from '../../errors'
import { flagOption, stringOption, type CliCommand } from '../command'

function required(value: string | undefined, name: string): number {
  const n = Number(value)
  if (value === undefined || !Number.isFinite(n)) throw new AppError('INVALID_REQUEST', `--${name} needs a number${value === undefined ? '' : `, got "${value}"`}`)
  return n
}

export const searchCommand: CliCommand = {
  name: 'search',
  summary: 'find the windows of the whole project most similar to a region of one recording (cosine over stored embeddings)',
  usage: 'PROJECT --recording ID --start S --end S [--k K] [--encoder ID] [--json]',
  options: { recording: { type: 'string' }, start: { type: 'string' }, end: { type: 'string' }, k: { type: 'string' }, encoder: { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const recordingId = required(stringOption(ctx, 'recording'), 'recording')
    const startS = required(stringOption(ctx, 'start'), 'start')
    const endS = required(stringOption(ctx, 'end'), 'end')
    const kText = stringOption(ctx, 'k')
    const k = kText === undefined ? undefined : required(kText, 'k')
    const encText = stringOption(ctx, 'encoder')
    const encoderId = encText === undefined ? undefined : required(encText, 'encoder')
    const services = ctx.services()
    const call = { signal: ctx.signal, transport: 'cli' as const }
    await services.handlers.projects.open({ dir: resolve(ctx.positionals[0]) }, call)
    const result = await services.handlers.search.query(
      { recordingId, startS, endS, ...(k === undefined ? {} : { k }), ...(encoderId === undefined ? {} : { encoderId }) },
      call,
    )
    if (flagOption(ctx, 'json')) {
      ctx.io.stdout.write(JSON.stringify(result, null, 2) + '\n')
      return
    }
    const q = result.query
    const lines = [
      `${result.hits.length} most similar of ${result.index.windows.toLocaleString('en-US')} windows (${q.windowS} s every ${q.hopS} s) in ${(result.seconds * 1000).toFixed(0)} ms${result.index.built ? ` (index built in ${result.index.buildSeconds.toFixed(2)} s)` : ''}`,
      ...result.hits.map((h, i) => `${String(i + 1).padStart(4)}  ${h.score.toFixed(4)}  ${h.fileName}  ${h.startS.toFixed(2)}–${h.endS.toFixed(2)} s${h.isQuery ? '  (query)' : ''}`),
    ]
    ctx.io.stdout.write(lines.join('\n') + '\n')
  },
}
