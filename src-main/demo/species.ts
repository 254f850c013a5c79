// The demo season's four synthetic "species": call shapes distinct enough in time and frequency
// that a head trained on a few examples can tell them apart, each drawn into a sample buffer at a
// given time with a given amplitude (small random variations per call, from the season's PRNG).
import type { Prng } from '../numeric/prng'

export interface SpeciesSpec {
  code: string
  commonName: string
  scientificName: string
  color: string
  /** Longest call (seconds) and the frequency band (Hz), for placing calls and the truth boxes. */
  duration: number
  lowHz: number
  highHz: number
  /** Writes one call starting at sample `at` into `out` (sample rate `rate`); returns its length in seconds. */
  draw(out: Float32Array, at: number, rate: number, amplitude: number, rng: Prng): number
}

function envelope(t: number, length: number, attack = 0.02, release = 0.04): number {
  if (t < 0 || t > length) return 0
  return Math.min(1, t / attack, (length - t) / release)
}

/** A pure tone gliding from f0 to f1 (exponential sweep) with a faint second harmonic. */
function sweep(out: Float32Array, at: number, rate: number, amplitude: number, length: number, f0: number, f1: number): void {
  const n = Math.round(length * rate)
  let phase = 0
  for (let i = 0; i < n && at + i < out.length; i++) {
    const t = i / rate
    const f = f0 * Math.pow(f1 / f0, t / length)
    phase += (2 * Math.PI * f) / rate
    if (at + i < 0) continue
    out[at + i] += amplitude * envelope(t, length) * (Math.sin(phase) + 0.15 * Math.sin(2 * phase))
  }
}

export const DEMO_SPECIES: readonly SpeciesSpec[] = [
  {
    code: 'DEWH',
    commonName: 'Descending whistler',
    scientificName: 'Sibilator descendens (synthetic)',
    color: '#2f7ed8',
    duration: 1.3,
    lowHz: 2300,
    highHz: 7500,
    draw(out, at, rate, amplitude, rng) {
      const length = 1 + 0.3 * rng.nextFloat()
      const top = 6600 + 800 * rng.nextFloat()
      sweep(out, at, rate, amplitude, length, top, top * 0.36)
      return length
    },
  },
  {
    code: 'TRIL',
    commonName: 'Pulse triller',
    scientificName: 'Trillator pulsans (synthetic)',
    color: '#d8572f',
    duration: 2,
    lowHz: 3800,
    highHz: 5400,
    draw(out, at, rate, amplitude, rng) {
      const notes = 30 + rng.nextInt(10)
      const period = 0.045 + 0.005 * rng.nextFloat()
      const centre = 4400 + 400 * rng.nextFloat()
      for (let k = 0; k < notes; k++) sweep(out, at + Math.round(k * period * rate), rate, amplitude, 0.03, centre + 500, centre - 400)
      return notes * period
    },
  },
  {
    code: 'TWON',
    commonName: 'Two-note piper',
    scientificName: 'Bitonus simplex (synthetic)',
    color: '#3fa34d',
    duration: 0.9,
    lowHz: 1400,
    highHz: 2500,
    draw(out, at, rate, amplitude, rng) {
      const high = 2200 + 150 * rng.nextFloat()
      const note = 0.3 + 0.05 * rng.nextFloat()
      const gap = 0.12 + 0.08 * rng.nextFloat()
      sweep(out, at, rate, amplitude, note, high, high * 0.98)
      sweep(out, at + Math.round((note + gap) * rate), rate, amplitude, note, high * 0.72, high * 0.7)
      return 2 * note + gap
    },
  },
  {
    code: 'CLIK',
    commonName: 'Click-train ticker',
    scientificName: 'Crepitans serialis (synthetic)',
    color: '#8e44ad',
    duration: 2,
    lowHz: 500,
    highHz: 8000,
    draw(out, at, rate, amplitude, rng) {
      const clicks = 45 + rng.nextInt(10)
      const period = 1 / (30 + 6 * rng.nextFloat())
      const decay = Math.round(0.0015 * rate)
      for (let k = 0; k < clicks; k++) {
        const start = at + Math.round(k * period * rate)
        for (let i = 0; i < 4 * decay && start + i < out.length; i++) {
          if (start + i < 0) continue
          out[start + i] += 2 * amplitude * Math.exp(-i / decay) * (rng.nextFloat() * 2 - 1)
        }
      }
      return clicks * period
    },
  },
]
