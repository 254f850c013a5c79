// The PPS log AudioMoth-GPS-Sync writes beside its recordings (one row per GPS pulse-per-second):
// it is not an annotation file, but it holds the recorder's position. Times in it are the
// GPS-disciplined AudioMoth clock, which runs on UTC.
import { parseCsv, sniffDelimiter } from '../formats/csv'
import { parseTimestamp, type RecordedTime } from './timestamp'

export interface AudioMothGpsFix {
  ppsNumber: number
  audiomothTime?: RecordedTime
  totalSamples?: number
  /** "A" (valid) or "V" (void) from the last RMC sentence. */
  status?: string
  latitude?: number
  longitude?: number
}

export interface AudioMothGpsLog {
  recognized: boolean
  fixes: AudioMothGpsFix[]
  /** Mean position of the valid fixes. */
  latitude?: number
  longitude?: number
  warnings: string[]
}

export function parseAudioMothGpsLog(text: string): AudioMothGpsLog {
  const out: AudioMothGpsLog = { recognized: false, fixes: [], warnings: [] }
  const firstLine = text.replace(/^\ufeff/, '').split(/\r?\n/, 1)[0] ?? ''
  const [header, ...records] = parseCsv(text, sniffDelimiter(firstLine))
  const names = (header?.fields ?? []).map((n) => n.trim().toUpperCase())
  const col = (name: string): number => names.indexOf(name)
  if (col('PPS_NUMBER') < 0 || col('AUDIOMOTH_TIME') < 0) {
    out.warnings.push('not an AudioMoth GPS log (no PPS_NUMBER and AUDIOMOTH_TIME columns)')
    return out
  }
  out.recognized = true
  for (const record of records) {
    const get = (name: string): string => (col(name) < 0 ? '' : (record.fields[col(name)] ?? '').trim())
    const num = (name: string): number | undefined => (get(name) === '' || !Number.isFinite(Number(get(name))) ? undefined : Number(get(name)))
    const pps = num('PPS_NUMBER')
    if (pps === undefined) {
      out.warnings.push(`GPS log line ${record.line}: no PPS number; row skipped`)
      continue
    }
    const fix: AudioMothGpsFix = { ppsNumber: pps }
    const local = parseTimestamp(get('AUDIOMOTH_TIME'))
    if (local) fix.audiomothTime = { local: local.local, utcOffsetMinutes: local.utcOffsetMinutes ?? 0 }
    const samples = num('TOTAL_SAMPLES')
    if (samples !== undefined) fix.totalSamples = samples
    if (get('STATUS')) fix.status = get('STATUS')
    const lat = degrees(num('LAT_DEG'), num('LAT_MIN'), get('LAT_DIR'), 'N', 'S')
    const lon = degrees(num('LONG_DEG'), num('LONG_MIN'), get('LONG_DIR'), 'E', 'W')
    if (lat !== undefined && lon !== undefined && Math.abs(lat) <= 90 && Math.abs(lon) <= 180) {
      fix.latitude = lat
      fix.longitude = lon
    }
    out.fixes.push(fix)
  }
  const valid = out.fixes.filter((f) => f.latitude !== undefined && f.status !== 'V')
  if (valid.length > 0) {
    out.latitude = valid.reduce((s, f) => s + (f.latitude ?? 0), 0) / valid.length
    out.longitude = valid.reduce((s, f) => s + (f.longitude ?? 0), 0) / valid.length
  }
  return out
}

/** Degrees + decimal minutes + hemisphere (NMEA style) → signed decimal degrees. */
function degrees(deg: number | undefined, min: number | undefined, dir: string, positive: string, negative: string): number | undefined {
  if (deg === undefined || min === undefined || (dir !== positive && dir !== negative)) return undefined
  const value = Math.abs(deg) + min / 60
  return dir === negative ? -value : value
}
