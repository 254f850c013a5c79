// MPEG audio (MP3, also Layer I/II): frame headers and the Xing/Info + LAME tags for the probe,
// mpg123-decoder (WASM) for the samples. The frame count matches mpg123's gapless output.
import { AppError } from '../errors'
import { streamDecoded, type PieceDecoder } from './decoded-stream'
import { readAt, type AudioFile } from './file-access'
import type { AudioSource } from './source'

export interface MpegFrameHeader {
  sampleRate: number
  channels: number
  samplesPerFrame: number
  frameBytes: number
  /** MPEG-1 (true) or MPEG-2/2.5 (false): decides where the Xing tag sits. */
  mpeg1: boolean
}

const BITRATES_KBPS: Record<string, number[]> = {
  '1-1': [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
  '1-2': [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
  '1-3': [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  '2-1': [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
  '2-2': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  '2-3': [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
}
const SAMPLE_RATES = [
  [11025, 12000, 8000], // MPEG 2.5
  [0, 0, 0], // reserved
  [22050, 24000, 16000], // MPEG 2
  [44100, 48000, 32000], // MPEG 1
]
/** Search this far for the first frame (past junk some taggers leave). */
const SYNC_SEARCH_BYTES = 64 * 1024
const SCAN_WINDOW = 256 * 1024

/** Parses a 4-byte frame header; undefined when the bytes cannot be one (or use free-format bitrate). */
export function parseMpegHeader(buf: Buffer, at: number): MpegFrameHeader | undefined {
  if (at + 4 > buf.length || buf[at] !== 0xff || (buf[at + 1] & 0xe0) !== 0xe0) return undefined
  const version = (buf[at + 1] >> 3) & 3
  const layerBits = (buf[at + 1] >> 1) & 3
  const bitrateIndex = buf[at + 2] >> 4
  const rateIndex = (buf[at + 2] >> 2) & 3
  if (version === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return undefined
  const layer = 4 - layerBits
  const mpeg1 = version === 3
  const kbps = BITRATES_KBPS[`${mpeg1 ? 1 : 2}-${layer}`][bitrateIndex]
  const sampleRate = SAMPLE_RATES[version][rateIndex]
  const padding = (buf[at + 2] >> 1) & 1
  const channels = buf[at + 3] >> 6 === 3 ? 1 : 2
  const bitrate = kbps * 1000
  let frameBytes: number
  let samplesPerFrame: number
  if (layer === 1) {
    frameBytes = (Math.floor((12 * bitrate) / sampleRate) + padding) * 4
    samplesPerFrame = 384
  } else if (layer === 2 || mpeg1) {
    frameBytes = Math.floor((144 * bitrate) / sampleRate) + padding
    samplesPerFrame = 1152
  } else {
    frameBytes = Math.floor((72 * bitrate) / sampleRate) + padding
    samplesPerFrame = 576
  }
  return { sampleRate, channels, samplesPerFrame, frameBytes, mpeg1 }
}

/** Size of an ID3v2 tag at the start of `head` (0 if none). */
export function id3v2Size(head: Buffer): number {
  if (head.length < 10 || head.toString('latin1', 0, 3) !== 'ID3') return 0
  const syncsafe = ((head[6] & 0x7f) << 21) | ((head[7] & 0x7f) << 14) | ((head[8] & 0x7f) << 7) | (head[9] & 0x7f)
  return 10 + syncsafe + (head[5] & 0x10 ? 10 : 0)
}

/** A header followed by another header where its length says (or by the end of the file). */
function confirmedHeaderAt(buf: Buffer, at: number, bufEndsFile: boolean): MpegFrameHeader | undefined {
  const h = parseMpegHeader(buf, at)
  if (!h) return undefined
  const next = at + h.frameBytes
  // At the end of the file the frame must fit; a frame running past the read window is given the benefit of the doubt.
  if (next + 4 > buf.length) return (bufEndsFile ? next <= buf.length : next >= buf.length) ? h : undefined
  const n = parseMpegHeader(buf, next)
  return n && n.sampleRate === h.sampleRate ? h : undefined
}

/** Frames × samples after the Xing/Info tag, less the LAME encoder delay and padding. */
function framesFromInfoTag(frame: Buffer, h: MpegFrameHeader): number | undefined {
  const side = h.mpeg1 ? (h.channels === 1 ? 17 : 32) : h.channels === 1 ? 9 : 17
  const at = 4 + side
  const tag = frame.toString('latin1', at, at + 4)
  if (tag === 'Xing' || tag === 'Info') {
    const flags = frame.readUInt32BE(at + 4)
    if (!(flags & 1)) return undefined
    const frames = frame.readUInt32BE(at + 8)
    let lame = at + 8 + 4 + (flags & 2 ? 4 : 0) + (flags & 4 ? 100 : 0) + (flags & 8 ? 4 : 0)
    let trim = 0
    if (lame + 24 <= frame.length && /^[A-Za-z]{4}$/.test(frame.toString('latin1', lame, lame + 4))) {
      lame += 21
      const delay = (frame[lame] << 4) | (frame[lame + 1] >> 4)
      const padding = ((frame[lame + 1] & 0x0f) << 8) | frame[lame + 2]
      trim = delay + padding
    }
    return Math.max(0, frames * h.samplesPerFrame - trim)
  }
  if (frame.toString('latin1', 36, 40) === 'VBRI' && frame.length >= 36 + 18) {
    return frame.readUInt32BE(36 + 14) * h.samplesPerFrame
  }
  return undefined
}

/** Counts frames by walking headers (no decoding); used when there is no Xing/Info tag. */
async function countFrames(file: AudioFile, from: number): Promise<number> {
  let frames = 0
  let samples = 0
  let pos = from
  while (pos + 4 <= file.size) {
    const window = await readAt(file, pos, SCAN_WINDOW)
    const endsFile = pos + window.length >= file.size
    let i = 0
    while (i + 4 <= window.length) {
      const h = parseMpegHeader(window, i)
      if (h) {
        if (i + h.frameBytes > window.length && !endsFile) break
        frames++
        samples += h.samplesPerFrame
        i += h.frameBytes
        continue
      }
      // Lost sync (junk or an ID3v1 tag): look for the next confirmed header.
      let j = i + 1
      while (j + 4 <= window.length && !confirmedHeaderAt(window, j, endsFile)) j++
      if (j + 4 > window.length) {
        i = endsFile ? window.length : Math.max(i + 1, window.length - 8192)
        break
      }
      i = j
    }
    if (endsFile) break
    pos += Math.max(1, i)
  }
  return frames > 0 ? samples : 0
}

export async function openMpegSource(file: AudioFile, fromByte: number): Promise<AudioSource> {
  const { path } = file
  const head = await readAt(file, fromByte, SYNC_SEARCH_BYTES)
  const headEndsFile = fromByte + head.length >= file.size
  let first = -1
  let h: MpegFrameHeader | undefined
  for (let i = 0; i + 4 <= head.length; i++) {
    h = confirmedHeaderAt(head, i, headEndsFile)
    if (h) {
      first = i
      break
    }
  }
  if (!h || first < 0) throw new AppError('AUDIO_UNSUPPORTED', `${path}: no MPEG audio frames found; not an audio file this app reads`, { path })
  const header = h
  const start = fromByte + first
  const firstFrame = await readAt(file, start, Math.max(header.frameBytes, 192))
  const frames = framesFromInfoTag(firstFrame, header) ?? (await countFrames(file, start))
  return {
    file,
    info: {
      path,
      container: 'mp3',
      codec: 'mp3',
      sampleRate: header.sampleRate,
      channels: header.channels,
      frames,
      durationSeconds: frames / header.sampleRate,
      warnings: [],
    },
    read: async function* (request) {
      const decoder = await createMpegDecoder()
      yield* streamDecoded({ file, fromByte: start, channels: header.channels, expectedFrames: frames, codecName: 'MPEG', decoder }, request)
    },
  }
}

async function createMpegDecoder(): Promise<PieceDecoder> {
  const { MPEGDecoder } = await import('mpg123-decoder')
  const decoder = new MPEGDecoder()
  await decoder.ready
  return decoder
}
