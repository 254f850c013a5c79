// The one way into audio files: probe the header, stream mono float32 blocks, or decode a short file.
import { AppError, throwIfAborted } from '../errors'
import { openAudioFile } from './file-access'
import { openFlacSource } from './flac'
import { openMpegSource } from './mp3'
import { openOggSource } from './ogg'
import { sniffFormat } from './sniff'
import type { AudioSource } from './source'
import type { AudioInfo, ChannelSelection, StreamAudioOptions, StreamSummary } from './types'
import { openWavSource } from './wav'

const DEFAULT_BLOCK_FRAMES = 65_536
const MAX_BLOCK_FRAMES = 1 << 24
/** decodeAudio holds everything in one array; beyond this, stream instead (1 GiB of float32). */
const MAX_DECODE_FRAMES = 1 << 28

async function openSource(path: string): Promise<AudioSource> {
  const file = await openAudioFile(path)
  try {
    const format = await sniffFormat(file)
    switch (format.kind) {
      case 'wav':
        return await openWavSource(file)
      case 'flac':
        return await openFlacSource(file, format.fromByte)
      case 'ogg':
        return await openOggSource(file)
      case 'mpeg':
        return await openMpegSource(file, format.fromByte)
    }
  } catch (err) {
    await file.handle.close()
    throw err
  }
}

/** Header-only look at a file: container, codec, rate, channels, length, and what was tolerated. */
export async function probeAudio(path: string): Promise<AudioInfo> {
  const source = await openSource(path)
  await source.file.handle.close()
  return source.info
}

function checkFrameOption(path: string, name: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined) return
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new AppError('INVALID_REQUEST', `${path}: ${name} must be an integer from ${min} to ${max}, got ${value}`, { path })
  }
}

function checkChannel(info: AudioInfo, channel: ChannelSelection): void {
  if (channel === 'mean') return
  if (!Number.isInteger(channel) || channel < 0 || channel >= info.channels) {
    throw new AppError('INVALID_REQUEST', `${info.path}: channel ${channel} requested but the file has ${info.channels} channel(s) (0-based)`, {
      path: info.path,
    })
  }
}

/**
 * Mono float32 blocks of `blockFrames` frames (the last may be shorter) from `startFrame` to
 * `endFrame`, with bounded memory whatever the file's size. Returns a summary with all warnings.
 */
export async function* streamAudio(path: string, opts: StreamAudioOptions = {}): AsyncGenerator<Float32Array, StreamSummary, undefined> {
  const blockFrames = opts.blockFrames ?? DEFAULT_BLOCK_FRAMES
  checkFrameOption(path, 'blockFrames', blockFrames, 1, MAX_BLOCK_FRAMES)
  checkFrameOption(path, 'startFrame', opts.startFrame, 0, Number.MAX_SAFE_INTEGER)
  checkFrameOption(path, 'endFrame', opts.endFrame, opts.startFrame ?? 0, Number.MAX_SAFE_INTEGER)
  throwIfAborted(opts.signal)
  const source = await openSource(path)
  const warnings: string[] = []
  const warn = (message: string): void => {
    warnings.push(message)
    opts.onWarning?.(message)
  }
  let delivered = 0
  try {
    const { info } = source
    const channel = opts.channel ?? 'mean'
    checkChannel(info, channel)
    info.warnings.forEach(warn)
    const startFrame = opts.startFrame ?? 0
    // Compressed lengths come from tags, so read to the real end unless asked to stop earlier.
    const exactLength = info.codec === 'pcm' || info.codec === 'float'
    const endFrame = opts.endFrame ?? (exactLength ? info.frames : Number.MAX_SAFE_INTEGER)
    const expected = Math.max(0, Math.min(endFrame, info.frames || endFrame) - startFrame)
    for await (const block of source.read({ channel, blockFrames, startFrame, endFrame, signal: opts.signal, warn })) {
      delivered += block.length
      opts.onProgress?.(delivered, Math.max(expected, delivered))
      yield block
      throwIfAborted(opts.signal)
    }
  } finally {
    await source.file.handle.close()
  }
  return { frames: delivered, warnings }
}

export interface DecodeAudioOptions {
  channel?: ChannelSelection
  startFrame?: number
  endFrame?: number
  signal?: AbortSignal
}

/** Whole-file (or excerpt) decode into one array, for short files; long files should stream. */
export async function decodeAudio(path: string, opts: DecodeAudioOptions = {}): Promise<{ info: AudioInfo; samples: Float32Array }> {
  const info = await probeAudio(path)
  const wanted = Math.min(opts.endFrame ?? info.frames, info.frames) - (opts.startFrame ?? 0)
  if (wanted > MAX_DECODE_FRAMES) {
    throw new AppError('INVALID_REQUEST', `${path}: ${wanted} frames is too long to decode at once; stream it instead`, { path })
  }
  const blocks: Float32Array[] = []
  let total = 0
  const stream = streamAudio(path, { ...opts, blockFrames: 1 << 20 })
  let step = await stream.next()
  while (!step.done) {
    total += step.value.length
    if (total > MAX_DECODE_FRAMES) {
      await stream.return({ frames: total, warnings: [] })
      throw new AppError('INVALID_REQUEST', `${path}: more than ${MAX_DECODE_FRAMES} frames; stream it instead`, { path })
    }
    blocks.push(step.value)
    step = await stream.next()
  }
  const samples = blocks.length === 1 ? blocks[0] : concat(blocks, total)
  const whole = (opts.startFrame ?? 0) === 0 && opts.endFrame === undefined
  const frames = whole ? total : info.frames
  return {
    info: { ...info, frames, durationSeconds: frames / info.sampleRate, warnings: step.value.warnings },
    samples,
  }
}

function concat(blocks: Float32Array[], total: number): Float32Array {
  const out = new Float32Array(total)
  let at = 0
  for (const b of blocks) {
    out.set(b, at)
    at += b.length
  }
  return out
}
