// Wall-clock times of detections. Recordings store their start as the recorder's clock reading
// (`start_local_ms`: the wall time read as if it were UTC) and, when the zone is known, the true
// instant (`start_utc_ms`). Filters and statistics work on the wall clock, so "05:00" means dawn at
// the site whether or not the recorder stated its zone.
import { AppError } from '../errors'

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

const WALL = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?)?(?:Z|[+-]\d{2}:?\d{2})?$/

/**
 * A filter bound as wall-clock milliseconds. Any zone suffix is ignored: bounds are compared with
 * the recorders' clocks. A date-only upper bound means the end of that day.
 */
export function parseWallBound(text: string, side: 'from' | 'to'): number {
  const m = WALL.exec(text.trim())
  const ms = m
    ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0), Number((m[7] ?? '0').padEnd(3, '0')))
    : Number.NaN
  if (!m || !Number.isFinite(ms) || new Date(ms).getUTCDate() !== Number(m[3])) {
    throw new AppError('INVALID_REQUEST', `"${text}" is not a date (YYYY-MM-DD) or date-time (YYYY-MM-DDTHH:MM:SS)`)
  }
  const dateOnly = m[4] === undefined
  return side === 'to' && dateOnly ? ms + DAY_MS : ms
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0')
}

function formatOffset(minutes: number): string {
  if (minutes === 0) return 'Z'
  const sign = minutes < 0 ? '-' : '+'
  const abs = Math.abs(minutes)
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
}

/**
 * ISO 8601 for a wall-clock reading: with the UTC offset when it is known, else without (local
 * time of unknown zone). Milliseconds only when there are some.
 */
export function formatWallTime(wallMs: number, offsetMinutes: number | null): string {
  const d = new Date(Math.round(wallMs))
  const ms = d.getUTCMilliseconds()
  const base = `${pad(d.getUTCFullYear(), 4)}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`
  return `${base}${ms ? '.' + pad(ms, 3) : ''}${offsetMinutes === null ? '' : formatOffset(offsetMinutes)}`
}

/** The recording's UTC offset in minutes from its two start columns; null when the zone is unknown. */
export function offsetMinutes(startLocalMs: number | null, startUtcMs: number | null): number | null {
  if (startLocalMs === null || startUtcMs === null) return null
  return Math.round((startLocalMs - startUtcMs) / 60_000)
}

/** YYYY-MM-DD of a wall-clock reading. */
export function wallDate(wallMs: number): string {
  return formatWallTime(Math.floor(wallMs / DAY_MS) * DAY_MS, null).slice(0, 10)
}

export { DAY_MS, HOUR_MS }
