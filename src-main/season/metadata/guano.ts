// GUANO metadata (the `guan` chunk; spec: github.com/riggsd/guano-spec). Readers must be tolerant:
// real files omit the space after the colon, nest vendor namespaces (`BATLOGGER|Trigger|Frequency`),
// write `Length` in milliseconds, pad with NULs and use non-ISO timestamps. Junk gives warnings.
import { decodeMetadataText } from './text-decode'
import { parseTimestamp, type RecordedTime } from './timestamp'
import { dropUndefined } from './objects'

export interface GuanoMetadata {
  /** Every field as written (trimmed), keyed by its full name including namespaces. */
  fields: Record<string, string>
  /** Namespaced fields by namespace (text before the first `|`), then by the rest of the key. */
  namespaces: Record<string, Record<string, string>>
  /** Fields whose value is a JSON object or array (vendors store settings this way). */
  json: Record<string, unknown>
  version?: string
  make?: string
  model?: string
  serial?: string
  firmware?: string
  hardware?: string
  timestamp?: RecordedTime
  /** Recording length in seconds (real time); converted when the file wrote milliseconds. */
  lengthSeconds?: number
  /** Real-time sample rate in Hz (the header rate × TE for time-expanded files). */
  sampleRate?: number
  timeExpansion?: number
  latitude?: number
  longitude?: number
  locationAccuracyM?: number
  elevationM?: number
  temperatureInternalC?: number
  temperatureExternalC?: number
  humidityPercent?: number
  highPassHz?: number
  lowPassHz?: number
  originalFilename?: string
  note?: string
  speciesAutoId?: string[]
  speciesManualId?: string[]
  tags?: string[]
  /** Open Acoustic Devices' `OAD|Battery Voltage`. */
  batteryVolts?: number
  warnings: string[]
}

export interface GuanoOptions {
  /** Audio length from the WAV header, in seconds, to tell a seconds `Length` from milliseconds. */
  audioDurationSeconds?: number
}

/** Parses a GUANO block (the `guan` chunk payload). Never throws. */
export function parseGuano(payload: Uint8Array | string, options: GuanoOptions = {}): GuanoMetadata {
  const out: GuanoMetadata = { fields: {}, namespaces: {}, json: {}, warnings: [] }
  const decoded = decodeMetadataText(payload)
  if (isBinary(decoded.text)) {
    out.warnings.push('GUANO block is binary data, not text; ignored')
    return out
  }
  if (decoded.latin1) out.warnings.push('GUANO text is not valid UTF-8; read as Latin-1')
  readFields(decoded.text, out)
  interpretFields(out, options)
  return out
}

function readFields(text: string, out: GuanoMetadata): void {
  // NULs and other control bytes are padding or junk: treat them as whitespace.
  const lines = text.replace(/\r\n?/g, '\n').split('\n')
  let first = true
  lines.forEach((raw, i) => {
    const line = raw.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ').trim()
    if (!line) return
    const colon = line.indexOf(':')
    if (colon <= 0) {
      out.warnings.push(`GUANO line ${i + 1} has no "key: value" form: ${JSON.stringify(truncate(line))}`)
      return
    }
    const key = line.slice(0, colon).trim()
    const value = line.slice(colon + 1).trim()
    if (first && key !== 'GUANO|Version') out.warnings.push(`GUANO block does not start with GUANO|Version (first key is ${JSON.stringify(key)})`)
    first = false
    if (key in out.fields) {
      out.warnings.push(`GUANO key ${JSON.stringify(key)} appears more than once; the first value is kept`)
      return
    }
    out.fields[key] = value
    const bar = key.indexOf('|')
    if (bar > 0) {
      const ns = key.slice(0, bar)
      ;(out.namespaces[ns] ??= {})[key.slice(bar + 1)] = value
    }
    if (/^[[{]/.test(value)) {
      try {
        out.json[key] = JSON.parse(value)
      } catch {
        out.warnings.push(`GUANO ${key}: value looks like JSON but does not parse`)
      }
    }
  })
  if (first) out.warnings.push('GUANO block holds no fields')
}

function interpretFields(out: GuanoMetadata, options: GuanoOptions): void {
  const f = out.fields
  const text = (key: string): string | undefined => (f[key] ? f[key] : undefined)
  const num = (key: string): number | undefined => {
    const v = f[key]
    if (v === undefined || v === '') return undefined
    const n = Number(v.replace(',', '.'))
    if (!Number.isFinite(n)) {
      out.warnings.push(`GUANO ${key}: ${JSON.stringify(v)} is not a number`)
      return undefined
    }
    return n
  }
  const list = (key: string): string[] | undefined => {
    const v = text(key)
    return v === undefined ? undefined : v.split(',').map((s) => s.trim()).filter(Boolean)
  }

  out.version = text('GUANO|Version')
  out.make = text('Make')
  out.model = text('Model')
  out.serial = text('Serial')
  out.firmware = text('Firmware Version')
  out.hardware = text('Hardware Version')
  out.originalFilename = text('Original Filename')
  const note = text('Note')
  if (note !== undefined) out.note = note.replace(/\\n/g, '\n')
  out.speciesAutoId = list('Species Auto ID')
  out.speciesManualId = list('Species Manual ID')
  out.tags = list('Tags')

  const ts = text('Timestamp')
  if (ts !== undefined) {
    out.timestamp = parseTimestamp(ts)
    if (!out.timestamp) out.warnings.push(`GUANO Timestamp ${JSON.stringify(ts)} is not a date and time we can read`)
  }

  const te = num('TE')
  if (te !== undefined) {
    if (Number.isInteger(te) && te >= 1) out.timeExpansion = te
    else out.warnings.push(`GUANO TE ${te} is not a time-expansion factor (an integer ≥ 1)`)
  }
  const rate = num('Samplerate')
  if (rate !== undefined) {
    if (rate > 0) out.sampleRate = rate
    else out.warnings.push(`GUANO Samplerate ${rate} is not positive`)
  }
  readLength(out, num('Length'), options.audioDurationSeconds)
  readPosition(out, text('Loc Position'))

  out.locationAccuracyM = num('Loc Accuracy')
  out.elevationM = num('Loc Elevation')
  out.temperatureInternalC = num('Temperature Int')
  out.temperatureExternalC = num('Temperature Ext')
  out.humidityPercent = num('Humidity')
  const hp = num('Filter HP')
  const lp = num('Filter LP')
  if (hp !== undefined) out.highPassHz = hp * 1000 // the spec gives filters in kHz
  if (lp !== undefined) out.lowPassHz = lp * 1000
  out.batteryVolts = num('OAD|Battery Voltage')

  dropUndefined(out)
}

/**
 * The spec says seconds, but some firmware writes milliseconds. With the audio length at hand we
 * pick the unit that fits; without it a value is taken as seconds.
 */
function readLength(out: GuanoMetadata, value: number | undefined, audioSeconds: number | undefined): void {
  if (value === undefined) return
  if (!(value >= 0)) {
    out.warnings.push(`GUANO Length ${value} is negative`)
    return
  }
  if (audioSeconds === undefined || !(audioSeconds > 0)) {
    out.lengthSeconds = value
    return
  }
  // Length is real time; the header length is longer by TE for time-expanded files.
  const candidates = [audioSeconds, audioSeconds / (out.timeExpansion ?? 1)]
  const fits = (v: number): boolean => candidates.some((a) => Math.abs(v - a) <= Math.max(0.5, 0.05 * a))
  if (fits(value)) {
    out.lengthSeconds = value
  } else if (fits(value / 1000)) {
    out.lengthSeconds = value / 1000
    out.warnings.push(`GUANO Length ${value} read as milliseconds (${value / 1000} s fits the audio length ${round(audioSeconds)} s)`)
  } else {
    out.lengthSeconds = value
    out.warnings.push(`GUANO Length ${value} s does not match the audio length ${round(audioSeconds)} s`)
  }
}

function readPosition(out: GuanoMetadata, value: string | undefined): void {
  if (value === undefined) return
  const parts = value.split(/[\s,;]+/).filter(Boolean)
  const lat = Number(parts[0])
  const lon = Number(parts[1])
  if (parts.length !== 2 || !Number.isFinite(lat) || !Number.isFinite(lon)) {
    out.warnings.push(`GUANO Loc Position ${JSON.stringify(value)} is not "latitude longitude"`)
    return
  }
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    out.warnings.push(`GUANO Loc Position ${JSON.stringify(value)} is out of range`)
    return
  }
  out.latitude = lat
  out.longitude = lon
}

/** More than 5% control characters (NUL padding at the end aside) means this is not text. */
function isBinary(text: string): boolean {
  const body = text.replace(/[\0\s]+$/, '')
  const controls = body.match(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\ufffd]/g)?.length ?? 0
  return controls > 0.05 * body.length
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000
}

function truncate(s: string): string {
  return s.length > 60 ? s.slice(0, 57) + '…' : s
}
