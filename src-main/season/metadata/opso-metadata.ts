// OpenSoundscape (0.10+) rewrites a WAV's `ICMT` as `opso_metadata{…json…}` when it saves a clip.
// The JSON keeps the original AudioMoth comment and start time, but `frames`/`duration` may describe
// the original file rather than the clip, so they are reported and never used as this file's length.
import { parseAudioMothComment, type AudioMothComment, parseAudioMothArtist } from './audiomoth'
import { cString } from './text-decode'
import { parseTimestamp, type RecordedTime } from './timestamp'
import { dropUndefined } from './objects'

const PREFIX = 'opso_metadata'

export interface OpsoMetadata {
  recognized: boolean
  /** The JSON object as written. */
  fields: Record<string, unknown>
  recordingStartTime?: RecordedTime
  /** The original recorder comment kept in the JSON, parsed when it is an AudioMoth comment. */
  comment?: string
  audioMoth?: AudioMothComment
  serial?: string
  gain?: string
  batteryVolts?: number
  temperatureC?: number
  latitude?: number
  longitude?: number
  /** These describe the file OpenSoundscape read, which may be longer than this clip. */
  sourceSampleRate?: number
  sourceFrames?: number
  opensoundscapeVersion?: string
  warnings: string[]
}

export function isOpsoMetadataComment(comment: string): boolean {
  return cString(comment).startsWith(PREFIX)
}

/** Parses an `opso_metadata{…}` comment. Never throws. */
export function parseOpsoMetadata(comment: string): OpsoMetadata {
  const out: OpsoMetadata = { recognized: false, fields: {}, warnings: [] }
  const text = cString(comment)
  if (!text.startsWith(PREFIX)) {
    out.warnings.push('comment does not start with opso_metadata')
    return out
  }
  let json: unknown
  try {
    json = JSON.parse(text.slice(PREFIX.length))
  } catch (err) {
    out.warnings.push(`opso_metadata JSON does not parse: ${(err as Error).message}`)
    return out
  }
  if (!isRecord(json)) {
    out.warnings.push('opso_metadata is not a JSON object')
    return out
  }
  out.recognized = true
  out.fields = json

  const str = (key: string): string | undefined => {
    const v = json[key]
    if (v === undefined || v === null) return undefined
    if (typeof v === 'string') return v
    out.warnings.push(`opso_metadata ${key} is not a string`)
    return undefined
  }
  const num = (key: string): number | undefined => {
    const v = json[key]
    if (v === undefined || v === null) return undefined
    const n = typeof v === 'number' ? v : typeof v === 'string' ? Number(v) : Number.NaN
    if (Number.isFinite(n)) return n
    out.warnings.push(`opso_metadata ${key} is not a number`)
    return undefined
  }

  const start = str('recording_start_time')
  if (start !== undefined) {
    out.recordingStartTime = parseTimestamp(start)
    if (!out.recordingStartTime) out.warnings.push(`opso_metadata recording_start_time ${JSON.stringify(start)} is not a date and time we can read`)
  }
  out.comment = str('comment')
  if (out.comment !== undefined && /^Recorded at /.test(out.comment)) out.audioMoth = parseAudioMothComment(out.comment)
  const device = str('device_id') ?? str('artist')
  if (device !== undefined) out.serial = parseAudioMothArtist(device).serial ?? device
  out.gain = str('gain_setting')
  out.batteryVolts = num('battery_state')
  out.temperatureC = num('temperature_C')
  out.latitude = num('latitude')
  out.longitude = num('longitude')
  out.sourceSampleRate = num('samplerate')
  out.sourceFrames = num('frames')
  out.opensoundscapeVersion = str('opensoundscape_version')
  return dropUndefined(out)
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}
