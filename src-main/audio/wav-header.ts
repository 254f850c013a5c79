// The 44-byte header of a plain mono/multichannel WAV (RIFF, `fmt `, `data`), for the files we
// generate ourselves: the trainer's probe clip, demo and test audio. Sizes past 4 GiB are clamped to
// 0xFFFFFFFF, which readers take as "to the end of the file".

export type WavSampleEncoding = 'pcm16' | 'float32'

export interface WavHeaderSpec {
  rate: number
  /** Sample frames that follow the header. */
  frames: number
  encoding: WavSampleEncoding
  channels?: number
}

const MAX_U32 = 0xffffffff

export function wavHeader(spec: WavHeaderSpec): Buffer {
  const channels = spec.channels ?? 1
  const bytesPerSample = spec.encoding === 'float32' ? 4 : 2
  const blockAlign = channels * bytesPerSample
  const dataBytes = spec.frames * blockAlign
  const h = Buffer.alloc(44)
  h.write('RIFF', 0, 'latin1')
  h.writeUInt32LE(Math.min(MAX_U32, 36 + dataBytes), 4)
  h.write('WAVEfmt ', 8, 'latin1')
  h.writeUInt32LE(16, 16)
  h.writeUInt16LE(spec.encoding === 'float32' ? 3 : 1, 20)
  h.writeUInt16LE(channels, 22)
  h.writeUInt32LE(spec.rate, 24)
  h.writeUInt32LE(spec.rate * blockAlign, 28)
  h.writeUInt16LE(blockAlign, 32)
  h.writeUInt16LE(bytesPerSample * 8, 34)
  h.write('data', 36, 'latin1')
  h.writeUInt32LE(Math.min(MAX_U32, dataBytes), 40)
  return h
}
