// Recorder timestamps. A recorder writes wall-clock time and sometimes its UTC offset; we keep both
// exactly as written so that a time whose zone is unknown is never mistaken for UTC.

/** A start time as a recorder wrote it. */
export interface RecordedTime {
  /** Wall-clock time, "YYYY-MM-DDTHH:MM:SS" with an optional fraction (".5", ".123456"). */
  local: string
  /** Minutes east of UTC when the source states its zone (0 for UTC); absent when unknown. */
  utcOffsetMinutes?: number
}

export interface TimeParts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  /** Fraction digits after the decimal point, as written ("" when none). */
  fraction?: string
}

const MAX_OFFSET_MINUTES = 18 * 60

/** Builds a RecordedTime from calendar parts; undefined when the date or time does not exist. */
export function makeRecordedTime(parts: TimeParts, utcOffsetMinutes?: number): RecordedTime | undefined {
  const { year, month, day, hour, minute, second } = parts
  if (![year, month, day, hour, minute, second].every(Number.isInteger)) return undefined
  if (year < 1900 || year > 2200 || hour > 23 || minute > 59 || second > 59) return undefined
  const probe = new Date(Date.UTC(year, month - 1, day))
  if (probe.getUTCFullYear() !== year || probe.getUTCMonth() !== month - 1 || probe.getUTCDate() !== day) return undefined
  if (utcOffsetMinutes !== undefined && (!Number.isInteger(utcOffsetMinutes) || Math.abs(utcOffsetMinutes) > MAX_OFFSET_MINUTES)) return undefined
  const fraction = (parts.fraction ?? '').replace(/0+$/, '')
  const local = `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}${fraction ? '.' + fraction : ''}`
  return utcOffsetMinutes === undefined ? { local } : { local, utcOffsetMinutes }
}

const ZONE = String.raw`(?:\s*(Z|UTC|GMT|(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?))?`
const ISO_LIKE = new RegExp(String.raw`^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:T|\s+|_)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?` + ZONE + '$', 'i')
const COMPACT = new RegExp(String.raw`^(\d{4})(\d{2})(\d{2})[T_ ]?(\d{2})(\d{2})(\d{2})(?:[.,](\d{1,9}))?` + ZONE + '$', 'i')
const DAY_FIRST_DOTTED = new RegExp(String.raw`^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:T|\s+)(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?` + ZONE + '$', 'i')

/**
 * Parses the timestamp forms recorders write: ISO 8601 with `T` or a space, with or without a
 * fraction and zone (`Z`, `+01:00`, `+0100`, `+1:00`, `UTC+1`), `YYYY/MM/DD`, compact
 * `YYYYMMDDTHHMMSS`, and day-first `DD.MM.YYYY HH:MM:SS`. Undefined when nothing fits.
 */
export function parseTimestamp(text: string): RecordedTime | undefined {
  const s = text.trim()
  let m = ISO_LIKE.exec(s) ?? COMPACT.exec(s)
  let dayFirst = false
  if (!m) {
    m = DAY_FIRST_DOTTED.exec(s)
    dayFirst = m !== null
  }
  if (!m) return undefined
  const [, a, b, c, hh, mm, ss, frac, zone, sign, zh, zm] = m
  const offset = parseZone(zone, sign, zh, zm)
  if (offset === null) return undefined
  return makeRecordedTime(
    {
      year: Number(dayFirst ? c : a),
      month: Number(b),
      day: Number(dayFirst ? a : c),
      hour: Number(hh),
      minute: Number(mm),
      second: ss === undefined ? 0 : Number(ss),
      fraction: frac ?? '',
    },
    offset,
  )
}

/** Offset in minutes from a matched zone; undefined when no zone, null when out of range. */
function parseZone(zone: string | undefined, sign: string | undefined, hours: string | undefined, minutes: string | undefined): number | undefined | null {
  if (zone === undefined) return undefined
  if (sign === undefined) return 0 // Z, UTC, GMT
  const h = Number(hours)
  const min = minutes === undefined ? 0 : Number(minutes)
  if (min > 59) return null
  const total = (sign === '-' ? -1 : 1) * (h * 60 + min)
  return Math.abs(total) > MAX_OFFSET_MINUTES ? null : total
}

/** "+01:00", "-05:30"; zero is "Z". */
export function formatUtcOffset(minutes: number): string {
  if (minutes === 0) return 'Z'
  const sign = minutes < 0 ? '-' : '+'
  const abs = Math.abs(minutes)
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
}

/** ISO 8601: with its offset when the zone is known, otherwise the bare local time. */
export function formatRecordedTime(t: RecordedTime): string {
  return t.utcOffsetMinutes === undefined ? t.local : t.local + formatUtcOffset(t.utcOffsetMinutes)
}

/** The wall-clock reading in milliseconds, as if it were UTC (to compare local times). */
export function localClockMs(t: RecordedTime): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?$/.exec(t.local)
  if (!m) return Number.NaN
  const fractionMs = m[7] ? Number('0.' + m[7]) * 1000 : 0
  return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])) + fractionMs
}

/** The absolute instant in epoch milliseconds; undefined when the zone is unknown. */
export function recordedTimeToEpochMs(t: RecordedTime): number | undefined {
  if (t.utcOffsetMinutes === undefined) return undefined
  return localClockMs(t) - t.utcOffsetMinutes * 60_000
}

/** An instant shown in a given zone (offset in minutes east of UTC). */
export function recordedTimeFromEpochMs(epochMs: number, utcOffsetMinutes: number): RecordedTime {
  return { local: formatLocalClock(epochMs + utcOffsetMinutes * 60_000), utcOffsetMinutes }
}

/** The same zone (or lack of one), `seconds` later; kept to the millisecond. */
export function addSeconds(t: RecordedTime, seconds: number): RecordedTime {
  const local = formatLocalClock(localClockMs(t) + seconds * 1000)
  return t.utcOffsetMinutes === undefined ? { local } : { local, utcOffsetMinutes: t.utcOffsetMinutes }
}

function formatLocalClock(ms: number): string {
  const iso = new Date(Math.round(ms)).toISOString() // YYYY-MM-DDTHH:MM:SS.sssZ
  const base = iso.slice(0, 19)
  const millis = iso.slice(20, 23).replace(/0+$/, '')
  return millis ? `${base}.${millis}` : base
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}
