// True time on the axis: a recording's own wall clock (the recorder's local time, as written in
// its metadata, not the viewer's zone) plus the offset, with time-expanded files slowed back to
// real time. Without a start time the axis falls back to seconds from the start.

export interface RecordingClock {
  /** The start's wall-clock reading as epoch ms read in UTC; null when the start is unknown. */
  startWallMs: number | null
  /** "UTC+02:00", "UTC", or null when the zone is unknown. */
  zone: string | null
  /** File seconds per real second (10 for a ×10 time-expansion recorder). */
  timeExpansion: number
}

const ISO = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/

export function recordingClock(startTime: string | null, timeExpansion = 1): RecordingClock {
  const te = Number.isFinite(timeExpansion) && timeExpansion > 0 ? timeExpansion : 1
  const m = startTime ? ISO.exec(startTime.trim()) : null
  if (!m) return { startWallMs: null, zone: null, timeExpansion: te }
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, '0')) : 0
  const wall = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6] ?? 0), ms)
  const zone = !m[8] ? null : m[8] === 'Z' ? 'UTC' : `UTC${m[8].slice(0, 3)}:${m[8].slice(-2)}`
  return { startWallMs: wall, zone, timeExpansion: te }
}

/** File (media) seconds → real seconds since the start. */
export function fileToTrue(clock: RecordingClock, fileSeconds: number): number {
  return fileSeconds / clock.timeExpansion
}

export function trueToFile(clock: RecordingClock, trueSeconds: number): number {
  return trueSeconds * clock.timeExpansion
}

const pad = (n: number, width = 2) => String(Math.floor(n)).padStart(width, '0')

/** Decimals needed to tell ticks `step` seconds apart (0 for whole seconds). */
export function decimalsFor(step: number): number {
  if (step >= 1) return 0
  return Math.min(3, Math.ceil(-Math.log10(step) - 1e-9))
}

function fraction(seconds: number, decimals: number): string {
  if (decimals === 0) return ''
  const f = Math.round((seconds - Math.floor(seconds)) * 10 ** decimals)
  return '.' + String(Math.min(f, 10 ** decimals - 1)).padStart(decimals, '0')
}

/** "1:02.5" / "1:02:03" — an offset from the start. */
export function formatOffset(seconds: number, decimals = 0): string {
  const s = Math.max(0, seconds)
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const sec = s % 60
  const tail = `${pad(sec)}${fraction(sec, decimals)}`
  return h > 0 ? `${h}:${pad(m)}:${tail}` : `${m}:${tail}`
}

/** "05:31:07.25" on the recorder's clock, or the offset when the start is unknown. */
export function formatClockTime(clock: RecordingClock, trueSeconds: number, decimals = 0): string {
  if (clock.startWallMs === null) return formatOffset(trueSeconds, decimals)
  const at = new Date(clock.startWallMs + trueSeconds * 1000)
  const sec = at.getUTCSeconds() + at.getUTCMilliseconds() / 1000
  return `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}:${pad(sec)}${fraction(sec, decimals)}`
}

/** "2024-05-01" of the wall clock at that moment (null without a start). */
export function formatClockDate(clock: RecordingClock, trueSeconds: number): string | null {
  if (clock.startWallMs === null) return null
  const at = new Date(clock.startWallMs + trueSeconds * 1000)
  return `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}`
}
