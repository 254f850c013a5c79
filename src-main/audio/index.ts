// Public face of the audio library (pure Node: used by the CLI, workers and services).
export { decodeAudio, probeAudio, streamAudio, type DecodeAudioOptions } from './audio-file'
export { resample, resampledLength, StreamingResampler } from './resampler'
export { listRiffChunks, readRiffChunk, type RiffChunk } from './riff'
export { effectiveSampleRate, MODEL_SAMPLE_RATE, stream16k, type Stream16kOptions } from './stream16k'
export type { AudioCodec, AudioContainer, AudioInfo, ChannelSelection, StreamAudioOptions, StreamSummary } from './types'
