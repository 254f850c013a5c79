// WAV / RF64 reading: header layout from the chunk walk, then byte-offset seeks into `data`.
import { AppError, throwIfAborted } from '../errors'
import { readAt, readInto, type AudioFile } from './file-access'
import { allocateFrameBuffer, createPcmDecoder } from './pcm'
import { walkRiff } from './riff'
import type { AudioSource, ReadRequest } from './source'
import { parseWavFormat, type WavSampleFormat } from './wav-format'

/** Reads are about this large (several blocks at once): fewer trips to the file system. */
const READ_TARGET_BYTES = 1024 * 1024
/** One read stays under this many bytes however many channels the file has. */
const MAX_READ_BYTES = 4 * 1024 * 1024

export async function openWavSource(file: AudioFile): Promise<AudioSource> {
  const { path } = file
  const layout = await walkRiff(file)
  if (layout.form !== 'WAVE') {
    throw new AppError('AUDIO_UNSUPPORTED', `${path}: RIFF form '${layout.form}' is not WAVE audio`, { path })
  }
  const warnings = [...layout.warnings]
  const fmtChunk = layout.chunks.find((c) => c.id === 'fmt ')
  const data = layout.chunks.find((c) => c.id === 'data')
  if (!fmtChunk) {
    const code = layout.complete && !data ? 'AUDIO_TRUNCATED' : 'AUDIO_CORRUPT'
    throw new AppError(code, `${path}: no 'fmt ' chunk${code === 'AUDIO_TRUNCATED' ? ` (the file ends after ${file.size} bytes)` : ''}`, { path })
  }
  if (fmtChunk.size < fmtChunk.declaredSize && fmtChunk.size < 16) {
    throw new AppError('AUDIO_TRUNCATED', `${path}: the file ends inside the 'fmt ' chunk`, { path })
  }
  const format = parseWavFormat(path, await readAt(file, fmtChunk.offset, Math.min(fmtChunk.size, 64)), warnings)
  if (!data) {
    const code = layout.complete ? 'AUDIO_TRUNCATED' : 'AUDIO_CORRUPT'
    throw new AppError(code, `${path}: no 'data' chunk${layout.complete ? ` (the file ends after ${file.size} bytes)` : ''}`, { path })
  }
  const frames = Math.floor(data.size / format.blockAlign)
  if (frames === 0) {
    if (data.declaredSize > data.size) {
      throw new AppError(
        'AUDIO_TRUNCATED',
        `${path}: 'data' promises ${data.declaredSize} bytes but the file holds ${data.size}, less than one ${format.blockAlign}-byte frame`,
        { path },
      )
    }
    throw new AppError('AUDIO_EMPTY', `${path}: no samples ('data' chunk is ${data.size} bytes)`, { path })
  }
  const partial = data.size - frames * format.blockAlign
  if (partial > 0) warnings.push(`'data' ends with ${partial} bytes of a partial frame; ignored`)

  return {
    file,
    info: {
      path,
      container: layout.kind === 'RIFF' ? 'wav' : 'rf64',
      codec: format.codec,
      sampleRate: format.sampleRate,
      channels: format.channels,
      frames,
      durationSeconds: frames / format.sampleRate,
      bitsPerSample: format.validBits,
      warnings,
    },
    read: (request) => readWavFrames(file, format, data.offset, frames, request),
  }
}

async function* readWavFrames(
  file: AudioFile,
  format: WavSampleFormat,
  dataOffset: number,
  totalFrames: number,
  request: ReadRequest,
): AsyncGenerator<Float32Array, void, undefined> {
  const end = Math.min(request.endFrame, totalFrames)
  const blockBytes = request.blockFrames * format.blockAlign
  // Whole blocks per read, so every block but the last has blockFrames frames.
  const blockFrames = blockBytes <= MAX_READ_BYTES ? request.blockFrames : Math.max(1, Math.floor(MAX_READ_BYTES / format.blockAlign))
  const readFrames = blockFrames * Math.max(1, Math.floor(READ_TARGET_BYTES / (blockFrames * format.blockAlign)))
  const bytes = allocateFrameBuffer(Math.min(readFrames, Math.max(0, end - request.startFrame)), format)
  const pcm = createPcmDecoder(format, request.channel)
  for (let frame = request.startFrame; frame < end; ) {
    throwIfAborted(request.signal)
    const n = Math.min(readFrames, end - frame)
    const want = n * format.blockAlign
    const got = await readInto(file, bytes.subarray(0, want), dataOffset + frame * format.blockAlign)
    const complete = Math.floor(got / format.blockAlign)
    if (complete > 0) {
      const decoded = new Float32Array(complete)
      pcm.decode(bytes, complete, decoded, 0)
      for (let at = 0; at < complete; at += blockFrames) yield decoded.subarray(at, Math.min(complete, at + blockFrames))
    }
    if (got < want) {
      request.warn(`${file.path}: the file ended at frame ${frame + complete} while reading (it shrank after it was opened)`)
      break
    }
    frame += n
  }
  if (pcm.nonFinite > 0) {
    request.warn(`${pcm.nonFinite} NaN/Inf sample(s) replaced (NaN → 0, ±Inf → ±1)`)
  }
}
