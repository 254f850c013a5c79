// One file of a season, read header-only: the audio probe, the recorder metadata chunks (from the
// 64 KiB at either end that the fingerprint reads anyway, else one small read), Vorbis/ID3 tags,
// and the fingerprint. A file that cannot be read becomes a quarantine entry with the probe's
// error code and message; a file that is not audio at all is reported as `other`.
import { existsSync } from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'
import type { ErrorCode } from '../../../src-shared/errors'
import { listRiffChunks, probeAudio, readRiffChunk, type AudioInfo, type RiffChunk } from '../../audio'
import { AppError, toErrorData } from '../../errors'
import { detectAudioFormat, hasAudioExtension } from '../../jobs/scan/audio-signature'
import { METADATA_CHUNK_IDS, readRecordingMetadata, type MetadataChunk } from '../metadata/recording-metadata'
import type { RecordingMetadata } from '../metadata/merge'
import { checkTimeExpansion } from '../metadata/time-expansion'
import { readContainerTags } from './container-tags'
import { FINGERPRINT_EDGE_BYTES, fingerprintOf } from './fingerprint'

export interface ProbedRecording {
  kind: 'recording'
  path: string
  size: number
  fingerprint: string
  info: AudioInfo
  metadata: RecordingMetadata
  /** The factor applied: from the metadata, else the import's default when plausible, else 1. */
  timeExpansion: number
  /** Real-time length: header length ÷ time expansion. */
  durationS: number
  warnings: string[]
}

export interface QuarantinedFile {
  kind: 'quarantined'
  path: string
  size: number
  fingerprint: string
  code: ErrorCode
  reason: string
}

export interface OtherFile {
  kind: 'other'
  path: string
  size: number
}

export type ProbedFile = ProbedRecording | QuarantinedFile | OtherFile

export interface ProbeOptions {
  /** Applied when no metadata states a factor (a ×10 bat detector without GUANO/wamd). */
  defaultTimeExpansion?: number
}

/** A metadata chunk bigger than this is not recorder metadata (a 64 MiB "LIST" is junk). */
const MAX_METADATA_CHUNK = 1024 * 1024

interface Edges {
  size: number
  head: Buffer
  tail: Buffer
}

async function readEdges(handle: FileHandle): Promise<Edges> {
  const size = (await handle.stat()).size
  const headLength = Math.min(size, FINGERPRINT_EDGE_BYTES)
  const head = Buffer.alloc(headLength)
  const r1 = await handle.read(head, 0, headLength, 0)
  const tailStart = Math.max(0, size - FINGERPRINT_EDGE_BYTES)
  const tail = Buffer.alloc(size - tailStart)
  const r2 = tail.length === 0 ? { bytesRead: 0 } : await handle.read(tail, 0, tail.length, tailStart)
  return { size, head: head.subarray(0, r1.bytesRead), tail: tail.subarray(0, r2.bytesRead) }
}

async function withFile<T>(path: string, fn: (handle: FileHandle) => Promise<T>): Promise<T> {
  let handle: FileHandle
  try {
    handle = await open(path, 'r')
  } catch (err) {
    const code = err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : ''
    throw new AppError('AUDIO_NOT_FOUND', `${path}: ${code === 'ENOENT' ? 'no such file' : `cannot be opened (${err instanceof Error ? err.message : String(err)})`}`, { path })
  }
  try {
    return await fn(handle)
  } finally {
    await handle.close()
  }
}

function headerFacts(info: AudioInfo | null) {
  return info ? { sampleRate: info.sampleRate, channels: info.channels, frames: info.frames } : null
}

async function tryProbe(path: string): Promise<{ info: AudioInfo } | { code: ErrorCode; reason: string }> {
  try {
    return { info: await probeAudio(path) }
  } catch (err) {
    const data = toErrorData(err)
    // Anything that is not one of the audio library's own refusals is still a file we cannot read.
    const code: ErrorCode = data.code.startsWith('AUDIO_') ? data.code : 'AUDIO_CORRUPT'
    return { code, reason: data.message }
  }
}

/** The same fingerprint the import stores (relink compares against it). */
export async function fingerprintFile(path: string): Promise<string> {
  const edges = await withFile(path, readEdges)
  const probe = edges.size === 0 ? null : await tryProbe(path)
  return fingerprintOf(edges.size, edges.head, edges.tail, probe && 'info' in probe ? headerFacts(probe.info) : null)
}

export async function probeRecording(path: string, options: ProbeOptions = {}): Promise<ProbedFile> {
  let edges: Edges
  try {
    edges = await withFile(path, readEdges)
  } catch (err) {
    // Gone since the listing: nothing to import. There but unreadable (permissions, I/O error): quarantined.
    if (!existsSync(path)) return { kind: 'other', path, size: 0 }
    const data = toErrorData(err)
    return { kind: 'quarantined', path, size: 0, fingerprint: `v1:unreadable:${path}`, code: data.code.startsWith('AUDIO_') ? data.code : 'AUDIO_NOT_FOUND', reason: data.message }
  }
  const { size, head, tail } = edges
  // Extensions lie both ways: a non-audio name with an audio header is still imported, an audio
  // name with garbage inside is quarantined, anything else is not ours.
  if (!hasAudioExtension(path) && detectAudioFormat(head.subarray(0, 64)) === null) return { kind: 'other', path, size }

  const probe = size === 0 ? { code: 'AUDIO_EMPTY' as const, reason: `${path}: the file is empty (0 bytes)` } : await tryProbe(path)
  if (!('info' in probe)) return { kind: 'quarantined', path, size, fingerprint: fingerprintOf(size, head, tail, null), code: probe.code, reason: probe.reason }
  const info = probe.info

  const warnings = info.warnings.map((w) => `audio: ${w}`)
  const chunks: MetadataChunk[] = []
  let comment: string | undefined
  let artist: string | undefined
  if (info.container === 'wav' || info.container === 'rf64') {
    chunks.push(...(await riffMetadataChunks(path, edges, warnings)))
  } else {
    const tags = readContainerTags(head)
    comment = tags.comment
    artist = tags.artist
    if (tags.id3) chunks.push({ id: 'ID3 ', payload: tags.id3 })
    warnings.push(...tags.warnings.map((w) => `tags: ${w}`))
  }

  const metadata = readRecordingMetadata({ fileName: path, sampleRate: info.sampleRate, durationSeconds: info.durationSeconds, chunks, comment, artist })
  let timeExpansion = metadata.timeExpansion
  const stated = metadata.sources.timeExpansion !== undefined
  if (!stated && options.defaultTimeExpansion !== undefined && options.defaultTimeExpansion !== 1) {
    const check = checkTimeExpansion(options.defaultTimeExpansion, info.sampleRate)
    if (check.apply) {
      timeExpansion = options.defaultTimeExpansion
      warnings.push(`time expansion ×${timeExpansion} from the import settings (the file states none)`)
    } else {
      warnings.push(`import setting: ${check.reason}`)
    }
  }
  if (info.durationSeconds === 0) warnings.push('the header gives no length; duration is 0 until the file is decoded')
  return {
    kind: 'recording',
    path,
    size,
    fingerprint: fingerprintOf(size, head, tail, headerFacts(info)),
    info,
    metadata,
    timeExpansion,
    durationS: info.durationSeconds / timeExpansion,
    warnings: [...warnings, ...metadata.warnings],
  }
}

async function riffMetadataChunks(path: string, edges: Edges, warnings: string[]): Promise<MetadataChunk[]> {
  let listed: RiffChunk[]
  try {
    listed = (await listRiffChunks(path)).chunks
  } catch (err) {
    warnings.push(`metadata: chunks could not be listed (${toErrorData(err).message})`)
    return []
  }
  const out: MetadataChunk[] = []
  const tailStart = edges.size - edges.tail.length
  for (const chunk of listed) {
    if (!METADATA_CHUNK_IDS.includes(chunk.id)) continue
    if (chunk.size > MAX_METADATA_CHUNK) {
      warnings.push(`metadata: '${chunk.id}' chunk of ${chunk.size} bytes is too large for recorder metadata; skipped`)
      continue
    }
    const end = chunk.offset + chunk.size
    if (end <= edges.head.length) out.push({ id: chunk.id, payload: edges.head.subarray(chunk.offset, end) })
    else if (chunk.offset >= tailStart) out.push({ id: chunk.id, payload: edges.tail.subarray(chunk.offset - tailStart, end - tailStart) })
    else out.push({ id: chunk.id, payload: await readRiffChunk(path, chunk) })
  }
  return out
}
