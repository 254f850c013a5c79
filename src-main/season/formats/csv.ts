// RFC 4180 CSV: quoted fields may hold delimiters, doubled quotes and newlines. Written by hand
// (rather than a CSV package) so records keep their line numbers for error messages and the
// delimiter can be sniffed around BirdNET's stray ';' header.

export interface CsvRecord {
  /** Line on which the record starts (1-based). */
  line: number
  fields: string[]
}

export type CsvDelimiter = ',' | ';' | '\t'

/** Splits CSV text into records; a BOM is dropped, blank lines are skipped. */
export function parseCsv(text: string, delimiter: CsvDelimiter): CsvRecord[] {
  const s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const records: CsvRecord[] = []
  let fields: string[] = []
  let field = ''
  let quoted = false
  let line = 1
  let recordLine = 1
  let sawContent = false
  const endRecord = (): void => {
    fields.push(field)
    if (sawContent || fields.length > 1) records.push({ line: recordLine, fields })
    fields = []
    field = ''
    sawContent = false
  }
  for (let i = 0; i < s.length; i++) {
    const c = s[i]
    if (quoted) {
      if (c === '"') {
        if (s[i + 1] === '"') {
          field += '"'
          i++
        } else {
          quoted = false
        }
      } else {
        if (c === '\n' || (c === '\r' && s[i + 1] !== '\n')) line++
        field += c
      }
      continue
    }
    if (c === '"' && field.trim() === '') {
      quoted = true
      field = ''
      sawContent = true
    } else if (c === delimiter) {
      fields.push(field)
      field = ''
      sawContent = true
    } else if (c === '\r' || c === '\n') {
      if (c === '\r' && s[i + 1] === '\n') i++
      endRecord()
      line++
      recordLine = line
    } else {
      field += c
      if (c.trim() !== '') sawContent = true
    }
  }
  if (field !== '' || fields.length > 0 || sawContent) endRecord()
  return records
}

/** The delimiter of a header line: the most frequent of tab, comma and semicolon outside quotes. */
export function sniffDelimiter(headerLine: string): CsvDelimiter {
  const unquoted = headerLine.replace(/"[^"]*"/g, '')
  const count = (d: string): number => unquoted.split(d).length - 1
  const ranked: CsvDelimiter[] = ['\t', ',', ';']
  return ranked.reduce((best, d) => (count(d) > count(best) ? d : best), ranked[0])
}

/** One field, quoted when it holds the delimiter, a quote, or a line break. */
export function csvField(value: string, delimiter: CsvDelimiter = ','): string {
  return value.includes(delimiter) || /["\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

/** A record with RFC 4180's CRLF line ending. */
export function csvLine(values: string[], delimiter: CsvDelimiter = ','): string {
  return values.map((v) => csvField(v, delimiter)).join(delimiter) + '\r\n'
}
