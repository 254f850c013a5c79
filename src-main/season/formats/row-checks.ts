// Checks every parser applies to a finished row, so all formats report the same problems the same way.
import type { AnnotationParseOptions, ParsedAnnotation } from './types'

/** True when the row is usable; problems are appended to `warnings` ("file line N: …"). */
export function checkRow(row: ParsedAnnotation, where: string, options: AnnotationParseOptions, warnings: string[]): boolean {
  if (!Number.isFinite(row.start) || !Number.isFinite(row.end)) {
    warnings.push(`${where}: start or end time is missing; row skipped`)
    return false
  }
  if (row.start < 0) {
    warnings.push(`${where}: start ${row.start} s is negative; row skipped`)
    return false
  }
  if (row.end < row.start) {
    warnings.push(`${where}: end ${row.end} s is before start ${row.start} s; row skipped`)
    return false
  }
  if (row.lowHz !== undefined && row.highHz !== undefined && row.highHz < row.lowHz) {
    warnings.push(`${where}: high frequency ${row.highHz} Hz is below low frequency ${row.lowHz} Hz; frequencies dropped`)
    delete row.lowHz
    delete row.highHz
  }
  if (options.sampleRate !== undefined && row.highHz !== undefined && row.highHz > options.sampleRate / 2) {
    warnings.push(`${where}: high frequency ${row.highHz} Hz is above the Nyquist frequency ${options.sampleRate / 2} Hz of the recording`)
  }
  if (options.durationSeconds !== undefined && row.fileOffset === undefined && row.end > options.durationSeconds + 1e-6) {
    warnings.push(`${where}: ends at ${row.end} s, past the end of the recording (${options.durationSeconds} s)`)
  }
  return true
}

/** Orders "file line N: …" warnings by line (stable; warnings without a line come first). */
export function sortByLine(warnings: string[]): string[] {
  const line = (w: string): number => Number(/ line (\d+):/.exec(w)?.[1] ?? 0)
  return warnings.map((w, i) => ({ w, i, n: line(w) })).sort((a, b) => a.n - b.n || a.i - b.i).map((x) => x.w)
}
