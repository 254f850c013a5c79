// File → mono 16 kHz float32 blocks: what the fbank and the encoder consume.
import { AppError } from '../errors'
import { probeAudio, streamAudio } from './audio-file'
import { StreamingResampler } from './resampler'
import type { StreamAudioOptions, StreamSummary } from './types'

export const MODEL_SAMPLE_RATE = 16_000

export interface Stream16kOptions extends Omit<StreamAudioOptions, 'onProgress'> {
  /**
   * Time-expansion factor of the recorder (from wamd/GUANO metadata or the user): the true rate
   * is header rate × factor, e.g. a ×10 file whose header says 38 400 Hz was sampled at 384 kHz.
   */
  timeExpansion?: number
  /** 16 kHz samples delivered so far and expected in total. */
  onProgress?: (doneSamples: number, totalSamples: number) => void
}

/** The rate the samples were really taken at: header rate × time-expansion factor, in whole Hz. */
export function effectiveSampleRate(headerRate: number, timeExpansion = 1): number {
  if (!Number.isFinite(timeExpansion) || timeExpansion <= 0) {
    throw new AppError('INVALID_REQUEST', `time-expansion factor must be a positive number, got ${timeExpansion}`)
  }
  return Math.max(1, Math.round(headerRate * timeExpansion))
}

/** streamAudio → streaming resampler: identical to resample(decodeAudio(…).samples, rate, 16 000). */
export async function* stream16k(path: string, opts: Stream16kOptions = {}): AsyncGenerator<Float32Array, StreamSummary, undefined> {
  const { timeExpansion = 1, onProgress, ...streamOpts } = opts
  const info = await probeAudio(path)
  const rate = effectiveSampleRate(info.sampleRate, timeExpansion)
  const extraWarnings: string[] = []
  if (rate !== info.sampleRate * timeExpansion) {
    const message = `header rate ${info.sampleRate} Hz × time expansion ${timeExpansion} is not a whole number of Hz; using ${rate} Hz`
    extraWarnings.push(message)
    opts.onWarning?.(message)
  }
  const resampler = new StreamingResampler(rate, MODEL_SAMPLE_RATE)
  const startFrame = opts.startFrame ?? 0
  const sourceFrames = Math.max(0, Math.min(opts.endFrame ?? info.frames, info.frames) - startFrame)
  const expected = Math.ceil((sourceFrames * MODEL_SAMPLE_RATE) / rate)
  let delivered = 0
  const source = streamAudio(path, streamOpts)
  let step = await source.next()
  try {
    while (!step.done) {
      const out = resampler.push(step.value)
      if (out.length > 0) {
        delivered += out.length
        onProgress?.(delivered, Math.max(expected, delivered))
        yield out
      }
      step = await source.next()
    }
  } finally {
    // A consumer that stops early must still close the file.
    if (!step.done) await source.return({ frames: delivered, warnings: [] })
  }
  const tail = resampler.flush()
  if (tail.length > 0) {
    delivered += tail.length
    onProgress?.(delivered, Math.max(expected, delivered))
    yield tail
  }
  return { frames: delivered, warnings: [...extraWarnings, ...step.value.warnings] }
}
