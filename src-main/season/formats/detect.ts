// Which parser reads a file, decided from its content (the name only breaks ties), or a refusal
// that says why — so an import can list each rejected file with a reason a person understands.
import { AppError } from '../../errors'
import { parseAudacityLabels } from './audacity'
import { parseBirdnetAudacity, parseBirdnetCsv, splitSpeciesLabel } from './birdnet'
import { parseCsv, sniffDelimiter } from './csv'
import { parseRavenTable, type RavenParseOptions } from './raven'
import { looksBinary, splitLines } from './text-lines'
import type { AnnotationFormat, ParsedAnnotationFile } from './types'

const NUMBER = String.raw`[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)`
const AUDACITY_LINE = new RegExp(String.raw`^\s*${NUMBER}\t${NUMBER}(?:\t|$)`)

export function detectAnnotationFormat(text: string, fileName: string): AnnotationFormat {
  const refuse = (reason: string): never => {
    throw new AppError('ANNOTATION_FORMAT', `${fileName}: ${reason}`, { fileName })
  }
  if (looksBinary(text)) refuse('binary data, not a text annotation file')
  const lines = splitLines(text).filter((l) => l.text.trim() !== '')
  if (lines.length === 0) refuse('the file is empty')
  const first = lines[0].text

  if (first.includes('\t') && /(^|\t)\s*begin time( \(s\))?\s*(\t|$)/i.test(first)) return 'raven'
  if (AUDACITY_LINE.test(first)) return isBirdnetAudacity(lines.map((l) => l.text)) ? 'birdnet-audacity' : 'audacity'
  if (first.trim() === '\\' || first.startsWith('\\\t')) refuse('starts with a frequency line ("\\<TAB>low<TAB>high") but no label before it')

  const header = parseCsv(first, sniffDelimiter(first))[0]?.fields.map((f) => f.trim().toLowerCase()) ?? []
  if (header.includes('pps_number') && header.includes('audiomoth_time')) {
    refuse('an AudioMoth GPS PPS log (PPS_NUMBER, AUDIOMOTH_TIME …), not annotations')
  }
  const keys = header.map((h) => h.replace(/[^a-z0-9]/g, ''))
  const hasStart = keys.some((k) => k === 'start' || k === 'starts' || k === 'begintimes')
  const hasEnd = keys.some((k) => k === 'end' || k === 'ends' || k === 'endtimes')
  if (hasStart && hasEnd) return 'birdnet-csv'
  if (first.includes('\t') && /selection/i.test(first)) refuse(`line ${lines[0].number}: looks like a Raven table but has no "Begin Time (s)" column`)
  return refuse(`line ${lines[0].number}: not a Raven selection table, Audacity label track or BirdNET result file (first line ${JSON.stringify(first.slice(0, 80))})`)
}

/** BirdNET's Audacity output: every label is "Scientific, Common, score" (or score in a 4th field). */
function isBirdnetAudacity(lines: string[]): boolean {
  const labels = lines.filter((l) => AUDACITY_LINE.test(l)).map((l) => l.split('\t').slice(2))
  return (
    labels.length > 0 &&
    labels.every((rest) => {
      const species = rest.length > 0 && rest[0].includes(',') ? splitSpeciesLabel(rest) : undefined
      return species !== undefined && species.score >= 0 && species.score <= 1
    })
  )
}

export interface AnnotationFileResult extends ParsedAnnotationFile {
  format: AnnotationFormat
}

/** Detects the format and parses; ANNOTATION_FORMAT when the file is none of ours. */
export function parseAnnotationFile(text: string, options: RavenParseOptions): AnnotationFileResult {
  const format = detectAnnotationFormat(text, options.fileName)
  const parsed = PARSERS[format](text, options)
  return { format, ...parsed }
}

const PARSERS: Record<AnnotationFormat, (text: string, options: RavenParseOptions) => ParsedAnnotationFile> = {
  raven: parseRavenTable,
  audacity: parseAudacityLabels,
  'birdnet-audacity': parseBirdnetAudacity,
  'birdnet-csv': parseBirdnetCsv,
}
