// Text handling shared by the annotation parsers: encodings, BOMs, CRLF and binary junk.
import { AppError } from '../../errors'

export interface TextLine {
  /** 1-based line number in the file. */
  number: number
  text: string
}

const utf8 = new TextDecoder('utf-8', { fatal: true })

/**
 * Bytes → text. UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's "Unicode text"), else
 * Windows-1252 (Raven on Windows). Binary data is refused with ANNOTATION_FORMAT.
 */
export function decodeAnnotationBytes(bytes: Uint8Array, fileName: string): { text: string; warnings: string[] } {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), warnings: [] }
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), warnings: [] }
  if (bytes.includes(0)) throw new AppError('ANNOTATION_FORMAT', `${fileName}: binary data (NUL bytes), not a text annotation file`, { fileName })
  try {
    return { text: utf8.decode(bytes), warnings: [] }
  } catch {
    return { text: decodeWindows1252(bytes), warnings: [`${fileName}: not valid UTF-8; read as Windows-1252`] }
  }
}

// 0x80–0x9F of Windows-1252 (undefined bytes map to themselves). Node's TextDecoder treats the
// label as Latin-1 and gets exactly this range wrong (checked in test/season/formats/detect.test.ts).
const CP1252_HIGH = '€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ'

function decodeWindows1252(bytes: Uint8Array): string {
  let out = ''
  for (const b of bytes) out += b >= 0x80 && b <= 0x9f ? CP1252_HIGH[b - 0x80] : String.fromCharCode(b)
  return out
}

/** Drops a BOM, splits on CRLF/LF/CR; a final newline does not make an extra line. */
export function splitLines(text: string): TextLine[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const parts = body.split(/\r\n|\r|\n/)
  if (parts.length > 0 && parts[parts.length - 1] === '') parts.pop()
  return parts.map((t, i) => ({ number: i + 1, text: t }))
}

/** True when text holds control characters that no annotation format contains. */
export function looksBinary(text: string): boolean {
  const sample = text.slice(0, 4096)
  const controls = sample.match(/[\u0000-\u0008\u000e-\u001f\ufffd]/g)?.length ?? 0
  return sample.includes('\0') || controls > Math.max(2, sample.length * 0.01)
}
