// Shared streaming loop for the WASM decoders (FLAC, Ogg Vorbis, MP3): read the file in pieces,
// decode, mix planar channels to mono, keep the requested frame range, cut fixed-size blocks.
import { AppError, throwIfAborted } from '../errors'
import { BlockAssembler } from './block-assembler'
import { readAt, type AudioFile } from './file-access'
import type { ReadRequest } from './source'

export interface DecodedPiece {
  channelData: Float32Array[]
  samplesDecoded: number
  errors: { message: string }[]
}

/** The common face of the three decoder packages. */
export interface PieceDecoder {
  decode(bytes: Uint8Array): Promise<DecodedPiece> | DecodedPiece
  /** Emits what the decoder still holds at the end of the input (not all decoders have it). */
  flush?(): Promise<DecodedPiece>
  free(): void
}

const READ_BYTES = 256 * 1024

export interface DecodeRun {
  file: AudioFile
  /** First byte to feed the decoder. */
  fromByte: number
  /** Channels the file really has (mpg123 always outputs two; a mono MP3 uses the first). */
  channels: number
  /** Frames the header promised, to notice a file that ends early; 0 if unknown. */
  expectedFrames: number
  codecName: string
  decoder: PieceDecoder
}

export async function* streamDecoded(run: DecodeRun, request: ReadRequest): AsyncGenerator<Float32Array, void, undefined> {
  const { file, decoder } = run
  const assembler = new BlockAssembler(request.blockFrames)
  let decodedFrames = 0
  let errorCount = 0
  let firstError = ''

  const take = function (piece: DecodedPiece): Float32Array[] {
    for (const e of piece.errors) {
      if (errorCount++ === 0) firstError = e.message
    }
    const n = piece.samplesDecoded
    const from = Math.max(0, request.startFrame - decodedFrames)
    const to = Math.min(n, request.endFrame - decodedFrames)
    decodedFrames += n
    if (to <= from) return []
    const planes = piece.channelData.slice(0, run.channels)
    return assembler.append(to - from, (target, at, src, count) => mixPlanes(planes, request.channel, from + src, count, target, at))
  }

  try {
    let pos = run.fromByte
    while (pos < file.size && decodedFrames < request.endFrame) {
      throwIfAborted(request.signal)
      const bytes = await readAt(file, pos, READ_BYTES)
      if (bytes.length === 0) break
      pos += bytes.length
      yield* take(await decoder.decode(bytes))
    }
    if (decodedFrames < request.endFrame && decoder.flush) yield* take(await decoder.flush())
    const last = assembler.finish()
    if (last) yield last
  } finally {
    decoder.free()
  }

  if (decodedFrames === 0) {
    const reason = errorCount > 0 ? `the ${run.codecName} decoder produced no audio (${firstError})` : `the ${run.codecName} decoder produced no audio`
    throw new AppError(errorCount > 0 || run.expectedFrames > 0 ? 'AUDIO_CORRUPT' : 'AUDIO_EMPTY', `${file.path}: ${reason}`, { path: file.path })
  }
  if (errorCount > 0) request.warn(`${run.codecName} decoder reported ${errorCount} error(s); first: ${firstError}`)
  if (run.expectedFrames > 0 && decodedFrames < run.expectedFrames && decodedFrames < request.endFrame) {
    request.warn(`the header promises ${run.expectedFrames} frames but only ${decodedFrames} could be decoded (file truncated?)`)
  }
}

function mixPlanes(planes: Float32Array[], channel: number | 'mean', from: number, count: number, target: Float32Array, at: number): void {
  if (channel !== 'mean' || planes.length === 1) {
    target.set(planes[channel === 'mean' ? 0 : channel].subarray(from, from + count), at)
    return
  }
  const c = planes.length
  for (let i = 0; i < count; i++) {
    let sum = 0
    for (let k = 0; k < c; k++) sum += planes[k][from + i]
    target[at + i] = sum / c
  }
}
