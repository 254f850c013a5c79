// Recorder comments outside RIFF: FLAC and Ogg (Vorbis, Opus, FLAC-in-Ogg) keep Vorbis comments
// near the start of the file, MP3 an ID3v2 tag. A WAV converted with ffmpeg or SoX carries the
// AudioMoth ICMT/IART over as COMMENT/ARTIST, so these feed the same metadata merge. Only the
// first 64 KiB that the fingerprint reads anyway are looked at: a comment block beyond that (cover
// art first) is skipped, never worth a second read at import speed.

export interface ContainerTags {
  comment?: string
  artist?: string
  /** An ID3v2 tag at the start of the file (MP3), for the AudioMoth COMM frame. */
  id3?: Uint8Array
  warnings: string[]
}

const COMMENT_KEYS = ['COMMENT', 'COMMENTS', 'DESCRIPTION', 'ICMT']
const ARTIST_KEYS = ['ARTIST', 'IART']

/** Tags from the first bytes of a FLAC, Ogg or MP3 file; empty for anything else. */
export function readContainerTags(head: Uint8Array): ContainerTags {
  const buf = Buffer.from(head.buffer, head.byteOffset, head.byteLength)
  const id3Size = id3v2Size(buf)
  if (id3Size > 0) {
    const out: ContainerTags = { warnings: [] }
    if (id3Size <= buf.length) out.id3 = buf.subarray(0, id3Size)
    // ID3 also precedes some FLAC files.
    if (buf.toString('latin1', id3Size, id3Size + 4) === 'fLaC') Object.assign(out, flacTags(buf, id3Size + 4))
    return out
  }
  const magic = buf.toString('latin1', 0, 4)
  if (magic === 'fLaC') return flacTags(buf, 4)
  if (magic === 'OggS') return oggTags(buf)
  return { warnings: [] }
}

function id3v2Size(buf: Buffer): number {
  if (buf.length < 10 || buf.toString('latin1', 0, 3) !== 'ID3') return 0
  const size = ((buf[6] & 0x7f) << 21) | ((buf[7] & 0x7f) << 14) | ((buf[8] & 0x7f) << 7) | (buf[9] & 0x7f)
  return 10 + size + (buf[5] & 0x10 ? 10 : 0)
}

/** FLAC metadata blocks from `at` (just after "fLaC"): block type 4 is VORBIS_COMMENT. */
function flacTags(buf: Buffer, at: number): ContainerTags {
  let pos = at
  while (pos + 4 <= buf.length) {
    const header = buf[pos]
    const type = header & 0x7f
    const length = buf.readUIntBE(pos + 1, 3)
    const body = pos + 4
    if (type === 4) {
      if (body + length > buf.length) return { warnings: ['FLAC comment block lies beyond the first 64 KiB; not read'] }
      return vorbisComments(buf.subarray(body, body + length), 'FLAC')
    }
    if (header & 0x80) break
    pos = body + length
  }
  return { warnings: [] }
}

/** The comment packet of the first logical stream, assembled from the pages in `buf`. */
function oggTags(buf: Buffer): ContainerTags {
  const packets: Buffer[] = []
  let current: Buffer[] = []
  let pos = 0
  let serial: number | undefined
  while (pos + 27 <= buf.length && packets.length < 2 && buf.toString('latin1', pos, pos + 4) === 'OggS') {
    const segments = buf[pos + 26]
    const tableEnd = pos + 27 + segments
    if (tableEnd > buf.length) break
    const pageSerial = buf.readUInt32LE(pos + 14)
    let data = tableEnd
    serial ??= pageSerial
    for (let i = 0; i < segments; i++) {
      const lace = buf[pos + 27 + i]
      if (pageSerial === serial) current.push(buf.subarray(data, Math.min(buf.length, data + lace)))
      data += lace
      if (lace < 255 && pageSerial === serial) {
        packets.push(Buffer.concat(current))
        current = []
        if (packets.length === 2) break
      }
    }
    pos = data
  }
  const packet = packets[1]
  if (!packet) return { warnings: packets.length === 1 ? ['Ogg comment header lies beyond the first 64 KiB; not read'] : [] }
  if (packet.toString('latin1', 0, 7) === '\x03vorbis') return vorbisComments(packet.subarray(7), 'Ogg Vorbis')
  if (packet.toString('latin1', 0, 8) === 'OpusTags') return vorbisComments(packet.subarray(8), 'Opus')
  // FLAC in Ogg: the second packet is a metadata block whose first byte is its type.
  if ((packet[0] & 0x7f) === 4) return vorbisComments(packet.subarray(4), 'Ogg FLAC')
  return { warnings: [] }
}

/** vendor length + vendor, count, then `length KEY=value` entries (all little-endian). */
function vorbisComments(body: Buffer, where: string): ContainerTags {
  const out: ContainerTags = { warnings: [] }
  if (body.length < 8) return out
  let pos = 4 + body.readUInt32LE(0)
  if (pos + 4 > body.length) {
    out.warnings.push(`${where} comment block is cut short`)
    return out
  }
  const count = body.readUInt32LE(pos)
  pos += 4
  const tags = new Map<string, string>()
  for (let i = 0; i < count && pos + 4 <= body.length; i++) {
    const length = body.readUInt32LE(pos)
    pos += 4
    if (pos + length > body.length) {
      out.warnings.push(`${where} comment ${i + 1} of ${count} is cut short`)
      break
    }
    const entry = body.toString('utf8', pos, pos + length)
    pos += length
    const eq = entry.indexOf('=')
    if (eq <= 0) continue
    const key = entry.slice(0, eq).toUpperCase()
    if (!tags.has(key)) tags.set(key, entry.slice(eq + 1))
  }
  const comment = COMMENT_KEYS.map((k) => tags.get(k)).find((v) => v !== undefined)
  const artist = ARTIST_KEYS.map((k) => tags.get(k)).find((v) => v !== undefined)
  if (comment !== undefined) out.comment = comment
  if (artist !== undefined) out.artist = artist
  return out
}
