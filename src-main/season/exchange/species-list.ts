// Species lists as people keep them: CSV with `,` `;` or tab, quoted fields, a BOM, an optional
// header row. With a header, columns are found by name (code, scientific name, common name and
// their usual spellings); without one they are code, scientific name, common name in that order,
// except that a two-column list's second column is the scientific name only when it looks like one
// ("Genus species"). Rows without any name are skipped with the line in the warning.
import { parseCsv, sniffDelimiter } from '../formats/csv'
import { splitLines } from '../formats/text-lines'

export interface SpeciesEntry {
  line: number
  code: string
  scientificName?: string
  commonName?: string
}

export interface SpeciesList {
  entries: SpeciesEntry[]
  warnings: string[]
  skipped: number
}

const HEADER_NAMES: Record<'code' | 'scientific' | 'common', string[]> = {
  code: ['code', 'species code', 'speciescode', 'alpha code', 'alpha', 'banding code', 'label', 'abbreviation', 'abbr', 'short name', 'class'],
  scientific: ['scientific name', 'scientific', 'scientific_name', 'scientificname', 'latin name', 'latin', 'sci name', 'sciname', 'species', 'taxon'],
  common: ['common name', 'common', 'common_name', 'commonname', 'english name', 'english', 'vernacular name', 'vernacular', 'name'],
}

const MAX_CODE = 64
const MAX_NAME = 200
const BINOMIAL = /^[A-Z][a-z]+(?:\s+(?:[a-z]+|sp\.|spp\.)){1,2}$/

function normalise(header: string): string {
  return header.trim().toLowerCase().replace(/[_\s]+/g, ' ')
}

function findHeader(fields: string[]): { code: number; scientific: number; common: number } | null {
  const names = fields.map(normalise)
  const find = (key: keyof typeof HEADER_NAMES): number => {
    for (const candidate of HEADER_NAMES[key]) {
      const i = names.indexOf(candidate)
      if (i >= 0) return i
    }
    return -1
  }
  const cols = { code: find('code'), scientific: find('scientific'), common: find('common') }
  return cols.code >= 0 || cols.scientific >= 0 || cols.common >= 0 ? cols : null
}

export function parseSpeciesList(text: string, fileName: string): SpeciesList {
  const firstLine = splitLines(text).find((l) => l.text.trim() !== '')?.text ?? ''
  const records = parseCsv(text, sniffDelimiter(firstLine))
  const out: SpeciesList = { entries: [], warnings: [], skipped: 0 }
  if (records.length === 0) {
    out.warnings.push(`${fileName}: no species in the file`)
    return out
  }
  const header = findHeader(records[0].fields)
  const body = header ? records.slice(1) : records
  const twoColumns = !header && body.every((r) => r.fields.filter((f) => f.trim() !== '').length <= 2)
  const secondIsScientific = twoColumns && body.filter((r) => (r.fields[1] ?? '').trim() !== '').every((r) => BINOMIAL.test((r.fields[1] ?? '').trim()))

  for (const record of body) {
    const where = `${fileName} line ${record.line}`
    const cell = (i: number): string | undefined => {
      const v = i < 0 ? '' : (record.fields[i] ?? '').trim()
      return v === '' ? undefined : v
    }
    let code: string | undefined
    let scientificName: string | undefined
    let commonName: string | undefined
    if (header) {
      code = cell(header.code)
      scientificName = cell(header.scientific)
      commonName = cell(header.common)
    } else if (twoColumns) {
      code = cell(0)
      if (secondIsScientific) scientificName = cell(1)
      else commonName = cell(1)
    } else {
      code = cell(0)
      scientificName = cell(1)
      commonName = cell(2)
    }
    // A list of names without codes: the name is the code.
    code ??= scientificName ?? commonName
    if (code === undefined) {
      out.skipped += 1
      out.warnings.push(`${where}: no code or name; skipped`)
      continue
    }
    if (code.length > MAX_CODE) {
      out.skipped += 1
      out.warnings.push(`${where}: code "${code.slice(0, 40)}…" is longer than ${MAX_CODE} characters; skipped`)
      continue
    }
    const entry: SpeciesEntry = { line: record.line, code }
    if (scientificName !== undefined) entry.scientificName = scientificName.slice(0, MAX_NAME)
    if (commonName !== undefined) entry.commonName = commonName.slice(0, MAX_NAME)
    out.entries.push(entry)
  }
  return out
}
