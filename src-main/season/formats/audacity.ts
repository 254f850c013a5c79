// Audacity label tracks: `start<TAB>end<TAB>label` per line; the spectral form follows a label
// with `\<TAB>low<TAB>high` (Hz; -1 means "no frequency"). Labels may contain commas, quotes and —
// when a tool wrote them unescaped — tabs, so everything after the second tab is the label.
import { AppError } from '../../errors'
import { formatDecimal, parseDecimalCell } from './number-cell'
import { checkRow, sortByLine } from './row-checks'
import { splitLines } from './text-lines'
import type { AnnotationParseOptions, ParsedAnnotation, ParsedAnnotationFile } from './types'

/** A label line before interpretation of its label text. */
export interface AudacityLine {
  where: string
  start: number
  end: number
  /** Tab-separated fields after the two times. */
  rest: string[]
  lowHz?: number
  highHz?: number
}

/** Reads label and spectral lines; throws ANNOTATION_FORMAT when no line is a label. */
export function readAudacityLines(text: string, options: AnnotationParseOptions, warnings: string[], tally: { skipped: number }): AudacityLine[] {
  const { fileName } = options
  const out: AudacityLine[] = []
  let firstBad: { number: number; text: string } | undefined
  let previousWasLabel = false
  for (const line of splitLines(text)) {
    const where = `${fileName} line ${line.number}`
    if (line.text.trim() === '') continue
    const fields = line.text.split('\t')
    if (fields[0].trim() === '\\') {
      const last = out[out.length - 1]
      if (!last || !previousWasLabel) {
        warnings.push(`${where}: frequency line without a label before it; ignored`)
        continue
      }
      readFrequencies(fields, last, where, warnings)
      previousWasLabel = false
      continue
    }
    const start = parseDecimalCell(fields[0])
    const end = parseDecimalCell(fields[1])
    if (fields.length < 2 || !start.ok || !end.ok || start.value === undefined || end.value === undefined) {
      firstBad ??= line
      warnings.push(`${where}: not "start<TAB>end<TAB>label"; line skipped`)
      tally.skipped++
      previousWasLabel = false
      continue
    }
    out.push({ where, start: start.value, end: end.value, rest: fields.slice(2) })
    previousWasLabel = true
  }
  if (out.length === 0 && firstBad) {
    throw new AppError('ANNOTATION_FORMAT', `${fileName} line ${firstBad.number}: not an Audacity label track: expected "start<TAB>end<TAB>label", found ${JSON.stringify(firstBad.text.slice(0, 60))}`, {
      fileName,
      line: firstBad.number,
    })
  }
  return out
}

function readFrequencies(fields: string[], target: AudacityLine, where: string, warnings: string[]): void {
  const low = parseDecimalCell(fields[1])
  const high = parseDecimalCell(fields[2])
  if (!low.ok || !high.ok) {
    warnings.push(`${where}: frequency line is not "\\<TAB>low<TAB>high"; ignored`)
    return
  }
  // Audacity writes -1 for an undefined edge of a spectral selection.
  if (low.value !== undefined && low.value >= 0) target.lowHz = low.value
  if (high.value !== undefined && high.value >= 0) target.highHz = high.value
}

export function parseAudacityLabels(text: string, options: AnnotationParseOptions): ParsedAnnotationFile {
  const warnings: string[] = []
  const rows: ParsedAnnotation[] = []
  const tally = { skipped: 0 }
  for (const line of readAudacityLines(text, options, warnings, tally)) {
    const row: ParsedAnnotation = { start: line.start, end: line.end, label: line.rest.join('\t').trim(), extra: {} }
    if (line.lowHz !== undefined) row.lowHz = line.lowHz
    if (line.highHz !== undefined) row.highHz = line.highHz
    if (checkRow(row, line.where, options, warnings)) rows.push(row)
    else tally.skipped++
  }
  return { rows, warnings: sortByLine(warnings), skipped: tally.skipped }
}

/** Label text as a label track line. Boxes get their `\<TAB>low<TAB>high` line. */
export function writeAudacityLabels(rows: ParsedAnnotation[]): string {
  let out = ''
  for (const row of rows) {
    out += `${formatDecimal(row.start)}\t${formatDecimal(row.end)}\t${row.label.replace(/[\t\r\n]+/g, ' ')}\n`
    if (row.lowHz !== undefined || row.highHz !== undefined) {
      out += `\\\t${row.lowHz === undefined ? '-1' : formatDecimal(row.lowHz)}\t${row.highHz === undefined ? '-1' : formatDecimal(row.highHz)}\n`
    }
  }
  return out
}
