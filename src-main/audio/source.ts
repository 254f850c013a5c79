// What every container reader provides to the streaming API: the probed info and a block reader.
import type { AudioFile } from './file-access'
import type { AudioInfo } from './types'

export interface ReadRequest {
  /** Mean of channels, or a validated 0-based channel index. */
  channel: number | 'mean'
  blockFrames: number
  startFrame: number
  /** One past the last frame wanted; may exceed the file (compressed lengths are not exact). */
  endFrame: number
  signal?: AbortSignal
  warn: (message: string) => void
}

export interface AudioSource {
  info: AudioInfo
  file: AudioFile
  /** Mono float32 blocks of `blockFrames` frames (the last may be shorter) covering the request. */
  read(request: ReadRequest): AsyncGenerator<Float32Array, void, undefined>
}
