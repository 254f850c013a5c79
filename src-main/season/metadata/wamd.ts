// Wildlife Acoustics `wamd` chunk (Song Meter, Echo Meter, Kaleidoscope): a sequence of
// [u16 tag][u32 length][value] records, little-endian. Tag numbers follow Wildlife Acoustics'
// published list (as used by guano-py's wamd2guano). Text values are UTF-8; version and time
// expansion are u16; binary blocks (DevParams, voice notes) are reported by length only.
import { cString, decodeMetadataText } from './text-decode'
import { parseTimestamp, type RecordedTime } from './timestamp'
import { dropUndefined } from './objects'

export interface WamdPosition {
  latitude: number
  longitude: number
  altitudeM?: number
  datum?: string
}

export interface WamdUnknownTag {
  tag: number
  length: number
  /** Text when the bytes are printable, otherwise hex (first 64 bytes). */
  value: string
}

export interface WamdMetadata {
  version?: number
  model?: string
  serial?: string
  firmware?: string
  prefix?: string
  timestamp?: RecordedTime
  timestampText?: string
  position?: WamdPosition
  positionText?: string
  gpsTrack?: string
  software?: string
  license?: string
  notes?: string
  autoId?: string
  manualId?: string
  autoIdStats?: string
  voiceNoteBytes?: number
  timeExpansion?: number
  devParamsBytes?: number
  runState?: string
  micType?: string
  micSensitivity?: number
  micSensitivityText?: string
  internalTemperatureC?: number
  externalTemperatureC?: number
  humidityPercent?: number
  light?: string
  unknown: WamdUnknownTag[]
  warnings: string[]
}

type TextField = 'model' | 'serial' | 'firmware' | 'prefix' | 'gpsTrack' | 'software' | 'license' | 'notes' | 'autoId' | 'manualId' | 'autoIdStats' | 'runState' | 'light'

const TEXT_TAGS: Record<number, TextField> = {
  0x01: 'model',
  0x02: 'serial',
  0x03: 'firmware',
  0x04: 'prefix',
  0x07: 'gpsTrack',
  0x08: 'software',
  0x09: 'license',
  0x0a: 'notes',
  0x0b: 'autoId',
  0x0c: 'manualId',
  0x0e: 'autoIdStats',
  0x11: 'runState',
  0x18: 'light',
}

/** Parses a `wamd` chunk payload. Never throws; a truncated record ends the walk with a warning. */
export function parseWamd(payload: Uint8Array): WamdMetadata {
  const out: WamdMetadata = { unknown: [], warnings: [] }
  const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
  let offset = 0
  let truncated = false
  while (offset + 6 <= buf.length) {
    const tag = buf.readUInt16LE(offset)
    const length = buf.readUInt32LE(offset + 2)
    const start = offset + 6
    if (start + length > buf.length) {
      out.warnings.push(`wamd tag 0x${tag.toString(16)} at byte ${offset} claims ${length} bytes but only ${buf.length - start} remain`)
      truncated = true
      break
    }
    readTag(tag, buf.subarray(start, start + length), out)
    offset = start + length
  }
  if (!truncated && offset < buf.length && buf.subarray(offset).some((b) => b !== 0 && b !== 0xff)) {
    out.warnings.push(`wamd has ${buf.length - offset} trailing bytes that are not a record`)
  }
  return dropUndefined(out)
}

function readTag(tag: number, value: Buffer, out: WamdMetadata): void {
  const text = (): string => cString(decodeMetadataText(value).text)
  const textField = TEXT_TAGS[tag]
  if (textField) {
    out[textField] = text()
    return
  }
  switch (tag) {
    case 0x00:
      out.version = readU16(value, 'version', out)
      return
    case 0x0f: {
      const te = readU16(value, 'time expansion', out)
      if (te !== undefined && te >= 1) out.timeExpansion = te
      else if (te !== undefined) out.warnings.push(`wamd time expansion ${te} is not a factor ≥ 1`)
      return
    }
    case 0x05: {
      out.timestampText = text()
      out.timestamp = parseTimestamp(out.timestampText)
      if (!out.timestamp) out.warnings.push(`wamd timestamp ${JSON.stringify(out.timestampText)} is not a date and time we can read`)
      return
    }
    case 0x06:
    case 0x14: {
      out.positionText = text()
      out.position = parsePosition(out.positionText, out)
      return
    }
    case 0x0d:
      out.voiceNoteBytes = value.length
      return
    case 0x10:
      out.devParamsBytes = value.length
      return
    case 0x12:
      out.micType = text()
      return
    case 0x13: {
      out.micSensitivityText = text()
      const n = Number(out.micSensitivityText)
      if (Number.isFinite(n)) out.micSensitivity = n
      return
    }
    case 0x15:
      out.internalTemperatureC = readNumberText(text(), 'internal temperature', out)
      return
    case 0x16:
      out.externalTemperatureC = readNumberText(text(), 'external temperature', out)
      return
    case 0x17:
      out.humidityPercent = readNumberText(text(), 'humidity', out)
      return
    case 0xffff:
      return // padding record
    default:
      out.unknown.push({ tag, length: value.length, value: printable(value) })
  }
}

function readU16(value: Buffer, name: string, out: WamdMetadata): number | undefined {
  if (value.length === 2) return value.readUInt16LE(0)
  if (value.length === 4) return value.readUInt32LE(0)
  out.warnings.push(`wamd ${name} has ${value.length} bytes, expected 2`)
  return undefined
}

function readNumberText(text: string, name: string, out: WamdMetadata): number | undefined {
  const n = Number.parseFloat(text)
  if (Number.isFinite(n)) return n
  out.warnings.push(`wamd ${name} ${JSON.stringify(text)} is not a number`)
  return undefined
}

/**
 * Song Meters write "WGS84,42.1234,N,71.5678,W[,alt]"; Echo Meter Touch writes signed degrees
 * "WGS84,42.1234,-71.5678[,alt]".
 */
function parsePosition(text: string, out: WamdMetadata): WamdPosition | undefined {
  const parts = text.split(',').map((s) => s.trim())
  const datum = /^[A-Za-z]/.test(parts[0] ?? '') ? parts.shift() : undefined
  let lat: number
  let lon: number
  let alt: string | undefined
  if (parts[1] === 'N' || parts[1] === 'S') {
    lat = Number(parts[0]) * (parts[1] === 'S' ? -1 : 1)
    lon = Number(parts[2]) * (parts[3] === 'W' ? -1 : 1)
    alt = parts[4]
  } else {
    lat = Number(parts[0])
    lon = Number(parts[1])
    alt = parts[2]
  }
  if (!Number.isFinite(lat) || !Number.isFinite(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) {
    out.warnings.push(`wamd position ${JSON.stringify(text)} is not a valid latitude/longitude`)
    return undefined
  }
  const altitude = alt === undefined || alt === '' ? Number.NaN : Number(alt)
  return dropUndefined({ latitude: lat, longitude: lon, altitudeM: Number.isFinite(altitude) ? altitude : undefined, datum })
}

function printable(value: Buffer): string {
  const text = value.toString('utf8')
  if (!/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text.replace(/\0+$/, ''))) return cString(text)
  return value.subarray(0, 64).toString('hex')
}
