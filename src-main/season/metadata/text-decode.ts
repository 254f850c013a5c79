// Metadata text is specified as UTF-8 but some writers emit Latin-1; decoding must never throw.

const utf8 = new TextDecoder('utf-8', { fatal: true })
const latin1 = new TextDecoder('latin1')

export interface DecodedText {
  text: string
  /** True when the bytes were not valid UTF-8 and were read as Latin-1 instead. */
  latin1: boolean
}

export function decodeMetadataText(payload: Uint8Array | string): DecodedText {
  if (typeof payload === 'string') return { text: payload, latin1: false }
  try {
    return { text: utf8.decode(payload), latin1: false }
  } catch {
    return { text: latin1.decode(payload), latin1: true }
  }
}

/** A C string field: everything before the first NUL, trimmed. */
export function cString(text: string): string {
  const nul = text.indexOf('\0')
  return (nul < 0 ? text : text.slice(0, nul)).trim()
}
