// Public shapes of the audio library: what a probe reports and how a stream is asked for.

export type AudioContainer = 'wav' | 'rf64' | 'flac' | 'ogg' | 'mp3'
export type AudioCodec = 'pcm' | 'float' | 'flac' | 'vorbis' | 'mp3'

/** What a header (not a full decode) says about a file. */
export interface AudioInfo {
  path: string
  container: AudioContainer
  codec: AudioCodec
  /** Rate written in the header; time-expanded recordings need a factor on top (see stream16k). */
  sampleRate: number
  channels: number
  /** Frames (samples per channel) the decoder will deliver; for MP3/Ogg taken from tags/granules. */
  frames: number
  durationSeconds: number
  /** Bits per sample actually used (WAV validBits, FLAC sample size); absent for lossy codecs. */
  bitsPerSample?: number
  /** Things we tolerated: lying sizes, missing pad bytes, junk after the data, … */
  warnings: string[]
}

/** Mean of all channels (the model's policy), or one channel by 0-based index. */
export type ChannelSelection = number | 'mean'

export interface StreamAudioOptions {
  channel?: ChannelSelection
  /**
   * Frames per yielded block, default 65 536. Only the last block is shorter, except WAV files
   * with so many channels that one block of raw bytes would pass 4 MB (then blocks are smaller).
   */
  blockFrames?: number
  /** First frame to deliver (header-rate frames); WAV seeks to it directly. */
  startFrame?: number
  /** One past the last frame to deliver; clamped to the file. */
  endFrame?: number
  signal?: AbortSignal
  /** Called with each warning as soon as it is known (NaN counts arrive at the end). */
  onWarning?: (message: string) => void
  /** Frames delivered so far and frames expected, for a progress bar. */
  onProgress?: (doneFrames: number, totalFrames: number) => void
}

/** Returned by the stream generators once they finish. */
export interface StreamSummary {
  /** Frames (or 16 kHz samples for stream16k) delivered. */
  frames: number
  /** Every warning of the probe and of the decode, in order. */
  warnings: string[]
}
