// Interleaved WAV sample bytes → one mono float32 channel (mean of channels, or one channel).
// Integer PCM is scaled like soundfile/torchaudio (16-bit → /32768); float NaN/±Inf are replaced
// (NaN → 0, ±Inf → ±1) and counted so the caller can warn.
import { decodePcm16Mono } from './pcm16-kernel'
import type { ChannelSelection } from './types'
import type { WavSampleFormat } from './wav-format'

/** Typed views of the sample widths `mix` reads (24-bit PCM has its own loop, `decode24`). */
type SampleView = Uint8Array | Int16Array | Int32Array | Float32Array | Float64Array

export interface PcmDecoder {
  /** Decodes `frames` frames from `bytes` (byteOffset 0, as read) into `out` at `outOffset`. */
  decode(bytes: Uint8Array, frames: number, out: Float32Array, outOffset: number): void
  /** NaN/±Inf samples replaced so far. */
  readonly nonFinite: number
}

/** The byte buffer must start on an 8-byte boundary so typed views of any width fit; callers allocate it here. */
export function allocateFrameBuffer(frames: number, format: WavSampleFormat): Uint8Array {
  return new Uint8Array(new ArrayBuffer(frames * format.blockAlign))
}

export function createPcmDecoder(format: WavSampleFormat, channel: ChannelSelection): PcmDecoder {
  const { channels, bytesPerSample, codec } = format
  const state = { nonFinite: 0 }

  const viewOf = (bytes: Uint8Array, frames: number): SampleView => {
    const n = frames * channels
    const buf = bytes.buffer
    const at = bytes.byteOffset
    if (codec === 'float') return bytesPerSample === 4 ? new Float32Array(buf, at, n) : new Float64Array(buf, at, n)
    switch (bytesPerSample) {
      case 1:
        return bytes.subarray(0, n)
      case 2:
        return new Int16Array(buf, at, n)
      default:
        return new Int32Array(buf, at, n)
    }
  }
  // Integers are left-justified in their container, so the container width sets the scale.
  const scale = codec === 'float' ? 1 : 1 / 2 ** (bytesPerSample * 8 - 1)
  const bias = codec === 'pcm' && bytesPerSample === 1 ? 128 : 0

  return {
    decode(bytes, frames, out, outOffset) {
      if (codec === 'pcm' && bytesPerSample === 3) {
        decode24(bytes, channels, frames, channel, out, outOffset)
        return
      }
      if (codec === 'pcm' && bytesPerSample === 2 && channels === 1) {
        decodePcm16Mono(bytes, frames, out, outOffset)
        return
      }
      const view = viewOf(bytes, frames)
      if (codec === 'float') state.nonFinite += sanitize(view as Float32Array | Float64Array, frames * channels)
      mix(view, bias, scale, channels, frames, channel, out, outOffset)
    },
    get nonFinite() {
      return state.nonFinite
    },
  }
}

function sanitize(view: Float32Array | Float64Array, n: number): number {
  let bad = 0
  for (let i = 0; i < n; i++) {
    const v = view[i]
    if (v - v !== 0) {
      // NaN - NaN and Inf - Inf are both NaN; finite values give 0.
      view[i] = v !== v ? 0 : v > 0 ? 1 : -1
      bad++
    }
  }
  return bad
}

function mix(view: SampleView, bias: number, scale: number, channels: number, frames: number, channel: ChannelSelection, out: Float32Array, outOffset: number): void {
  if (channel !== 'mean' || channels === 1) {
    const c = channel === 'mean' ? 0 : channel
    for (let i = 0, k = c; i < frames; i++, k += channels) out[outOffset + i] = (view[k] - bias) * scale
    return
  }
  for (let i = 0, k = 0; i < frames; i++) {
    let sum = 0
    for (let c = 0; c < channels; c++, k++) sum += view[k] - bias
    out[outOffset + i] = (sum * scale) / channels
  }
}

/**
 * 24-bit PCM straight from the bytes: one pass, no int32 copy, and a loop of its own, so the element
 * type it reads never varies. Same arithmetic as `mix`.
 */
function decode24(bytes: Uint8Array, channels: number, frames: number, channel: ChannelSelection, out: Float32Array, outOffset: number): void {
  const scale = 1 / 2 ** 23
  const stride = 3 * channels
  if (channel !== 'mean' || channels === 1) {
    const c = channel === 'mean' ? 0 : channel
    for (let i = 0, b = 3 * c; i < frames; i++, b += stride) {
      out[outOffset + i] = (((bytes[b] | (bytes[b + 1] << 8) | (bytes[b + 2] << 16)) << 8) >> 8) * scale
    }
    return
  }
  for (let i = 0, b = 0; i < frames; i++) {
    let sum = 0
    for (let c = 0; c < channels; c++, b += 3) sum += ((bytes[b] | (bytes[b + 1] << 8) | (bytes[b + 2] << 16)) << 8) >> 8
    out[outOffset + i] = (sum * scale) / channels
  }
}
