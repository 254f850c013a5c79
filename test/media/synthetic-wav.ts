// 16-bit PCM WAV files generated in code (nothing binary is committed).
import { openSync, writeSync, closeSync } from 'node:fs'
import { wavHeader } from '../../src-main/audio/wav-header'

/** Writes `frames` samples of `sample(i)` (in −1…1) per channel; returns the path. */
export function writeWav(path: string, opts: { rate: number; frames: number; channels?: number; sample: (i: number, channel: number) => number }): string {
  const channels = opts.channels ?? 1
  const header = wavHeader({ rate: opts.rate, frames: opts.frames, channels, encoding: 'pcm16' })
  const fd = openSync(path, 'w')
  try {
    writeSync(fd, header)
    const block = 1 << 16
    const pcm = new Int16Array(block * channels)
    for (let at = 0; at < opts.frames; at += block) {
      const n = Math.min(block, opts.frames - at)
      for (let i = 0; i < n; i++) {
        for (let c = 0; c < channels; c++) {
          const v = Math.round(opts.sample(at + i, c) * 32768)
          pcm[i * channels + c] = v > 32767 ? 32767 : v < -32768 ? -32768 : v
        }
      }
      writeSync(fd, new Uint8Array(pcm.buffer, 0, n * channels * 2))
    }
  } finally {
    closeSync(fd)
  }
  return path
}

export function sine(rate: number, hz: number, amplitude: number): (i: number) => number {
  return (i) => amplitude * Math.sin((2 * Math.PI * hz * i) / rate)
}

/**
 * A long 16-bit mono WAV made of one block repeated (an hour of audio in a second of work):
 * `block(i)` gives the samples of one period of `periodFrames`.
 */
export function writeRepeatedWav(path: string, opts: { rate: number; seconds: number; periodFrames: number; block: (i: number) => number }): string {
  const frames = Math.round(opts.rate * opts.seconds)
  const period = new Int16Array(opts.periodFrames)
  for (let i = 0; i < opts.periodFrames; i++) {
    const v = Math.round(opts.block(i) * 32768)
    period[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v
  }
  const header = wavHeader({ rate: opts.rate, frames, encoding: 'pcm16' })
  const fd = openSync(path, 'w')
  try {
    writeSync(fd, header)
    const bytes = new Uint8Array(period.buffer)
    let left = frames
    while (left > 0) {
      const n = Math.min(left, opts.periodFrames)
      writeSync(fd, bytes, 0, n * 2)
      left -= n
    }
  } finally {
    closeSync(fd)
  }
  return path
}

/** Bird-like calls: rising chirps of 80–400 ms at varying levels over faint noise, deterministic. */
export function chirps(rate: number, seconds: number, seed = 1): (i: number) => number {
  let s = seed >>> 0
  const random = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32)
  const calls: { t: number; f0: number; f1: number; d: number; a: number }[] = []
  for (let t = 0.4; t < seconds - 0.5; t += 0.7 + random() * 2.2) {
    calls.push({ t, f0: 2000 + random() * 3000, f1: 3000 + random() * 4000, d: 0.08 + random() * 0.3, a: 0.1 + random() * 0.4 })
  }
  let noise = seed >>> 0
  return (i) => {
    const t = i / rate
    noise = (Math.imul(noise, 1103515245) + 12345) >>> 0
    let v = (noise / 2 ** 32 - 0.5) * 0.01
    for (const c of calls) {
      if (t < c.t) break
      if (t < c.t + c.d) {
        const dt = t - c.t
        const u = dt / c.d
        v += c.a * Math.sin(2 * Math.PI * (c.f0 * dt + ((c.f1 - c.f0) * dt * u) / 2)) * Math.sin(Math.PI * u)
      }
    }
    return v
  }
}
