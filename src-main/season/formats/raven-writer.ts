// Raven Pro selection tables, per recording or combined per deployment. A combined table lays the
// recordings end to end: `Begin Time (s)` counts from the start of the first file, while
// `Begin Path` and `File Offset (s)` say where each selection really is.
import { AppError } from '../../errors'
import { formatDecimal } from './number-cell'
import type { ParsedAnnotation } from './types'

export interface RavenWriteOptions {
  /** Header of the label column (default "Annotation"). */
  labelColumn?: string
  /** Header of the score column, written when any row has a score (default "Score"). */
  scoreColumn?: string
  /** Extra columns to write, in order (default: every `extra` key, in first-seen order). */
  extraColumns?: string[]
  /** Segments (no frequencies) are written as 0 … Nyquist when given, else with empty cells. */
  sampleRate?: number
}

export interface RecordingAnnotations {
  /** Path of the recording, written to `Begin Path`. */
  path: string
  durationSeconds: number
  annotations: ParsedAnnotation[]
}

const BASE_COLUMNS = ['Selection', 'View', 'Channel'] as const
const TIME_COLUMNS = ['Begin Time (s)', 'End Time (s)', 'Low Freq (Hz)', 'High Freq (Hz)'] as const
const COMBINED_COLUMNS = ['Begin Path', 'File Offset (s)', 'Begin File'] as const

/** A selection table for one recording. */
export function writeRavenTable(rows: ParsedAnnotation[], options: RavenWriteOptions = {}): string {
  return writeTable(rows.map((row) => ({ row, offset: 0 })), false, options)
}

/** One table for consecutive recordings (a deployment), in the order given. */
export function writeCombinedRavenTable(recordings: RecordingAnnotations[], options: RavenWriteOptions = {}): string {
  const placed: Placed[] = []
  let offset = 0
  for (const rec of recordings) {
    if (!(rec.durationSeconds >= 0) || !Number.isFinite(rec.durationSeconds)) {
      throw new AppError('EXPORT_FAILED', `cannot place ${rec.path} in a combined Raven table: its duration ${rec.durationSeconds} is not a length`)
    }
    for (const row of rec.annotations) placed.push({ row, offset, path: rec.path })
    offset += rec.durationSeconds
  }
  return writeTable(placed, true, options)
}

interface Placed {
  row: ParsedAnnotation
  offset: number
  path?: string
}

function writeTable(placed: Placed[], combined: boolean, options: RavenWriteOptions): string {
  const labelColumn = options.labelColumn ?? 'Annotation'
  const scoreColumn = options.scoreColumn ?? 'Score'
  const withScore = placed.some((p) => p.row.score !== undefined)
  const reserved = new Set<string>([...BASE_COLUMNS, ...TIME_COLUMNS, labelColumn, ...(withScore ? [scoreColumn] : []), ...(combined ? COMBINED_COLUMNS : [])])
  const extras = (options.extraColumns ?? [...new Set(placed.flatMap((p) => Object.keys(p.row.extra)))]).filter((c) => !reserved.has(c))
  const header = [...BASE_COLUMNS, ...(combined ? COMBINED_COLUMNS : []), ...TIME_COLUMNS, labelColumn, ...(withScore ? [scoreColumn] : []), ...extras]
  const lines = [header.map(clean).join('\t')]
  placed.forEach(({ row, offset, path }, i) => {
    const [low, high] = frequencies(row, options.sampleRate)
    const cells = [String(i + 1), 'Spectrogram 1', String(row.channel ?? 1)]
    if (combined) cells.push(path ?? '', formatDecimal(row.start), baseName(path ?? ''))
    // Sums carry float noise (60.000021 + 0.1 = 60.100021000000005): combined times are rounded
    // to 1 ns; File Offset (s) keeps the exact value.
    const time = (t: number): string => (combined ? formatDecimal(offset + t, 9) : formatDecimal(t))
    cells.push(time(row.start), time(row.end), low, high, row.label)
    if (withScore) cells.push(row.score === undefined ? '' : String(row.score))
    for (const c of extras) cells.push(row.extra[c] ?? '')
    lines.push(cells.map(clean).join('\t'))
  })
  return lines.join('\n') + '\n'
}

function frequencies(row: ParsedAnnotation, sampleRate: number | undefined): [string, string] {
  if (row.lowHz !== undefined || row.highHz !== undefined) {
    return [formatDecimal(row.lowHz ?? 0), row.highHz === undefined ? (sampleRate ? formatDecimal(sampleRate / 2) : '') : formatDecimal(row.highHz)]
  }
  return sampleRate ? ['0', formatDecimal(sampleRate / 2)] : ['', '']
}

/** Tabs and line breaks would split the cell: they become spaces. */
function clean(value: string): string {
  return value.replace(/[\t\r\n]+/g, ' ')
}

function baseName(path: string): string {
  return path.split(/[\\/]/).pop() ?? path
}
