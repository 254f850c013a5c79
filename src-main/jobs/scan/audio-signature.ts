// Recognises an audio container from its first bytes. Extensions lie (macOS "._x.wav" AppleDouble
// files, renamed exports), so the header decides; the extension only marks files that claim to be
// audio but are not recognisable (empty or corrupt recordings worth telling the user about).

export const AUDIO_FORMATS = ['wav', 'w64', 'flac', 'mp3', 'ogg', 'opus', 'aiff', 'm4a'] as const
export type AudioFormat = (typeof AUDIO_FORMATS)[number]

/** Bytes to read from the start of a file; an ID3 tag moves the real header further on. */
export const SIGNATURE_BYTES = 64

const AUDIO_EXTENSIONS = new Set(['wav', 'wave', 'bwf', 'rf64', 'w64', 'flac', 'mp3', 'ogg', 'oga', 'opus', 'aif', 'aiff', 'aifc', 'm4a', 'wv', 'wma', 'aac'])

function ascii(buf: Uint8Array, offset: number, length: number): string {
  if (buf.length < offset + length) return ''
  return String.fromCharCode(...buf.subarray(offset, offset + length))
}

const W64_RIFF_GUID = [0x72, 0x69, 0x66, 0x66, 0x2e, 0x91, 0xcf, 0x11, 0xa5, 0xd6, 0x28, 0xdb, 0x04, 0xc1, 0x00, 0x00]

/** Size of an ID3v2 tag (header included) at the start of the buffer, or 0. */
export function id3TagLength(buf: Uint8Array): number {
  if (ascii(buf, 0, 3) !== 'ID3' || buf.length < 10) return 0
  // Sizes are "syncsafe": 7 bits per byte.
  const size = ((buf[6] & 0x7f) << 21) | ((buf[7] & 0x7f) << 14) | ((buf[8] & 0x7f) << 7) | (buf[9] & 0x7f)
  const footer = buf[5] & 0x10 ? 10 : 0
  return 10 + size + footer
}

function isMpegLayer3Frame(buf: Uint8Array, offset = 0): boolean {
  if (buf.length < offset + 4) return false
  const b1 = buf[offset + 1]
  if (buf[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return false
  const version = (b1 >> 3) & 0x03
  const layer = (b1 >> 1) & 0x03
  const bitrate = (buf[offset + 2] >> 4) & 0x0f
  const rate = (buf[offset + 2] >> 2) & 0x03
  return version !== 0x01 && layer === 0x01 && bitrate !== 0x0f && rate !== 0x03
}

/** The container of a header, or null. `afterId3` is the header found after an ID3 tag, if read. */
export function detectAudioFormat(head: Uint8Array, afterId3?: Uint8Array): AudioFormat | null {
  const tag4 = ascii(head, 0, 4)
  if ((tag4 === 'RIFF' || tag4 === 'RF64' || tag4 === 'BW64') && ascii(head, 8, 4) === 'WAVE') return 'wav'
  if (W64_RIFF_GUID.every((b, i) => head[i] === b)) return 'w64'
  if (tag4 === 'fLaC') return 'flac'
  if (tag4 === 'OggS') return ascii(head, 28, 8) === 'OpusHead' ? 'opus' : 'ogg'
  if (tag4 === 'FORM' && (ascii(head, 8, 4) === 'AIFF' || ascii(head, 8, 4) === 'AIFC')) return 'aiff'
  if (ascii(head, 4, 4) === 'ftyp' && ['M4A ', 'M4B ', 'mp42', 'isom'].includes(ascii(head, 8, 4))) return 'm4a'
  if (ascii(head, 0, 3) === 'ID3') {
    // ID3 tags also precede FLAC and AIFF data; what follows the tag decides.
    if (afterId3) {
      if (ascii(afterId3, 0, 4) === 'fLaC') return 'flac'
      if (isMpegLayer3Frame(afterId3)) return 'mp3'
    }
    return 'mp3'
  }
  if (isMpegLayer3Frame(head)) return 'mp3'
  return null
}

export function hasAudioExtension(fileName: string): boolean {
  const dot = fileName.lastIndexOf('.')
  return dot > 0 && AUDIO_EXTENSIONS.has(fileName.slice(dot + 1).toLowerCase())
}
