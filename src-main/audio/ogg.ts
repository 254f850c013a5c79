// Ogg: the first page says which codec (Vorbis or FLAC are decoded; Opus/Speex are refused);
// the last page's granule position gives the length without decoding.
import { AppError } from '../errors'
import { streamDecoded, type PieceDecoder } from './decoded-stream'
import { readAt, type AudioFile } from './file-access'
import { createFlacDecoder, parseStreamInfo } from './flac'
import type { AudioSource } from './source'

const PAGE_HEADER = 27
/** The last page is at most 65 307 bytes long. */
const TAIL_BYTES = 65_536 + PAGE_HEADER + 255

interface OggStreamHead {
  codec: 'vorbis' | 'flac'
  sampleRate: number
  channels: number
  bitsPerSample?: number
  serial: number
}

async function readStreamHead(file: AudioFile): Promise<OggStreamHead> {
  const { path } = file
  const page = await readAt(file, 0, PAGE_HEADER + 255 + 64)
  if (page.length < PAGE_HEADER + 1) throw new AppError('AUDIO_TRUNCATED', `${path}: the file ends inside the first Ogg page`, { path })
  const segments = page[26]
  const p = PAGE_HEADER + segments
  const packet = page.subarray(p)
  const serial = page.readUInt32LE(14)
  const tag = (s: string, at = 0): boolean => packet.length >= at + s.length && packet.toString('latin1', at, at + s.length) === s
  if (packet[0] === 0x01 && tag('vorbis', 1)) {
    if (packet.length < 16) throw new AppError('AUDIO_TRUNCATED', `${path}: the file ends inside the Vorbis header`, { path })
    const channels = packet[11]
    const sampleRate = packet.readUInt32LE(12)
    if (channels === 0 || sampleRate === 0) throw new AppError('AUDIO_CORRUPT', `${path}: Vorbis header says ${channels} channels at ${sampleRate} Hz`, { path })
    return { codec: 'vorbis', sampleRate, channels, serial }
  }
  if (packet[0] === 0x7f && tag('FLAC', 1) && tag('fLaC', 9)) {
    if (packet.length < 51) throw new AppError('AUDIO_TRUNCATED', `${path}: the file ends inside the Ogg FLAC header`, { path })
    const si = parseStreamInfo(packet.subarray(17, 51))
    if (si.sampleRate === 0) throw new AppError('AUDIO_CORRUPT', `${path}: FLAC STREAMINFO says sample rate 0 Hz`, { path })
    return { codec: 'flac', sampleRate: si.sampleRate, channels: si.channels, bitsPerSample: si.bitsPerSample, serial }
  }
  const name = tag('OpusHead') ? 'Opus' : tag('Speex') ? 'Speex' : tag('\x80theora', 0) ? 'Theora video' : 'an unknown codec'
  throw new AppError('AUDIO_UNSUPPORTED', `${path}: Ogg stream with ${name} is not supported (Vorbis and FLAC are)`, { path })
}

/** Granule position of the last complete page of our stream: the frame count for Vorbis and FLAC. */
async function lastGranule(file: AudioFile, serial: number): Promise<number | undefined> {
  const start = Math.max(0, file.size - TAIL_BYTES)
  const tail = await readAt(file, start, file.size - start)
  for (let i = tail.lastIndexOf('OggS'); i >= 0; i = i > 0 ? tail.lastIndexOf('OggS', i - 1) : -1) {
    if (i + PAGE_HEADER > tail.length || tail.readUInt32LE(i + 14) !== serial) continue
    const granule = tail.readBigInt64LE(i + 6)
    if (granule >= 0n) return Number(granule)
  }
  return undefined
}

export async function openOggSource(file: AudioFile): Promise<AudioSource> {
  const head = await readStreamHead(file)
  const warnings: string[] = []
  const granule = await lastGranule(file, head.serial)
  if (granule === undefined) warnings.push('no final Ogg page with a granule position; length unknown until decoded')
  const frames = granule ?? 0
  return {
    file,
    info: {
      path: file.path,
      container: 'ogg',
      codec: head.codec,
      sampleRate: head.sampleRate,
      channels: head.channels,
      frames,
      durationSeconds: frames / head.sampleRate,
      ...(head.bitsPerSample ? { bitsPerSample: head.bitsPerSample } : {}),
      warnings,
    },
    read: async function* (request) {
      const decoder = head.codec === 'flac' ? await createFlacDecoder() : await createVorbisDecoder()
      const codecName = head.codec === 'flac' ? 'Ogg FLAC' : 'Vorbis'
      yield* streamDecoded({ file, fromByte: 0, channels: head.channels, expectedFrames: frames, codecName, decoder }, request)
    },
  }
}

async function createVorbisDecoder(): Promise<PieceDecoder> {
  const { OggVorbisDecoder } = await import('@wasm-audio-decoders/ogg-vorbis')
  const decoder = new OggVorbisDecoder()
  await decoder.ready
  return decoder
}
