// ID3v2 tags as some WAV writers embed them (an `id3 ` chunk): only the comment (COMM) and text
// (T***) frames are read — that is where AudioMoth-era tools repeat the recorder comment.
import { cString } from './text-decode'

export interface Id3Comment {
  language: string
  description: string
  text: string
}

export interface Id3Tag {
  version?: string
  comments: Id3Comment[]
  /** Text frames (TIT2, TPE1, TDRC …) by frame id. */
  textFrames: Record<string, string>
  warnings: string[]
}

/** Parses an ID3v2.3/2.4 tag (the `id3 ` chunk payload). Never throws. */
export function parseId3(payload: Uint8Array): Id3Tag {
  const out: Id3Tag = { comments: [], textFrames: {}, warnings: [] }
  const buf = Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength)
  if (buf.length < 10 || buf.toString('latin1', 0, 3) !== 'ID3') {
    out.warnings.push('not an ID3v2 tag')
    return out
  }
  const major = buf[3]
  out.version = `2.${major}.${buf[4]}`
  if (major !== 3 && major !== 4) {
    out.warnings.push(`ID3v${out.version} is not read (only 2.3 and 2.4)`)
    return out
  }
  const flags = buf[5]
  if (flags & 0x80) {
    out.warnings.push('ID3 tag uses unsynchronisation, which is not read')
    return out
  }
  const tagEnd = Math.min(buf.length, 10 + syncsafe(buf, 6))
  let offset = 10
  if (flags & 0x40) offset += major === 4 ? syncsafe(buf, 10) : 4 + buf.readUInt32BE(10)
  while (offset + 10 <= tagEnd) {
    const id = buf.toString('latin1', offset, offset + 4)
    if (id === '\0\0\0\0') break // padding
    if (!/^[A-Z0-9]{4}$/.test(id)) {
      out.warnings.push(`ID3 frame id ${JSON.stringify(id)} is not valid; the rest is skipped`)
      break
    }
    const size = major === 4 ? syncsafe(buf, offset + 4) : buf.readUInt32BE(offset + 4)
    const start = offset + 10
    const end = start + size
    if (end > tagEnd) {
      out.warnings.push(`ID3 frame ${id} runs past the end of the tag`)
      break
    }
    const body = buf.subarray(start, end)
    if (id === 'COMM') readComment(body, out)
    else if (id.startsWith('T') && id !== 'TXXX' && body.length > 0) out.textFrames[id] = cString(decode(body.subarray(1), body[0]))
    offset = end
  }
  return out
}

function readComment(body: Buffer, out: Id3Tag): void {
  if (body.length < 4) {
    out.warnings.push('ID3 COMM frame is too short')
    return
  }
  const encoding = body[0]
  const language = body.toString('latin1', 1, 4).replace(/\0/g, '')
  const rest = body.subarray(4)
  const wide = encoding === 1 || encoding === 2
  const split = findTerminator(rest, wide)
  const description = cString(decode(rest.subarray(0, split), encoding))
  const text = cString(decode(rest.subarray(Math.min(rest.length, split + (wide ? 2 : 1))), encoding))
  out.comments.push({ language, description, text })
}

function findTerminator(buf: Buffer, wide: boolean): number {
  if (!wide) {
    const i = buf.indexOf(0)
    return i < 0 ? buf.length : i
  }
  for (let i = 0; i + 1 < buf.length; i += 2) if (buf[i] === 0 && buf[i + 1] === 0) return i
  return buf.length
}

function decode(bytes: Buffer, encoding: number): string {
  switch (encoding) {
    case 1: // UTF-16 with a byte-order mark
      if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2))
      return new TextDecoder('utf-16le').decode(bytes[0] === 0xff && bytes[1] === 0xfe ? bytes.subarray(2) : bytes)
    case 2:
      return new TextDecoder('utf-16be').decode(bytes)
    case 3:
      return new TextDecoder('utf-8').decode(bytes)
    default:
      return bytes.toString('latin1')
  }
}

function syncsafe(buf: Buffer, at: number): number {
  if (at + 4 > buf.length) return 0
  return ((buf[at] & 0x7f) << 21) | ((buf[at + 1] & 0x7f) << 14) | ((buf[at + 2] & 0x7f) << 7) | (buf[at + 3] & 0x7f)
}
