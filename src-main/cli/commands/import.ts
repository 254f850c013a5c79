import { resolve } from 'node:path'
import { ImportResult, MediaCacheResult, type JobParams } from '../../../src-shared/contracts'
import { AppError, toErrorData } from '../../errors'
import { DEFAULT_MIN_DURATION_S } from '../../media/prepare-recordings'
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

/** The media-cache job's own threshold for a "long" recording, as the app uses it. */
const LONG_MINUTES = DEFAULT_MIN_DURATION_S / 60

function mediaSummary(m: MediaCacheResult): string {
  if (m.recordings === 0) return `No recording of ${LONG_MINUTES} minutes or more needed waveforms and spectrograms prepared\n`
  return `Waveforms and spectrograms prepared for ${m.built} of ${m.recordings} long recording(s) (${(m.audioSeconds / 3600).toFixed(2)} h of audio); ${m.alreadyCached} already prepared, ${m.failed} failed\n`
}

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'import folder trees of recordings into a project (header-only; unreadable files are quarantined)',
  usage: 'PROJECT FOLDER… [--time-expansion F] [--prepare-media] [--json]',
  details:
    `--prepare-media then computes the waveform peaks and default spectrogram of every recording of ${LONG_MINUTES} minutes or more, as the app does after an import, so that they open at once (it decodes those files whole; resumable from the Jobs view)`,
  options: { 'time-expansion': { type: 'string' }, 'prepare-media': { type: 'boolean' }, json: { type: 'boolean' } },
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
    const json = flagOption(ctx, 'json')
    if (!flagOption(ctx, 'prepare-media')) {
      ctx.io.stdout.write(json ? JSON.stringify(result, null, 2) + '\n' : summary(result))
      return
    }
    // The import is committed: its summary is printed before the (much longer) media preparation.
    if (!json) ctx.io.stdout.write(summary(result))
    let mediaCache: MediaCacheResult
    try {
      mediaCache = MediaCacheResult.parse(await runProjectJob(ctx, project, { params: { type: 'media-cache' } }, 'Preparing'))
    } catch (err) {
      const e = toErrorData(err)
      throw new AppError(e.code, `the import is done and kept (${result.imported} imported, ${result.updated} updated); preparing the long recordings stopped: ${e.message}`)
    }
    ctx.io.stdout.write(json ? JSON.stringify({ ...result, mediaCache }, null, 2) + '\n' : mediaSummary(mediaCache))
  },
}
