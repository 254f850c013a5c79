// Which reader a file needs, from its first bytes (never from its extension).
import { AppError } from '../errors'
import { readAt, type AudioFile } from './file-access'
import { id3v2Size } from './mp3'

export type SniffedFormat = { kind: 'wav' } | { kind: 'flac'; fromByte: number } | { kind: 'ogg' } | { kind: 'mpeg'; fromByte: number }

const MAGIC_PREFIXES = ['RIFF', 'RF64', 'BW64', 'fLaC', 'OggS', 'ID3']

export async function sniffFormat(file: AudioFile): Promise<SniffedFormat> {
  const { path } = file
  if (file.size === 0) throw new AppError('AUDIO_EMPTY', `${path}: the file is empty (0 bytes)`, { path })
  const head = await readAt(file, 0, 16)
  const ascii = (from: number, to: number): string => head.toString('latin1', from, to)
  if (head.length < 12) {
    const text = ascii(0, Math.min(4, head.length))
    if (MAGIC_PREFIXES.some((m) => m.startsWith(text) || text.startsWith(m))) {
      throw new AppError('AUDIO_TRUNCATED', `${path}: only ${head.length} bytes, too short for an audio header`, { path })
    }
  }
  const magic = ascii(0, 4)
  if (magic === 'RIFF' || magic === 'RF64' || magic === 'BW64') return { kind: 'wav' }
  if (magic === 'fLaC') return { kind: 'flac', fromByte: 0 }
  if (magic === 'OggS') return { kind: 'ogg' }
  if (magic === 'RIFX') throw new AppError('AUDIO_UNSUPPORTED', `${path}: big-endian RIFX WAV is not supported`, { path })
  if (magic === 'FORM') throw new AppError('AUDIO_UNSUPPORTED', `${path}: AIFF is not supported (convert it to WAV or FLAC)`, { path })
  if (ascii(4, 8) === 'ftyp') throw new AppError('AUDIO_UNSUPPORTED', `${path}: MP4/M4A audio is not supported (convert it to WAV or FLAC)`, { path })
  if (head[0] === 0xff && (head[1] & 0xf6) === 0xf0) {
    throw new AppError('AUDIO_UNSUPPORTED', `${path}: AAC (ADTS) audio is not supported (convert it to WAV or FLAC)`, { path })
  }
  if (head.length >= 2 && head[0] === 0xff && (head[1] & 0xe0) === 0xe0) return { kind: 'mpeg', fromByte: 0 }
  const tagBytes = id3v2Size(head)
  if (tagBytes > 0) {
    if (tagBytes >= file.size) throw new AppError('AUDIO_TRUNCATED', `${path}: the file ends inside its ID3 tag`, { path })
    const after = await readAt(file, tagBytes, 4)
    if (after.toString('latin1') === 'fLaC') return { kind: 'flac', fromByte: tagBytes }
    return { kind: 'mpeg', fromByte: tagBytes }
  }
  const shown = [...head.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ')
  throw new AppError('AUDIO_UNSUPPORTED', `${path}: not an audio format this app reads (starts with bytes ${shown})`, { path })
}
