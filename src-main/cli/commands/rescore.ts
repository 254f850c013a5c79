import { RescoreResult } from '../../../src-shared/contracts'
import { AppError } from '../../errors'
import { flagOption, type CliCommand } from '../command'
import { runProjectJob } from '../run-project-job'

export const rescoreCommand: CliCommand = {
  name: 'rescore',
  summary: 'recompute detections from stored embeddings (after a head, threshold or event rule changed); reviews are kept',
  usage: 'PROJECT [--head ID]… [--json]   (default: every active head)',
  options: { head: { type: 'string', multiple: true }, json: { type: 'boolean' } },
  positionals: { min: 1, max: 1 },
  async run(ctx) {
    const raw = ctx.values.head
    const texts = Array.isArray(raw) ? raw.map(String) : []
    const headIds = texts.map((t) => {
      const id = Number(t)
      if (!(Number.isInteger(id) && id > 0)) throw new AppError('INVALID_REQUEST', `--head must be a model id, got "${t}"`)
      return id
    })
    const result = RescoreResult.parse(await runProjectJob(ctx, ctx.positionals[0], { params: { type: 'rescore', ...(headIds.length > 0 ? { headIds } : {}) } }, 'Rescoring'))
    if (flagOption(ctx, 'json')) {
      ctx.io.stdout.write(JSON.stringify(result, null, 2) + '\n')
      return
    }
    ctx.io.stdout.write(`${result.heads.length} head(s) rescored on ${result.windows} stored windows in ${result.seconds.toFixed(2)} s: ${result.detections} detection(s)\n`)
    for (const h of result.heads) ctx.io.stdout.write(`  ${h.name} ${h.version}: ${h.recordings} recording(s), ${h.detections} detection(s), ${h.reviewsKept} review(s) kept\n`)
  },
}
