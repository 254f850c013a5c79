import { readFile } from 'node:fs/promises'
import { basename, resolve } from 'node:path'
import type { AnnotationImportReport } from '../../../src-shared/contracts'
import { AppError } from '../../errors'
import { decodeAnnotationBytes } from '../../season/formats/text-lines'
import { flagOption, idOption, type CliCommand } from '../command'

function describe(r: AnnotationImportReport): string {
  const lines = [`${r.fileName} (${r.format}): ${r.imported} imported, ${r.skipped} skipped${r.createdLabels.length > 0 ? `; new labels: ${r.createdLabels.join(', ')}` : ''}`]
  for (const p of r.problems.slice(0, 20)) lines.push(`  ${p}`)
  if (r.problems.length > 20) lines.push(`  … and ${r.problems.length - 20} more problem(s) (--json lists them)`)
  return lines.join('\n') + '\n'
}

export const importAnnotationsCommand: CliCommand = {
  name: 'import-annotations',
  summary: 'import Raven selection tables, Audacity labels or BirdNET results as annotations',
  usage: 'PROJECT FILE… (--recording ID | --match-by-name) [--label-set ID] [--json]',
  options: { recording: { type: 'string' }, 'match-by-name': { type: 'boolean' }, 'label-set': { type: 'string' }, json: { type: 'boolean' } },
  positionals: { min: 2, max: 10_000 },
  async run(ctx) {
    const [project, ...files] = ctx.positionals
    const recordingId = idOption(ctx, 'recording')
    const labelSetId = idOption(ctx, 'label-set')
    const byName = flagOption(ctx, 'match-by-name')
    if ((recordingId === undefined) === !byName) throw new AppError('INVALID_REQUEST', 'give either --recording ID or --match-by-name')
    const services = ctx.services()
    const call = { signal: ctx.signal, transport: 'cli' as const }
    await services.handlers.projects.open({ dir: resolve(project) }, call)
    const reports: AnnotationImportReport[] = []
    let failed = 0
    for (const file of files) {
      const fileName = basename(file)
      let report: AnnotationImportReport
      try {
        const bytes = await readFile(resolve(file)).catch((err: unknown) => {
          throw new AppError('NOT_FOUND', `${file}: cannot be read (${err instanceof Error ? err.message : String(err)})`)
        })
        const { text, warnings } = decodeAnnotationBytes(bytes, fileName)
        report = await services.handlers.annotations.importText(
          { fileName, text, target: recordingId === undefined ? { matchByName: true } : { recordingId }, ...(labelSetId === undefined ? {} : { labelSetId }) },
          call,
        )
        report.problems.unshift(...warnings)
      } catch (err) {
        // One unreadable file does not stop the others; it is reported and the exit code says so.
        if (!(err instanceof AppError) || files.length === 1) throw err
        failed += 1
        ctx.io.stderr.write(`error ${err.code}: ${err.message}\n`)
        continue
      }
      reports.push(report)
      if (!flagOption(ctx, 'json')) ctx.io.stdout.write(describe(report))
    }
    if (flagOption(ctx, 'json')) ctx.io.stdout.write(JSON.stringify(reports, null, 2) + '\n')
    return failed > 0 ? 1 : 0
  },
}
