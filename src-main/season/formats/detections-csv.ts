// The detections export: one CSV row per detection with wall-clock times (ISO 8601 with the
// recording's UTC offset), place, label, score, review state and the model that produced it.
// The DB layer maps its rows to DetectionCsvRow; this file only formats.
import { AppError } from '../../errors'
import { addSeconds, formatRecordedTime, parseTimestamp } from '../metadata/timestamp'
import { csvLine } from './csv'
import { formatDecimal } from './number-cell'

export interface DetectionCsvRow {
  /** Recording path or name. */
  recording: string
  /** Start of the recording, ISO 8601 — with an offset when known, local otherwise. */
  recordingStart?: string
  /** Seconds from the start of the recording. */
  start: number
  end: number
  lowHz?: number
  highHz?: number
  site?: string
  deployment?: string
  latitude?: number
  longitude?: number
  label: string
  score?: number
  reviewState?: string
  modelId?: string
  modelVersion?: string
  threshold?: number
}

export const DETECTION_CSV_COLUMNS = [
  'recording',
  'site',
  'deployment',
  'latitude',
  'longitude',
  'start_s',
  'end_s',
  'start_time',
  'end_time',
  'low_hz',
  'high_hz',
  'label',
  'score',
  'review_state',
  'model_id',
  'model_version',
  'threshold',
] as const

/**
 * RFC 4180 CSV (CRLF, quoted where needed). Wall-clock columns carry the recording's offset; when
 * the zone is unknown they are local times without one, and empty when the start is unknown.
 */
export function writeDetectionsCsv(rows: DetectionCsvRow[]): string {
  let out = csvLine([...DETECTION_CSV_COLUMNS])
  for (const row of rows) {
    const [startTime, endTime] = wallClock(row)
    out += csvLine([
      row.recording,
      row.site ?? '',
      row.deployment ?? '',
      num(row.latitude),
      num(row.longitude),
      formatDecimal(row.start),
      formatDecimal(row.end),
      startTime,
      endTime,
      row.lowHz === undefined ? '' : formatDecimal(row.lowHz),
      row.highHz === undefined ? '' : formatDecimal(row.highHz),
      row.label,
      num(row.score),
      row.reviewState ?? '',
      row.modelId ?? '',
      row.modelVersion ?? '',
      num(row.threshold),
    ])
  }
  return out
}

function wallClock(row: DetectionCsvRow): [string, string] {
  if (row.recordingStart === undefined) return ['', '']
  const start = parseTimestamp(row.recordingStart)
  if (!start) throw new AppError('EXPORT_FAILED', `recording ${row.recording}: start time ${JSON.stringify(row.recordingStart)} is not an ISO 8601 date and time`)
  return [formatRecordedTime(addSeconds(start, row.start)), formatRecordedTime(addSeconds(start, row.end))]
}

function num(value: number | undefined): string {
  return value === undefined ? '' : String(value)
}
