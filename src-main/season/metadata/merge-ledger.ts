// Bookkeeping for the metadata merge: which source each chosen value came from, and every
// disagreement between sources, kept with all the values so a person can decide.
import { localClockMs, recordedTimeToEpochMs, type RecordedTime } from './timestamp'

export type MetadataSource =
  | 'guano'
  | 'audiomoth-comment'
  | 'audiomoth-artist'
  | 'id3-comment'
  | 'opso-metadata'
  | 'opso-comment'
  | 'wamd'
  | 'riff-info'
  | 'original-file-name'
  | 'file-name'
  | 'header'

export type MetadataValue = string | number | boolean

export interface MetadataConflict {
  field: string
  values: { source: MetadataSource; value: MetadataValue }[]
}

export interface Candidate<T> {
  source: MetadataSource
  value: T | undefined
}

export class MetadataLedger {
  readonly sources: Record<string, MetadataSource> = {}
  readonly conflicts: MetadataConflict[] = []

  /** The first present candidate wins; if any other disagrees, all values are kept as a conflict. */
  choose<T>(field: string, candidates: Candidate<T>[], equals: (a: T, b: T) => boolean, display: (v: T) => MetadataValue = defaultDisplay): T | undefined {
    const present = candidates.filter((c): c is { source: MetadataSource; value: T } => c.value !== undefined && c.value !== '')
    if (present.length === 0) return undefined
    const chosen = present[0]
    this.sources[field] = chosen.source
    if (present.some((c) => !equals(chosen.value, c.value))) {
      this.flag(field, present.map((c) => ({ source: c.source, value: display(c.value) })))
    }
    return chosen.value
  }

  /** For fields where sources legitimately differ (the software that last touched a file). */
  pick<T>(field: string, candidates: Candidate<T>[]): T | undefined {
    const first = candidates.find((c) => c.value !== undefined && c.value !== '')
    if (!first) return undefined
    this.sources[field] = first.source
    return first.value
  }

  flag(field: string, values: MetadataConflict['values']): void {
    const existing = this.conflicts.find((c) => c.field === field)
    if (!existing) {
      this.conflicts.push({ field, values })
      return
    }
    for (const v of values) {
      if (!existing.values.some((e) => e.source === v.source && e.value === v.value)) existing.values.push(v)
    }
  }
}

export function firstDefined<T>(candidates: Candidate<T>[]): T | undefined {
  return candidates.find((c) => c.value !== undefined)?.value
}

function defaultDisplay(value: unknown): MetadataValue {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? value : JSON.stringify(value)
}

const TIME_TOLERANCE_MS = 1000

/**
 * Within 1 s (file names drop milliseconds). A zone-less time also agrees with a zoned one when it
 * matches its wall clock or its UTC reading (a recorder set to UTC names its files in UTC).
 */
export function timesAgree(a: RecordedTime, b: RecordedTime): boolean {
  const ea = recordedTimeToEpochMs(a)
  const eb = recordedTimeToEpochMs(b)
  const close = (x: number, y: number): boolean => Math.abs(x - y) <= TIME_TOLERANCE_MS
  if (ea !== undefined && eb !== undefined) return close(ea, eb)
  const la = localClockMs(a)
  const lb = localClockMs(b)
  if (close(la, lb)) return true
  if (ea !== undefined) return close(ea, lb)
  if (eb !== undefined) return close(la, eb)
  return false
}

function normaliseText(v: string): string {
  return v.trim().toLowerCase().replace(/^audiomoth\s+/, '').replace(/\s+/g, ' ')
}

/** Case and spacing do not matter; "AudioMoth 24E1…" equals "24E1…". */
export function textEquals(a: string, b: string): boolean {
  return normaliseText(a) === normaliseText(b)
}

/** As textEquals, and "Wildlife Acoustics, Inc." equals "Wildlife Acoustics". */
export function makeEquals(a: string, b: string): boolean {
  const n = (v: string): string => normaliseText(v).replace(/[,.]|\binc\b|\bltd\b|\bgmbh\b/g, '').trim()
  return n(a) === n(b)
}

export function jsonEquals<T>(a: T, b: T): boolean {
  return JSON.stringify(a) === JSON.stringify(b)
}

export function near(tolerance: number): (a: number, b: number) => boolean {
  return (a, b) => Math.abs(a - b) <= tolerance + 1e-9
}
