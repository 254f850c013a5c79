// FLAC: STREAMINFO for the probe, @wasm-audio-decoders/flac (libFLAC in WASM) for the samples.
import { AppError } from '../errors'
import { streamDecoded, type DecodedPiece, type PieceDecoder } from './decoded-stream'
import { readAt, type AudioFile } from './file-access'
import type { AudioSource } from './source'

export interface StreamInfo {
  sampleRate: number
  channels: number
  bitsPerSample: number
  /** 0 when the encoder did not know the length. */
  totalFrames: number
}

/** STREAMINFO body (34 bytes): 20-bit rate, 3-bit channels−1, 5-bit bits−1, 36-bit total samples. */
export function parseStreamInfo(body: Buffer): StreamInfo {
  const sampleRate = (body[10] << 12) | (body[11] << 4) | (body[12] >> 4)
  const channels = ((body[12] >> 1) & 0x07) + 1
  const bitsPerSample = (((body[12] & 0x01) << 4) | (body[13] >> 4)) + 1
  const totalFrames = (body[13] & 0x0f) * 2 ** 32 + body.readUInt32BE(14)
  return { sampleRate, channels, bitsPerSample, totalFrames }
}

export async function openFlacSource(file: AudioFile, fromByte: number): Promise<AudioSource> {
  const { path } = file
  // 'fLaC' + metadata block header (4) + STREAMINFO (34)
  const head = await readAt(file, fromByte, 42)
  if (head.length < 42) throw new AppError('AUDIO_TRUNCATED', `${path}: the file ends inside the FLAC STREAMINFO header`, { path })
  if ((head[4] & 0x7f) !== 0) throw new AppError('AUDIO_CORRUPT', `${path}: FLAC stream does not start with STREAMINFO`, { path })
  const si = parseStreamInfo(head.subarray(8, 42))
  if (si.sampleRate === 0) throw new AppError('AUDIO_CORRUPT', `${path}: FLAC STREAMINFO says sample rate 0 Hz`, { path })
  const warnings: string[] = []
  if (si.totalFrames === 0) warnings.push('FLAC STREAMINFO does not give the length; frames is 0 until decoded')
  return {
    file,
    info: {
      path,
      container: 'flac',
      codec: 'flac',
      sampleRate: si.sampleRate,
      channels: si.channels,
      frames: si.totalFrames,
      durationSeconds: si.totalFrames / si.sampleRate,
      bitsPerSample: si.bitsPerSample,
      warnings,
    },
    read: async function* (request) {
      const decoder = await createFlacDecoder()
      yield* streamDecoded({ file, fromByte, channels: si.channels, expectedFrames: si.totalFrames, codecName: 'FLAC', decoder }, request)
    },
  }
}

/** Also used for FLAC inside Ogg, which the same package decodes. */
export async function createFlacDecoder(): Promise<PieceDecoder> {
  const { FLACDecoder } = await import('@wasm-audio-decoders/flac')
  const decoder = new FLACDecoder()
  await decoder.ready
  return {
    decode: async (bytes) => rescaleToPowerOfTwo(await decoder.decode(bytes)),
    flush: async () => rescaleToPowerOfTwo(await decoder.flush()),
    free: () => decoder.free(),
  }
}

/**
 * The package divides b-bit integers by 2^(b−1) − 1 (16-bit: 32767); soundfile, torchaudio and
 * our WAV reader divide by 2^(b−1). Recover the integer (exact up to 24 bits) and rescale.
 */
function rescaleToPowerOfTwo<T extends DecodedPiece & { bitDepth: number }>(piece: T): T {
  const bits = piece.bitDepth
  if (!(bits >= 2 && bits <= 32)) return piece
  const full = 2 ** (bits - 1)
  const packageScale = full - 1
  for (const plane of piece.channelData) {
    for (let i = 0; i < piece.samplesDecoded; i++) plane[i] = Math.round(plane[i] * packageScale) / full
  }
  return piece
}
