// A tolerant RIFF/RF64 chunk walk. Field recorders write files that break the rules in known ways
// (sizes that lie, odd chunks without the pad byte, metadata written over the end of `data`,
// unfinalised files), so every size is checked against the file and every oddity becomes a warning.
import { AppError } from '../errors'
import { openAudioFile, readAt, type AudioFile } from './file-access'

export interface RiffChunk {
  id: string
  /** Byte offset of the payload (after the 8-byte chunk header). */
  offset: number
  /** Payload size, clamped to the file. */
  size: number
}

export interface WalkedChunk extends RiffChunk {
  /** Size the header claimed (after RF64 / unfinalised-file substitutions), before clamping. */
  declaredSize: number
}

export interface RiffLayout {
  kind: 'RIFF' | 'RF64' | 'BW64'
  form: string
  chunks: WalkedChunk[]
  warnings: string[]
  /** False when the walk stopped on bytes that are not a chunk header. */
  complete: boolean
}

const HEADER_BYTES = 12
const UNKNOWN_SIZE = 0xffffffff
/** How far around an unreadable chunk header we look for the real one (Kaleidoscope writes 2 bytes early). */
const RESYNC_REACH = 8
const MAX_RESYNCS = 16
/** Real files have a handful of chunks; a file of millions of tiny ones must not stall the walk. */
const MAX_CHUNKS = 4096
/** readRiffChunk is for metadata; audio goes through streamAudio. */
const MAX_CHUNK_READ = 64 * 1024 * 1024

/** Chunk ids are four printable ASCII characters; anything else means we are not on a header. */
function isPlausibleId(buf: Buffer, at: number): boolean {
  if (at + 4 > buf.length) return false
  if (buf[at] === 0x20) return false
  for (let i = at; i < at + 4; i++) if (buf[i] < 0x20 || buf[i] > 0x7e) return false
  return true
}

export async function walkRiff(file: AudioFile): Promise<RiffLayout> {
  const { path, size: fileSize } = file
  const head = await readAt(file, 0, HEADER_BYTES)
  if (head.length < HEADER_BYTES) {
    throw new AppError('AUDIO_TRUNCATED', `${path}: ${fileSize} bytes is shorter than a RIFF header`, { path })
  }
  const kind = head.toString('latin1', 0, 4)
  if (kind !== 'RIFF' && kind !== 'RF64' && kind !== 'BW64') {
    throw new AppError('AUDIO_UNSUPPORTED', `${path}: not a RIFF file`, { path })
  }
  const form = head.toString('latin1', 8, 12)
  const warnings: string[] = []
  const chunks: WalkedChunk[] = []
  const riffSize = head.readUInt32LE(4)
  let ds64: { riffSize: number; dataSize: number } | undefined

  const checkRiffSize = (declared: number): void => {
    if (declared + 8 > fileSize) {
      warnings.push(`RIFF size says ${declared + 8} bytes but the file has ${fileSize}; read to the end of the file`)
    } else if (declared + 8 < fileSize) {
      warnings.push(`RIFF size says ${declared + 8} bytes but the file has ${fileSize}; the extra ${fileSize - declared - 8} bytes were walked too`)
    }
  }
  if (kind === 'RIFF') checkRiffSize(riffSize)

  let pos = HEADER_BYTES
  let seenData = false
  let complete = true
  let resyncs = 0
  while (pos + 8 <= fileSize) {
    if (chunks.length >= MAX_CHUNKS) {
      warnings.push(`more than ${MAX_CHUNKS} chunks; stopped reading chunks at offset ${pos}`)
      complete = false
      break
    }
    const header = await readAt(file, pos, 8)
    if (!isPlausibleId(header, 0)) {
      // A few recoveries at most: junk must not send the walk back and forth for ever.
      const found = ++resyncs <= MAX_RESYNCS ? await resync(file, pos, chunks[chunks.length - 1]) : undefined
      if (found === undefined) {
        const where = chunks.length ? ` after chunk '${chunks[chunks.length - 1].id}'` : ''
        warnings.push(`unreadable bytes at offset ${pos}${where} (${fileSize - pos} bytes to the end of the file); stopped reading chunks there`)
        complete = false
        break
      }
      const prev = chunks[chunks.length - 1]
      if (found < pos && prev && found >= prev.offset) {
        const overlap = prev.offset + prev.size - found
        prev.size = found - prev.offset
        warnings.push(`chunk at offset ${found} starts ${overlap} byte(s) before the end of chunk '${prev.id}'; '${prev.id}' shortened to ${prev.size} bytes`)
      } else {
        warnings.push(`skipped ${found - pos} unreadable bytes at offset ${pos}`)
      }
      pos = found
      continue
    }
    const id = header.toString('latin1', 0, 4)
    const payload = pos + 8
    const remaining = fileSize - payload
    let declared = header.readUInt32LE(4)

    if (id === 'ds64' && kind !== 'RIFF' && declared >= 24) {
      const body = await readAt(file, payload, 24)
      if (body.length === 24) {
        ds64 = { riffSize: Number(body.readBigUInt64LE(0)), dataSize: Number(body.readBigUInt64LE(8)) }
        checkRiffSize(ds64.riffSize)
      }
    }
    if (id === 'data') {
      if (seenData) warnings.push(`a second 'data' chunk at offset ${pos} was ignored`)
      if (declared === UNKNOWN_SIZE && ds64) {
        declared = ds64.dataSize
      } else if (declared === UNKNOWN_SIZE || (declared === 0 && remaining > 0 && !(await chunkHeaderAt(file, payload)))) {
        warnings.push(`'data' chunk size is ${declared === 0 ? 0 : '0xFFFFFFFF'} (file not finalised, e.g. still recording); using the ${remaining} bytes to the end of the file`)
        declared = remaining
      }
    }
    let size = declared
    if (size > remaining) {
      warnings.push(`chunk '${id}' at offset ${pos} claims ${declared} bytes but only ${remaining} remain; clamped`)
      size = remaining
    }
    if (!(id === 'data' && seenData)) chunks.push({ id, offset: payload, size, declaredSize: declared })
    if (id === 'data') seenData = true

    let next = payload + size
    if (size % 2 === 1) next = await stepOverPad(file, next, id, size, warnings)
    pos = next
  }
  if (pos < fileSize && pos + 8 > fileSize) {
    warnings.push(`${fileSize - pos} trailing bytes after the last chunk were ignored`)
  }
  return { kind, form, chunks, warnings, complete }
}

/** True when a plausible chunk header whose payload fits the file starts at `at`. */
async function chunkHeaderAt(file: AudioFile, at: number): Promise<boolean> {
  return (await headerQuality(file, at, false)) > 0
}

/**
 * 0: no chunk header at `at`; 1: a plausible header whose payload fits the file; 2: and the
 * chunk ends at the end of the file or where another plausible header starts. Audio bytes can
 * look like a header by chance, but rarely like two chained ones.
 */
async function headerQuality(file: AudioFile, at: number, followChain = true): Promise<0 | 1 | 2> {
  if (at < 0 || at + 8 > file.size) return 0
  const header = await readAt(file, at, 8)
  if (!isPlausibleId(header, 0)) return 0
  const size = header.readUInt32LE(4)
  const end = at + 8 + size
  if (end > file.size + 1) return 0
  if (!followChain || end >= file.size - 1) return end >= file.size - 1 ? 2 : 1
  const chained = (await chunkHeaderAt(file, end)) || (size % 2 === 1 && (await chunkHeaderAt(file, end + 1)))
  return chained ? 2 : 1
}

/** Odd chunks are followed by a pad byte, but some writers omit it: look at both places. */
async function stepOverPad(file: AudioFile, next: number, id: string, size: number, warnings: string[]): Promise<number> {
  if (next >= file.size) {
    warnings.push(`chunk '${id}' has odd size ${size} and no pad byte at the end of the file`)
    return next
  }
  if (next + 1 === file.size) return next + 1
  const padded = await headerQuality(file, next + 1)
  const unpadded = await headerQuality(file, next)
  if (unpadded > padded) {
    warnings.push(`chunk '${id}' has odd size ${size} and no pad byte; the next chunk follows directly`)
    return next
  }
  return next + 1
}

/**
 * Looks a few bytes around `pos` for a real chunk header: plausible id, and the chunk it declares
 * ends exactly at the end of the file or at another plausible header (so stray letters inside
 * metadata, like the "amdE" of a misplaced "wamd", are not taken for a chunk).
 */
async function resync(file: AudioFile, pos: number, prev: WalkedChunk | undefined): Promise<number | undefined> {
  const lowest = Math.max(prev ? prev.offset : HEADER_BYTES, pos - RESYNC_REACH)
  let best: number | undefined
  for (let at = lowest; at <= pos + RESYNC_REACH; at++) {
    if (at === pos || (await headerQuality(file, at)) < 2) continue
    if (best === undefined || Math.abs(at - pos) < Math.abs(best - pos)) best = at
  }
  return best
}

/** The chunk list of a RIFF/RF64 file (for metadata readers), with what was tolerated on the way. */
export async function listRiffChunks(path: string): Promise<{ chunks: RiffChunk[]; warnings: string[] }> {
  const file = await openAudioFile(path)
  try {
    const layout = await walkRiff(file)
    return { chunks: layout.chunks.map(({ id, offset, size }) => ({ id, offset, size })), warnings: layout.warnings }
  } finally {
    await file.handle.close()
  }
}

/** The payload of one chunk from listRiffChunks (metadata-sized: at most 64 MiB). */
export async function readRiffChunk(path: string, chunk: RiffChunk): Promise<Buffer> {
  if (chunk.size > MAX_CHUNK_READ) {
    throw new AppError('INVALID_REQUEST', `${path}: chunk '${chunk.id}' is ${chunk.size} bytes, too large to read whole; stream the audio instead`, { path })
  }
  const file = await openAudioFile(path)
  try {
    return await readAt(file, chunk.offset, chunk.size)
  } finally {
    await file.handle.close()
  }
}
