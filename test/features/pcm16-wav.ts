// Reads the fixtures' 16-bit PCM WAVs as int16/32768 float32 (the reference's input convention),
// so the fbank tests do not depend on the audio decoder.
import { readFileSync } from 'node:fs'

export interface Pcm16Wav {
  sampleRate: number
  channels: number
  /** Interleaved samples / 32768. */
  samples: Float32Array
}

export function readPcm16Wav(path: string): Pcm16Wav {
  const buf = readFileSync(path)
  if (buf.toString('latin1', 0, 4) !== 'RIFF' || buf.toString('latin1', 8, 12) !== 'WAVE') throw new Error(`${path}: not a RIFF/WAVE file`)
  let pos = 12
  let sampleRate = 0
  let channels = 0
  while (pos + 8 <= buf.length) {
    const id = buf.toString('latin1', pos, pos + 4)
    const size = buf.readUInt32LE(pos + 4)
    const body = pos + 8
    if (id === 'fmt ') {
      if (buf.readUInt16LE(body) !== 1 || buf.readUInt16LE(body + 14) !== 16) throw new Error(`${path}: not 16-bit PCM`)
      channels = buf.readUInt16LE(body + 2)
      sampleRate = buf.readUInt32LE(body + 4)
    } else if (id === 'data') {
      const n = Math.floor(Math.min(size, buf.length - body) / 2)
      const samples = new Float32Array(n)
      for (let i = 0; i < n; i++) samples[i] = buf.readInt16LE(body + 2 * i) / 32768
      return { sampleRate, channels, samples }
    }
    pos = body + size + (size & 1)
  }
  throw new Error(`${path}: no data chunk`)
}
