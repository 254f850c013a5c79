// RIFF `LIST`/`INFO` sub-chunks (ICMT comment, IART artist, ISFT software, ICRD date, INAM title …).
// Each sub-chunk is id + little-endian size + NUL-terminated text, padded to an even length — but
// some writers skip the pad byte, so both positions are tried.
import { cString, decodeMetadataText } from './text-decode'

export interface RiffInfoEntry {
  id: string
  value: string
}

export interface RiffInfo {
  /** Sub-chunks in file order (an id may repeat). */
  entries: RiffInfoEntry[]
  /** First value of each id. */
  fields: Record<string, string>
  comment?: string
  artist?: string
  software?: string
  creationDate?: string
  title?: string
  warnings: string[]
}

const ID_PATTERN = /^[A-Za-z0-9 ]{4}$/

/** Parses a `LIST` chunk payload (starting with "INFO"; a payload without the type is accepted). */
export function parseRiffInfo(payload: Uint8Array): RiffInfo {
  const out: RiffInfo = { entries: [], fields: {}, warnings: [] }
  const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
  let offset = 0
  const listType = buf.toString('latin1', 0, 4)
  if (listType === 'INFO') {
    offset = 4
  } else if (!ID_PATTERN.test(listType) || buf.length < 8) {
    out.warnings.push(`LIST chunk is not INFO (type ${JSON.stringify(listType)})`)
    return out
  } else if (isListType(listType)) {
    out.warnings.push(`LIST chunk of type ${listType} holds no INFO text`)
    return out
  }
  while (offset + 8 <= buf.length) {
    const id = buf.toString('latin1', offset, offset + 4)
    if (!ID_PATTERN.test(id)) {
      out.warnings.push(`INFO sub-chunk id ${JSON.stringify(id)} at byte ${offset} is not text; the rest is skipped`)
      break
    }
    const size = buf.readUInt32LE(offset + 4)
    const start = offset + 8
    let end = start + size
    if (end > buf.length) {
      out.warnings.push(`INFO ${id} claims ${size} bytes but only ${buf.length - start} remain`)
      end = buf.length
    }
    const value = cString(decodeMetadataText(buf.subarray(start, end)).text)
    out.entries.push({ id, value })
    if (!(id in out.fields)) out.fields[id] = value
    offset = nextOffset(buf, end, size)
  }
  const f = out.fields
  if (f.ICMT) out.comment = f.ICMT
  if (f.IART) out.artist = f.IART
  if (f.ISFT) out.software = f.ISFT
  if (f.ICRD) out.creationDate = f.ICRD
  if (f.INAM) out.title = f.INAM
  return out
}

/** After an odd-sized sub-chunk the pad byte should follow; accept writers that leave it out. */
function nextOffset(buf: Buffer, end: number, size: number): number {
  if (size % 2 === 0) return end
  const padded = end + 1
  const looksLikeId = (at: number): boolean => at + 8 <= buf.length && ID_PATTERN.test(buf.toString('latin1', at, at + 4))
  if (!looksLikeId(padded) && looksLikeId(end)) return end
  return padded
}

function isListType(type: string): boolean {
  return type === 'adtl' || type === 'exif' || type === 'wavl'
}
