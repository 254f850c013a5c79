// BirdNET result files other than its Raven tables (which parseRavenTable reads):
//   Audacity form   `start<TAB>end<TAB>Sci name, Common name, 0.69` (2021) or
//                   `start<TAB>end<TAB>Sci name, Common name<TAB>0.69` (2022)
//   CSV forms       `Start (s),End (s),Scientific name,Common name,Confidence` (with the real
//                   2021 bug `…,;Common name,…`), the same with `;` as delimiter (BirdNET-Lite),
//                   and the "R" style `filepath,start,end,scientific_name,common_name,confidence,…`.
// Every form gives label = common name, score = confidence, and the names in `extra`.
import { AppError } from '../../errors'
import { readAudacityLines } from './audacity'
import { parseCsv, sniffDelimiter } from './csv'
import { parseDecimalCell } from './number-cell'
import { checkRow, sortByLine } from './row-checks'
import { splitLines } from './text-lines'
import type { AnnotationParseOptions, ParsedAnnotation, ParsedAnnotationFile } from './types'

export const SCIENTIFIC_NAME = 'Scientific Name'
export const COMMON_NAME = 'Common Name'

export function parseBirdnetAudacity(text: string, options: AnnotationParseOptions): ParsedAnnotationFile {
  const warnings: string[] = []
  const rows: ParsedAnnotation[] = []
  const tally = { skipped: 0 }
  for (const line of readAudacityLines(text, options, warnings, tally)) {
    const species = splitSpeciesLabel(line.rest)
    if (!species) {
      warnings.push(`${line.where}: label ${JSON.stringify(line.rest.join('\t'))} is not "Scientific name, Common name, confidence"; row skipped`)
      tally.skipped++
      continue
    }
    const row: ParsedAnnotation = { start: line.start, end: line.end, label: species.common || species.scientific, score: species.score, extra: speciesExtra(species) }
    if (checkRow(row, line.where, options, warnings)) rows.push(row)
    else tally.skipped++
  }
  return { rows, warnings: sortByLine(warnings), skipped: tally.skipped }
}

interface Species {
  scientific: string
  common: string
  score: number
}

/** "Sci, Common, 0.69" in one field, or "Sci, Common" + "0.69" in two; optional surrounding quotes. */
export function splitSpeciesLabel(fields: string[]): Species | undefined {
  let names: string
  let scoreText: string
  if (fields.length >= 2 && fields[fields.length - 1].trim() !== '') {
    names = unquote(fields.slice(0, -1).join('\t').trim())
    scoreText = fields[fields.length - 1]
  } else {
    const label = unquote((fields[0] ?? '').trim())
    const comma = label.lastIndexOf(',')
    if (comma < 0) return undefined
    names = label.slice(0, comma)
    scoreText = label.slice(comma + 1)
  }
  const score = parseDecimalCell(scoreText)
  if (!score.ok || score.value === undefined) return undefined
  const split = names.indexOf(',')
  const scientific = (split < 0 ? names : names.slice(0, split)).trim()
  const common = split < 0 ? '' : names.slice(split + 1).trim()
  if (!scientific) return undefined
  return { scientific, common, score: score.value }
}

function unquote(label: string): string {
  return label.length >= 2 && label.startsWith('"') && label.endsWith('"') ? label.slice(1, -1).replace(/""/g, '"') : label
}

function speciesExtra(s: { scientific?: string; common?: string }): Record<string, string> {
  const extra: Record<string, string> = {}
  if (s.scientific) extra[SCIENTIFIC_NAME] = s.scientific
  if (s.common) extra[COMMON_NAME] = s.common
  return extra
}

type Role = 'start' | 'end' | 'scientific' | 'common' | 'label' | 'score' | 'file' | 'low' | 'high'

const ROLES: Record<string, Role> = {
  starts: 'start',
  start: 'start',
  begintimes: 'start',
  ends: 'end',
  end: 'end',
  endtimes: 'end',
  scientificname: 'scientific',
  commonname: 'common',
  confidence: 'score',
  score: 'score',
  filepath: 'file',
  file: 'file',
  beginpath: 'file',
  lowfreqhz: 'low',
  highfreqhz: 'high',
  // a Raven table saved as CSV, or a hand-made detections list
  annotation: 'label',
  species: 'label',
  label: 'label',
  class: 'label',
}

/** Header name → lookup key: letters and digits only ("Start (s)" → "starts", ";Common name" → "commonname"). */
function roleKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '')
}

export function parseBirdnetCsv(text: string, options: AnnotationParseOptions): ParsedAnnotationFile {
  const { fileName } = options
  const warnings: string[] = []
  const headerLine = splitLines(text).find((l) => l.text.trim() !== '')
  if (!headerLine) throw new AppError('ANNOTATION_FORMAT', `${fileName}: the file is empty; a detections CSV needs a header row`, { fileName })
  const delimiter = sniffDelimiter(headerLine.text)
  const [header, ...records] = parseCsv(text, delimiter)
  const names = header.fields.map((n) => n.trim())
  const roles = new Map<Role, number>()
  names.forEach((name, i) => {
    const role = ROLES[roleKey(name)]
    if (role && !roles.has(role)) roles.set(role, i)
    if (/^[;,]|[;,]$/.test(name)) warnings.push(`${fileName} line ${header.line}: header column ${JSON.stringify(name)} has a stray delimiter (a known BirdNET bug); read as ${JSON.stringify(cleanName(name))}`)
  })
  if (!roles.has('start') || !roles.has('end')) {
    throw new AppError('ANNOTATION_FORMAT', `${fileName} line ${header.line}: not a detections CSV: the header has no ${roles.has('start') ? 'end' : 'start'} time column (found ${names.map((n) => JSON.stringify(n)).join(', ')})`, {
      fileName,
      line: header.line,
    })
  }
  const used = new Set(roles.values())
  const rows: ParsedAnnotation[] = []
  let skipped = 0
  for (const record of records) {
    const where = `${fileName} line ${record.line}`
    const f = record.fields
    if (f.length !== names.length) warnings.push(`${where}: ${f.length} fields where the header has ${names.length}`)
    const get = (role: Role): string => {
      const i = roles.get(role)
      return i === undefined ? '' : (f[i] ?? '').trim()
    }
    const numbers: Partial<Record<Role, number>> = {}
    let bad = false
    for (const role of ['start', 'end', 'score', 'low', 'high'] as const) {
      const parsed = parseDecimalCell(get(role))
      if (parsed.ok) {
        if (parsed.value !== undefined) numbers[role] = parsed.value
      } else {
        warnings.push(`${where}: ${names[roles.get(role) ?? 0]} ${parsed.reason}${role === 'start' || role === 'end' ? '; row skipped' : '; value ignored'}`)
        if (role === 'start' || role === 'end') bad = true
      }
    }
    if (bad) {
      skipped++
      continue
    }
    const scientific = get('scientific')
    const common = get('common')
    const extra = speciesExtra({ scientific, common })
    names.forEach((name, i) => {
      const value = (f[i] ?? '').trim()
      if (!used.has(i) && value !== '' && cleanName(name) !== '') extra[cleanName(name)] = value
    })
    const row: ParsedAnnotation = { start: numbers.start ?? Number.NaN, end: numbers.end ?? Number.NaN, label: common || scientific || get('label'), extra }
    if (numbers.score !== undefined) row.score = numbers.score
    if (numbers.low !== undefined) row.lowHz = numbers.low
    if (numbers.high !== undefined) row.highHz = numbers.high
    const file = get('file')
    if (file) row.sourceFile = file
    if (row.label === '') warnings.push(`${where}: no label or species name`)
    if (checkRow(row, where, options, warnings)) rows.push(row)
    else skipped++
  }
  return { rows, warnings: sortByLine(warnings), skipped }
}

function cleanName(name: string): string {
  return name.replace(/^[\s;,]+|[\s;,]+$/g, '')
}
