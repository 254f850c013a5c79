// The clip a trained model is checked on before it is registered: 12 s at 16 kHz (two encoder
// chunks, so the chunk join is checked too) of chirps, harmonic tones, a trill and seeded noise,
// written as a float32 WAV that both the trainer and the app's decoder read exactly.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { wavHeader } from '../audio/wav-header'

export const PROBE_SECONDS = 12
const RATE = 16_000

export function probeSignal(): Float32Array {
  const n = PROBE_SECONDS * RATE
  const out = new Float32Array(n)
  let s = 987654321
  for (let i = 0; i < n; i++) {
    const t = i / RATE
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    const noise = 0.03 * (s / 2 ** 32 - 0.5)
    const phase = t % 3
    const chirp = 0.25 * Math.sin(2 * Math.PI * (400 * phase + 600 * phase * phase))
    const harmonic = 0.15 * (Math.sin(2 * Math.PI * 1100 * t) + 0.5 * Math.sin(2 * Math.PI * 2200 * t)) * (Math.floor(t / 0.7) % 2)
    const trill = 0.2 * Math.sin(2 * Math.PI * 4200 * t) * Math.max(0, Math.sin(2 * Math.PI * 12 * t)) * (t > 6 && t < 9 ? 1 : 0)
    out[i] = chirp + harmonic + trill + noise
  }
  return out
}

/** IEEE-float mono WAV. */
export function writeFloatWav(path: string, samples: Float32Array, rate = RATE): void {
  const data = Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength)
  const header = wavHeader({ rate, frames: samples.length, encoding: 'float32' })
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, Buffer.concat([header, data]))
}
