// Start times encoded in recorder file names. Names carry local wall-clock time unless they say
// otherwise (a `Z`/`UTC` token, an explicit offset, or AudioMoth 1.0's hexadecimal Unix time).
import { makeRecordedTime, recordedTimeFromEpochMs, type RecordedTime } from './timestamp'
import { dropUndefined } from './objects'

export type FilenameTimePattern =
  /** `20240903_193130.WAV`, `20240903_193130T.WAV` (T = triggered recording). */
  | 'audiomoth'
  /** AudioMoth daily folders: `20240903/193130.WAV`. */
  | 'audiomoth-daily-folder'
  /** AudioMoth 1.0: `5AEC2A50.WAV`, Unix time in hex (UTC). */
  | 'audiomoth-hex'
  /** Song Meter, Vigie-Chiro, BatLogger …: `PREFIX_YYYYMMDD_HHMMSS`, `PREFIX_0_YYYYMMDD_HHMMSS_mmm`. */
  | 'prefix-date-time'
  /** `2024-09-03T19-31-30Z`, `2024-09-03_19.31.30`, `20240903T193130Z`. */
  | 'iso-like'

export interface FilenameTime {
  /** Local wall-clock time, with its offset only when the name states the zone. */
  time: RecordedTime
  zoneKnown: boolean
  pattern: FilenameTimePattern
  /** The device prefix before the date (a Song Meter prefix is often the serial). */
  prefix?: string
  /** Song Meter channel number (`PREFIX_0_…`). */
  channel?: number
  /** AudioMoth amplitude/frequency-triggered file (`…T.WAV`). */
  triggered?: boolean
}

const MIN_YEAR = 1990
const MAX_YEAR = 2100

/** Reads a start time from a file name or path (the parent folder is used for daily folders). */
export function parseFilenameTime(pathOrName: string): FilenameTime | undefined {
  const parts = pathOrName.split(/[\\/]/).filter(Boolean)
  const base = stripExtension(parts[parts.length - 1] ?? '')
  const parent = parts[parts.length - 2]
  return audioMoth(base) ?? dailyFolder(base, parent) ?? audioMothHex(base) ?? isoLike(base) ?? prefixDateTime(base)
}

function stripExtension(name: string): string {
  return name.replace(/\.(wav|w4v|wac|flac|mp3|ogg|opus|zc|aif|aiff)$/i, '')
}

function audioMoth(base: string): FilenameTime | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})_(\d{2})(\d{2})(\d{2})(T)?$/.exec(base)
  if (!m) return undefined
  const time = localTime(m.slice(1, 7))
  return time && dropUndefined({ time, zoneKnown: false, pattern: 'audiomoth' as const, triggered: m[7] ? true : undefined })
}

function dailyFolder(base: string, parent: string | undefined): FilenameTime | undefined {
  const m = /^(\d{2})(\d{2})(\d{2})(T)?$/.exec(base)
  const d = parent === undefined ? null : /^(\d{4})(\d{2})(\d{2})$/.exec(parent)
  if (!m || !d) return undefined
  const time = localTime([...d.slice(1, 4), ...m.slice(1, 4)])
  return time && dropUndefined({ time, zoneKnown: false, pattern: 'audiomoth-daily-folder' as const, triggered: m[4] ? true : undefined })
}

function audioMothHex(base: string): FilenameTime | undefined {
  // Eight hex digits; a digits-only name like 20240903 would decode to 1987, outside the range.
  if (!/^[0-9A-F]{8}$/.test(base)) return undefined
  const seconds = Number.parseInt(base, 16)
  const year = new Date(seconds * 1000).getUTCFullYear()
  if (year < 2016 || year > MAX_YEAR) return undefined
  return { time: recordedTimeFromEpochMs(seconds * 1000, 0), zoneKnown: true, pattern: 'audiomoth-hex' }
}

function isoLike(base: string): FilenameTime | undefined {
  const m =
    /(?:^|[^0-9])(\d{4})-(\d{2})-(\d{2})[T_ ](\d{2})[-.:h]?(\d{2})[-.:m]?(\d{2})s?(?:[.,](\d{1,6}))?(Z|[_ -]?UTC|[+-]\d{2}:?\d{2})?(?![0-9])/i.exec(base) ??
    /(?:^|[^0-9])(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(?:[.,](\d{1,6}))?(Z|[_ -]?UTC|[+-]\d{2}:?\d{2})?(?![0-9])/i.exec(base)
  if (!m) return undefined
  const offset = zoneOffset(m[8])
  const time = localTime(m.slice(1, 7), m[7], offset)
  if (!time) return undefined
  const prefix = base.slice(0, digitsStart(m)).replace(/[_\s-]+$/, '')
  return dropUndefined({ time, zoneKnown: offset !== undefined, pattern: 'iso-like' as const, prefix: prefix || undefined })
}

function prefixDateTime(base: string): FilenameTime | undefined {
  const m = /(?:^|[^0-9])(\d{4})(\d{2})(\d{2})[_-](\d{2})(\d{2})(\d{2})(?:[_.-](\d{3}))?(?![0-9])/.exec(base)
  if (!m) return undefined
  const before = base.slice(0, digitsStart(m))
  const after = base.slice(m.index + m[0].length)
  let offset: number | undefined
  const zoneAfter = /^(Z|[_-]?UTC|[+-]\d{2}:?\d{2})(?![0-9])/i.exec(after)
  if (zoneAfter) offset = zoneOffset(zoneAfter[1])
  else if (/(^|[_-])(UTC|GMT)($|[_-])/i.test(before + after)) offset = 0
  const time = localTime(m.slice(1, 7), m[7], offset)
  if (!time) return undefined
  let prefix = before.replace(/[_-]+$/, '')
  let channel: number | undefined
  const ch = /^(.+)[_-](\d)$/.exec(prefix)
  if (ch) {
    prefix = ch[1]
    channel = Number(ch[2])
  }
  return dropUndefined({ time, zoneKnown: offset !== undefined, pattern: 'prefix-date-time' as const, prefix: prefix || undefined, channel })
}

/** Where the date digits begin (the match may include one leading separator). */
function digitsStart(m: RegExpExecArray): number {
  return m.index + (/^[0-9]/.test(m[0]) ? 0 : 1)
}

function zoneOffset(zone: string | undefined): number | undefined {
  if (!zone) return undefined
  const z = zone.replace(/^[_ -](?=UTC)/i, '').toUpperCase()
  if (z === 'Z' || z === 'UTC') return 0
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(z)
  if (!m) return undefined
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]))
}

function localTime(fields: string[], fraction?: string, offset?: number): RecordedTime | undefined {
  const [year, month, day, hour, minute, second] = fields.map(Number)
  if (year < MIN_YEAR || year > MAX_YEAR) return undefined
  return makeRecordedTime({ year, month, day, hour, minute, second, fraction: fraction ?? '' }, offset)
}
