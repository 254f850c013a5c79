// Raven Pro selection tables: tab-separated with a header row. Real tables have short rows (missing
// trailing fields), trailing tabs, extra measurement columns, CRLF, a BOM, and one row per view
// (Waveform 1 + Spectrogram 1 with the same Selection number), which we fold into one annotation.
import { AppError } from '../../errors'
import { parseDecimalCell } from './number-cell'
import { checkRow, sortByLine } from './row-checks'
import { splitLines } from './text-lines'
import type { AnnotationParseOptions, ParsedAnnotation, ParsedAnnotationFile } from './types'

// 'Annotation' and 'Score' come first because our writer uses them: a table we wrote always reads
// back with the same label even when it also carries a 'Species' column from elsewhere.
export const DEFAULT_LABEL_COLUMNS = ['Annotation', 'Species', 'Label', 'Class', 'Common Name', 'Species Code'] as const
export const DEFAULT_SCORE_COLUMNS = ['Score', 'Confidence'] as const

export interface RavenParseOptions extends AnnotationParseOptions {
  /** Label column names in order of preference (matched without regard to case). */
  labelColumns?: readonly string[]
  scoreColumns?: readonly string[]
}

interface Columns {
  begin: number
  end: number
  low: number
  high: number
  selection: number
  view: number
  channel: number
  label: number
  score: number
  path: number
  file: number
  offset: number
}

interface PendingRow {
  row: ParsedAnnotation
  view: string
  where: string
}

export function parseRavenTable(text: string, options: RavenParseOptions): ParsedAnnotationFile {
  const { fileName } = options
  const lines = splitLines(text)
  const headerLine = lines.find((l) => l.text.trim() !== '')
  if (!headerLine) throw new AppError('ANNOTATION_FORMAT', `${fileName}: the file is empty; a Raven selection table needs a header row`, { fileName })
  const names = headerLine.text.split('\t').map((n) => n.trim())
  const cols = findColumns(names, options)
  if (cols.begin < 0 || cols.end < 0) {
    const missing = cols.begin < 0 ? 'Begin Time (s)' : 'End Time (s)'
    throw new AppError('ANNOTATION_FORMAT', `${fileName} line ${headerLine.number}: not a Raven selection table: the header has no "${missing}" column`, {
      fileName,
      line: headerLine.number,
    })
  }
  const consumed = new Set([cols.begin, cols.end, cols.low, cols.high, cols.selection, cols.view, cols.channel, cols.label, cols.score, cols.path, cols.offset])
  if (cols.path < 0) consumed.add(cols.file)

  const warnings: string[] = []
  const labelList = (options.labelColumns ?? DEFAULT_LABEL_COLUMNS).join('", "')
  if (cols.label < 0) warnings.push(`${fileName}: no label column (looked for "${labelList}"); labels are empty`)
  const groups = new Map<string, PendingRow[]>()
  const order: PendingRow[][] = []
  let skipped = 0
  for (const line of lines) {
    if (line.number <= headerLine.number || line.text.trim() === '') continue
    const where = `${fileName} line ${line.number}`
    const cells = line.text.split('\t')
    const overflow = cells.slice(names.length).filter((c) => c.trim() !== '')
    if (overflow.length > 0) warnings.push(`${where}: ${overflow.length} field(s) beyond the header ignored`)
    const row = readRow(cells, names, cols, consumed, where, warnings, options.sampleRate)
    if (!row) {
      skipped++
      continue
    }
    const pending: PendingRow = { row, view: cell(cells, cols.view), where }
    const selection = cell(cells, cols.selection).trim()
    if (selection === '') {
      order.push([pending])
      continue
    }
    const key = `${selection}\u0000${row.channel ?? ''}`
    const group = groups.get(key)
    if (group) group.push(pending)
    else {
      const created = [pending]
      groups.set(key, created)
      order.push(created)
    }
  }

  const rows: ParsedAnnotation[] = []
  for (const group of order) {
    const merged = mergeViews(group, warnings)
    if (checkRow(merged.row, merged.where, options, warnings)) {
      if (merged.row.label === '' && cols.label >= 0) warnings.push(`${merged.where}: empty label`)
      rows.push(merged.row)
    } else {
      skipped++
    }
  }
  return { rows, warnings: sortByLine(warnings), skipped }
}

/** Start and end in the recording a combined-table row came from (`Begin Path` + `File Offset (s)`). */
export function recordingRelativeTimes(row: ParsedAnnotation): { sourceFile?: string; start: number; end: number } {
  if (row.fileOffset === undefined) return { sourceFile: row.sourceFile, start: row.start, end: row.end }
  return { sourceFile: row.sourceFile, start: row.fileOffset, end: row.fileOffset + (row.end - row.start) }
}

function findColumns(names: string[], options: RavenParseOptions): Columns {
  const lower = names.map((n) => n.toLowerCase())
  const find = (...candidates: readonly string[]): number => {
    for (const c of candidates) {
      const i = lower.indexOf(c.toLowerCase())
      if (i >= 0) return i
    }
    return -1
  }
  return {
    begin: find('Begin Time (s)', 'Begin Time'),
    end: find('End Time (s)', 'End Time'),
    low: find('Low Freq (Hz)', 'Low Frequency (Hz)'),
    high: find('High Freq (Hz)', 'High Frequency (Hz)'),
    selection: find('Selection'),
    view: find('View'),
    channel: find('Channel'),
    label: find(...(options.labelColumns ?? DEFAULT_LABEL_COLUMNS)),
    score: find(...(options.scoreColumns ?? DEFAULT_SCORE_COLUMNS)),
    path: find('Begin Path'),
    file: find('Begin File'),
    offset: find('File Offset (s)'),
  }
}

function readRow(cells: string[], names: string[], cols: Columns, consumed: Set<number>, where: string, warnings: string[], sampleRate: number | undefined): ParsedAnnotation | undefined {
  const numbers: Partial<Record<'start' | 'end' | 'lowHz' | 'highHz' | 'score' | 'fileOffset' | 'channel', number>> = {}
  const fields: [keyof typeof numbers, number, string][] = [
    ['start', cols.begin, 'Begin Time (s)'],
    ['end', cols.end, 'End Time (s)'],
    ['lowHz', cols.low, 'Low Freq (Hz)'],
    ['highHz', cols.high, 'High Freq (Hz)'],
    ['score', cols.score, names[cols.score] ?? ''],
    ['fileOffset', cols.offset, 'File Offset (s)'],
    ['channel', cols.channel, 'Channel'],
  ]
  for (const [key, index, name] of fields) {
    if (index < 0) continue
    const parsed = parseDecimalCell(cells[index])
    if (!parsed.ok) {
      if (key === 'start' || key === 'end') {
        warnings.push(`${where}: ${name} ${parsed.reason}; row skipped`)
        return undefined
      }
      warnings.push(`${where}: ${name} ${parsed.reason}; value ignored`)
      continue
    }
    if (parsed.value !== undefined) numbers[key] = parsed.value
  }
  const extra: Record<string, string> = {}
  names.forEach((name, i) => {
    const value = cells[i]?.trim()
    if (name !== '' && !consumed.has(i) && value !== undefined && value !== '') extra[name] = value
  })
  const row: ParsedAnnotation = {
    start: numbers.start ?? Number.NaN,
    end: numbers.end ?? Number.NaN,
    label: cell(cells, cols.label).trim(),
    extra,
  }
  if (!isFullBand(numbers.lowHz, numbers.highHz, sampleRate)) {
    if (numbers.lowHz !== undefined) row.lowHz = numbers.lowHz
    if (numbers.highHz !== undefined) row.highHz = numbers.highHz
  }
  if (numbers.score !== undefined) row.score = numbers.score
  if (numbers.channel !== undefined) row.channel = numbers.channel
  if (numbers.fileOffset !== undefined) row.fileOffset = numbers.fileOffset
  const source = cell(cells, cols.path >= 0 ? cols.path : cols.file).trim()
  if (source !== '') row.sourceFile = source
  return row
}

/** One annotation per selection: the spectrogram view's box wins; other views add their columns. */
function mergeViews(group: PendingRow[], warnings: string[]): PendingRow {
  if (group.length === 1) return group[0]
  const primary = group.find((p) => /spectrogram/i.test(p.view)) ?? group[0]
  const row: ParsedAnnotation = { ...primary.row, extra: { ...primary.row.extra } }
  for (const other of group) {
    if (other === primary) continue
    if (Math.abs(other.row.start - row.start) > 1e-6 || Math.abs(other.row.end - row.end) > 1e-6) {
      warnings.push(`${other.where}: view "${other.view}" of the same selection has different times; the ${primary.view || 'first'} row is used`)
    }
    for (const [k, v] of Object.entries(other.row.extra)) if (!(k in row.extra)) row.extra[k] = v
    if (row.label === '' && other.row.label !== '') row.label = other.row.label
    if (row.score === undefined && other.row.score !== undefined) row.score = other.row.score
  }
  return { row, view: primary.view, where: primary.where }
}

/** 0 … Nyquist is how a time-only selection is written (see raven-writer.ts): read it back as one. */
function isFullBand(low: number | undefined, high: number | undefined, sampleRate: number | undefined): boolean {
  return sampleRate !== undefined && low === 0 && high !== undefined && Math.abs(high - sampleRate / 2) <= 0.5
}

function cell(cells: string[], index: number): string {
  return index < 0 ? '' : (cells[index] ?? '')
}
