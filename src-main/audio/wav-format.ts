// The `fmt ` chunk of a WAV file: which sample encodings we read, and clear refusals for the rest.
import { AppError } from '../errors'

export interface WavSampleFormat {
  codec: 'pcm' | 'float'
  channels: number
  sampleRate: number
  /** Bytes per sample in the file (the container: 3 for packed 24-bit, 4 for 24-in-32). */
  bytesPerSample: number
  /** Bits that carry signal (WAVE_FORMAT_EXTENSIBLE validBits, else the container bits). */
  validBits: number
  /** channels × bytesPerSample: what we step by, whatever the header's blockAlign says. */
  blockAlign: number
}

const TAG_PCM = 0x0001
const TAG_FLOAT = 0x0003
const TAG_EXTENSIBLE = 0xfffe
/** The tail shared by all KSDATAFORMAT_SUBTYPE GUIDs whose first two bytes are a format tag. */
const SUBTYPE_TAIL = Buffer.from([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71])

const KNOWN_TAGS: Record<number, string> = {
  0x0002: 'Microsoft ADPCM',
  0x0006: 'A-law',
  0x0007: 'µ-law',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG audio',
  0x0055: 'MPEG Layer 3',
  0x0161: 'Windows Media Audio',
  0x1610: 'AAC',
  0xf1ac: 'FLAC',
}

/** More channels than any recorder writes; guards buffer sizes computed from the header. */
const MAX_CHANNELS = 1024
/** Above any ultrasonic recorder (500 kHz class); guards resampler kernel sizes. */
const MAX_SAMPLE_RATE = 10_000_000

function tagName(tag: number): string {
  const hex = `0x${tag.toString(16).padStart(4, '0').toUpperCase()}`
  return KNOWN_TAGS[tag] ? `${KNOWN_TAGS[tag]} (format tag ${hex})` : `format tag ${hex}`
}

export function parseWavFormat(path: string, fmt: Buffer, warnings: string[]): WavSampleFormat {
  if (fmt.length < 16) {
    throw new AppError('AUDIO_CORRUPT', `${path}: 'fmt ' chunk is ${fmt.length} bytes, too short for a PCM format`, { path })
  }
  let tag = fmt.readUInt16LE(0)
  const channels = fmt.readUInt16LE(2)
  const sampleRate = fmt.readUInt32LE(4)
  const byteRate = fmt.readUInt32LE(8)
  const headerBlockAlign = fmt.readUInt16LE(12)
  const containerBits = fmt.readUInt16LE(14)
  let validBits = containerBits

  if (tag === TAG_EXTENSIBLE) {
    if (fmt.length < 40) {
      throw new AppError('AUDIO_CORRUPT', `${path}: WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk is ${fmt.length} bytes, expected 40`, { path })
    }
    const declaredValid = fmt.readUInt16LE(18)
    if (declaredValid > 0 && declaredValid <= containerBits) validBits = declaredValid
    tag = fmt.readUInt16LE(24)
    if (!fmt.subarray(26, 40).equals(SUBTYPE_TAIL)) {
      throw new AppError('AUDIO_UNSUPPORTED', `${path}: WAVE_FORMAT_EXTENSIBLE with an unknown sub-format GUID`, { path })
    }
  }
  if (tag !== TAG_PCM && tag !== TAG_FLOAT) {
    throw new AppError('AUDIO_UNSUPPORTED', `${path}: ${tagName(tag)} is not supported; only PCM and IEEE float WAV can be read`, { path, formatTag: tag })
  }
  if (channels === 0) throw new AppError('AUDIO_CORRUPT', `${path}: header says 0 channels`, { path })
  if (channels > MAX_CHANNELS) throw new AppError('AUDIO_UNSUPPORTED', `${path}: ${channels} channels is more than ${MAX_CHANNELS}`, { path })
  if (sampleRate === 0) throw new AppError('AUDIO_CORRUPT', `${path}: header says sample rate 0 Hz`, { path })
  if (sampleRate > MAX_SAMPLE_RATE) {
    throw new AppError('AUDIO_CORRUPT', `${path}: sample rate ${sampleRate} Hz is implausible (above ${MAX_SAMPLE_RATE} Hz)`, { path })
  }
  const codec = tag === TAG_FLOAT ? 'float' : 'pcm'
  if (codec === 'float' && containerBits !== 32 && containerBits !== 64) {
    throw new AppError('AUDIO_UNSUPPORTED', `${path}: ${containerBits}-bit IEEE float is not supported (32 or 64 only)`, { path })
  }
  if (codec === 'pcm' && (containerBits === 0 || containerBits > 32)) {
    throw new AppError('AUDIO_UNSUPPORTED', `${path}: ${containerBits}-bit PCM is not supported (8 to 32 bits)`, { path })
  }
  const bytesPerSample = Math.ceil(containerBits / 8)
  const blockAlign = channels * bytesPerSample
  if (headerBlockAlign !== blockAlign) {
    warnings.push(`header blockAlign is ${headerBlockAlign} but ${channels} channel(s) of ${containerBits}-bit samples need ${blockAlign}; using ${blockAlign}`)
  }
  if (byteRate !== blockAlign * sampleRate) {
    warnings.push(`header byteRate is ${byteRate} but should be ${blockAlign * sampleRate}; ignored`)
  }
  return { codec, channels, sampleRate, bytesPerSample, validBits: codec === 'float' ? containerBits : validBits, blockAlign }
}
