// One metadata record per recording from every source a file carries. Contradictions are kept and
// flagged in `conflicts` (with every source's value), never silently resolved. The chosen value
// follows this precedence:
//
//   start time      sources that state their zone before those that do not; within each group
//                   GUANO > ICMT (AudioMoth) > id3 COMM > opso_metadata recording_start_time >
//                   the AudioMoth comment kept inside opso_metadata > wamd > GUANO Original
//                   Filename > the file name. GUANO and ICMT are written by the recorder itself;
//                   OpenSoundscape shifts recording_start_time when it cuts a clip but leaves the
//                   comment; a file name is the easiest thing for a person to change.
//   serial          GUANO > IART > ICMT > id3 > opso comment > wamd > opso_metadata device_id.
//   make, model     GUANO > AudioMoth (IART/ICMT imply Open Acoustic Devices AudioMoth) > wamd.
//   gain, battery,  ICMT > id3 > opso comment > GUANO > wamd > opso_metadata fields (the comment
//   temperature     is the recorder's own sentence; GUANO's OAD fields repeat it).
//   location        GUANO > wamd > opso_metadata.
//   time expansion  GUANO TE > wamd, applied only when the header rate makes it plausible
//                   (time-expansion.ts); otherwise not applied and flagged against the header.
//
// Times agree within 1 s, numbers within a per-field tolerance, text regardless of case.
import type { AudioMothComment } from './audiomoth'
import { AUDIOMOTH_GAINS } from './audiomoth'
import type { FilenameTime } from './filename-time'
import type { GuanoMetadata } from './guano'
import type { OpsoMetadata } from './opso-metadata'
import type { RiffInfo } from './riff-info'
import { firstDefined, jsonEquals, makeEquals, MetadataLedger, near, textEquals, timesAgree, type Candidate, type MetadataConflict, type MetadataSource } from './merge-ledger'
import { checkTimeExpansion } from './time-expansion'
import { formatRecordedTime, recordedTimeToEpochMs, type RecordedTime } from './timestamp'
import type { WamdMetadata } from './wamd'
import { dropUndefined } from './objects'

export type { MetadataConflict, MetadataSource, MetadataValue } from './merge-ledger'

export interface RecordingMetadataSources {
  header?: { sampleRate?: number; durationSeconds?: number }
  guano?: GuanoMetadata
  /** The `ICMT` comment, when it is an AudioMoth comment. */
  audioMothComment?: AudioMothComment
  /** Serial from `IART` ("AudioMoth 24E1…"). */
  audioMothArtistSerial?: string
  /** An AudioMoth comment repeated in an ID3 COMM frame. */
  id3Comment?: AudioMothComment
  opso?: OpsoMetadata
  wamd?: WamdMetadata
  info?: RiffInfo
  fileName?: FilenameTime
  /** GUANO `Original Filename`, read as a file name. */
  originalFileName?: FilenameTime
}

export interface RecordingMetadata {
  /** ISO 8601 with offset when the zone is known ("2024-09-03T19:31:30+01:00"), else local. */
  startTime?: string
  startTimeZoneKnown: boolean
  startTimeSource?: MetadataSource
  /** Epoch milliseconds of the start, when the zone is known. */
  startEpochMs?: number
  serial?: string
  make?: string
  model?: string
  firmware?: string
  latitude?: number
  longitude?: number
  altitudeM?: number
  /** The factor applied (1 when none, or when the one found was implausible). */
  timeExpansion: number
  headerSampleRate?: number
  /** Real-time sample rate: header rate × applied time expansion. */
  sampleRate?: number
  /** Real-time length: header length ÷ applied time expansion. */
  durationSeconds?: number
  gain?: string
  batteryVolts?: number
  batteryBound?: 'below' | 'above'
  temperatureC?: number
  temperatureExternalC?: number
  humidityPercent?: number
  deploymentId?: string
  externalMicrophone?: boolean
  filter?: AudioMothComment['filter']
  trigger?: AudioMothComment['trigger']
  recordingStopped?: AudioMothComment['recordingStopped']
  software?: string
  micType?: string
  micSensitivity?: number
  prefix?: string
  channel?: number
  originalFileName?: string
  note?: string
  /** Which source each chosen value came from. */
  sources: Record<string, MetadataSource>
  conflicts: MetadataConflict[]
  /** Parser warnings (prefixed by source) and merge notes. */
  warnings: string[]
}

const AUDIOMOTH_MAKE = 'Open Acoustic Devices'
const WILDLIFE_ACOUSTICS_MAKE = 'Wildlife Acoustics'

export function mergeRecordingMetadata(s: RecordingMetadataSources): RecordingMetadata {
  const ledger = new MetadataLedger()
  const out: RecordingMetadata = { startTimeZoneKnown: false, timeExpansion: 1, sources: ledger.sources, conflicts: ledger.conflicts, warnings: [] }
  collectWarnings(s, out.warnings)
  const comments: Candidate<AudioMothComment>[] = [
    { source: 'audiomoth-comment', value: s.audioMothComment },
    { source: 'id3-comment', value: s.id3Comment },
    { source: 'opso-comment', value: s.opso?.audioMoth },
  ]
  const am = <T,>(read: (c: AudioMothComment) => T | undefined): Candidate<T>[] =>
    comments.map((c) => ({ source: c.source, value: c.value?.recognized ? read(c.value) : undefined }))

  mergeStartTime(s, out, ledger)

  // Only a recorder's own metadata says who made it: a wamd chunk without a model may just mean
  // the file went through Kaleidoscope.
  const audioMothSource: MetadataSource | undefined = s.audioMothArtistSerial ? 'audiomoth-artist' : comments.find((c) => c.value?.recognized)?.source
  out.serial = ledger.choose('serial', [
    { source: 'guano', value: s.guano?.serial },
    { source: 'audiomoth-artist', value: s.audioMothArtistSerial },
    ...am((c) => c.serial),
    { source: 'wamd', value: s.wamd?.serial },
    { source: 'opso-metadata', value: s.opso?.serial },
  ], textEquals)
  out.make = ledger.choose('make', [
    { source: 'guano', value: s.guano?.make },
    { source: audioMothSource ?? 'audiomoth-comment', value: audioMothSource ? AUDIOMOTH_MAKE : undefined },
    { source: 'wamd', value: s.wamd?.model ? WILDLIFE_ACOUSTICS_MAKE : undefined },
  ], makeEquals)
  out.model = ledger.choose('model', [
    { source: 'guano', value: s.guano?.model },
    { source: audioMothSource ?? 'audiomoth-comment', value: audioMothSource ? 'AudioMoth' : undefined },
    { source: 'wamd', value: s.wamd?.model },
  ], textEquals)
  out.firmware = ledger.choose('firmware', [
    { source: 'guano', value: s.guano?.firmware },
    { source: 'wamd', value: s.wamd?.firmware },
  ], textEquals)

  mergeLocation(s, out, ledger)
  mergeRates(s, out, ledger)

  out.gain = ledger.choose('gain', [...am((c) => c.gain), { source: 'guano', value: guanoGain(s.guano) }, { source: 'opso-metadata', value: s.opso?.gain }], textEquals)
  out.batteryVolts = ledger.choose('batteryVolts', [
    ...am((c) => c.batteryVolts),
    { source: 'guano', value: s.guano?.batteryVolts },
    { source: 'opso-metadata', value: s.opso?.batteryVolts },
  ], near(0.05))
  if (out.batteryVolts !== undefined) out.batteryBound = firstDefined(am((c) => c.batteryBound))
  out.temperatureC = ledger.choose('temperatureC', [
    ...am((c) => c.temperatureC),
    { source: 'guano', value: s.guano?.temperatureInternalC },
    { source: 'wamd', value: s.wamd?.internalTemperatureC },
    { source: 'opso-metadata', value: s.opso?.temperatureC },
  ], near(0.05))
  out.temperatureExternalC = ledger.choose('temperatureExternalC', [
    { source: 'guano', value: s.guano?.temperatureExternalC },
    { source: 'wamd', value: s.wamd?.externalTemperatureC },
  ], near(0.05))
  out.humidityPercent = ledger.choose('humidityPercent', [
    { source: 'guano', value: s.guano?.humidityPercent },
    { source: 'wamd', value: s.wamd?.humidityPercent },
  ], near(0.5))
  out.deploymentId = ledger.choose('deploymentId', am((c) => c.deploymentId), textEquals)
  out.filter = ledger.choose('filter', am((c) => c.filter), jsonEquals)
  out.trigger = ledger.choose('trigger', am((c) => c.trigger), jsonEquals)
  out.externalMicrophone = firstDefined(am((c) => c.externalMicrophone))
  out.recordingStopped = firstDefined(am((c) => c.recordingStopped))

  out.software = ledger.pick('software', [{ source: 'wamd', value: s.wamd?.software }, { source: 'riff-info', value: s.info?.software }])
  out.micType = ledger.pick('micType', [{ source: 'wamd', value: s.wamd?.micType }])
  out.micSensitivity = ledger.pick('micSensitivity', [{ source: 'wamd', value: s.wamd?.micSensitivity }])
  out.prefix = ledger.pick('prefix', [{ source: 'wamd', value: s.wamd?.prefix }, { source: 'file-name', value: s.fileName?.prefix }])
  out.channel = ledger.pick('channel', [{ source: 'file-name', value: s.fileName?.channel }])
  out.originalFileName = ledger.pick('originalFileName', [{ source: 'guano', value: s.guano?.originalFilename }])
  out.note = ledger.pick('note', [{ source: 'guano', value: s.guano?.note }, { source: 'wamd', value: s.wamd?.notes }])
  return dropUndefined(out)
}

function mergeStartTime(s: RecordingMetadataSources, out: RecordingMetadata, ledger: MetadataLedger): void {
  const ordered: Candidate<RecordedTime>[] = [
    { source: 'guano', value: s.guano?.timestamp },
    { source: 'audiomoth-comment', value: s.audioMothComment?.time },
    { source: 'id3-comment', value: s.id3Comment?.time },
    { source: 'opso-metadata', value: s.opso?.recordingStartTime },
    { source: 'opso-comment', value: s.opso?.audioMoth?.time },
    { source: 'wamd', value: s.wamd?.timestamp },
    { source: 'original-file-name', value: s.originalFileName?.time },
    { source: 'file-name', value: s.fileName?.time },
  ]
  const present = ordered.filter((c): c is { source: MetadataSource; value: RecordedTime } => c.value !== undefined)
  const zoned = present.filter((c) => c.value.utcOffsetMinutes !== undefined)
  const ranked = [...zoned, ...present.filter((c) => c.value.utcOffsetMinutes === undefined)]
  const chosen = ledger.choose('startTime', ranked, timesAgree, formatRecordedTime)
  if (!chosen) return
  out.startTime = formatRecordedTime(chosen)
  out.startTimeZoneKnown = chosen.utcOffsetMinutes !== undefined
  out.startTimeSource = ledger.sources.startTime
  out.startEpochMs = recordedTimeToEpochMs(chosen)
}

function mergeLocation(s: RecordingMetadataSources, out: RecordingMetadata, ledger: MetadataLedger): void {
  type Point = { lat: number; lon: number; alt?: number }
  const point = (lat?: number, lon?: number, alt?: number): Point | undefined =>
    lat === undefined || lon === undefined ? undefined : { lat, lon, alt }
  const chosen = ledger.choose('location', [
    { source: 'guano', value: point(s.guano?.latitude, s.guano?.longitude, s.guano?.elevationM) },
    { source: 'wamd', value: point(s.wamd?.position?.latitude, s.wamd?.position?.longitude, s.wamd?.position?.altitudeM) },
    { source: 'opso-metadata', value: point(s.opso?.latitude, s.opso?.longitude) },
  ], (a, b) => Math.abs(a.lat - b.lat) <= 5e-4 && Math.abs(a.lon - b.lon) <= 5e-4, (p) => `${p.lat} ${p.lon}`)
  if (!chosen) return
  out.latitude = chosen.lat
  out.longitude = chosen.lon
  out.altitudeM = chosen.alt
}

function mergeRates(s: RecordingMetadataSources, out: RecordingMetadata, ledger: MetadataLedger): void {
  const headerRate = s.header?.sampleRate
  const headerSeconds = s.header?.durationSeconds
  out.headerSampleRate = headerRate
  const candidates: Candidate<number>[] = [
    { source: 'guano', value: s.guano?.timeExpansion },
    { source: 'wamd', value: s.wamd?.timeExpansion },
  ]
  const factor = ledger.choose('timeExpansion', candidates, (a, b) => a === b) ?? 1
  const check = checkTimeExpansion(factor, headerRate)
  if (check.apply) {
    out.timeExpansion = factor
    if (factor > 1 && headerRate === undefined) out.warnings.push(`time expansion ×${factor} applied without a header rate to check it against`)
  } else {
    out.warnings.push(check.reason)
    const values = candidates.flatMap((c) => (c.value === undefined ? [] : [{ source: c.source, value: c.value }]))
    ledger.flag('timeExpansion', [...values, { source: 'header', value: 1 }])
    ledger.sources.timeExpansion = 'header'
  }
  const te = out.timeExpansion
  out.sampleRate = ledger.choose('sampleRate', [
    { source: 'header', value: headerRate === undefined ? undefined : headerRate * te },
    { source: 'guano', value: s.guano?.sampleRate },
  ], (a, b) => Math.abs(a - b) <= 0.005 * Math.max(a, b))
  out.durationSeconds = ledger.choose('durationSeconds', [
    { source: 'header', value: headerSeconds === undefined ? undefined : headerSeconds / te },
    { source: 'guano', value: s.guano?.lengthSeconds },
  ], (a, b) => Math.abs(a - b) <= Math.max(0.5, 0.05 * Math.max(a, b)))
}

/** AudioMoth GUANO: "OAD|Recording Settings: 48000 GAIN 2 …". */
function guanoGain(guano: GuanoMetadata | undefined): string | undefined {
  const settings = guano?.fields['OAD|Recording Settings']
  const m = settings === undefined ? null : /\bGAIN (\d)\b/.exec(settings)
  return m ? AUDIOMOTH_GAINS[Number(m[1])] : undefined
}

function collectWarnings(s: RecordingMetadataSources, warnings: string[]): void {
  const add = (source: string, list: string[] | undefined): void => {
    for (const w of list ?? []) warnings.push(`${source}: ${w}`)
  }
  add('guano', s.guano?.warnings)
  add('ICMT', s.audioMothComment?.warnings)
  add('id3', s.id3Comment?.warnings)
  add('opso_metadata', s.opso?.warnings)
  add('opso_metadata comment', s.opso?.audioMoth?.warnings)
  add('wamd', s.wamd?.warnings)
  add('INFO', s.info?.warnings)
}
