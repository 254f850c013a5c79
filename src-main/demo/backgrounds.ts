// Background sound for the demo season: wind (low rumble in slow gusts), rain (a hiss with
// random drops) and an insect chorus (pulsed high bands), mixed in per recording so the heads
// have to find calls over varied noise. Everything is drawn from the season's PRNG.
import type { Prng } from '../numeric/prng'

export type BackgroundKind = 'wind' | 'rain' | 'insects'

export interface BackgroundMix {
  wind: number
  rain: number
  insects: number
}

/** A first-order low-pass coefficient for corner frequency `hz`. */
function lowPass(hz: number, rate: number): number {
  return 1 - Math.exp((-2 * Math.PI * hz) / rate)
}

function wind(out: Float32Array, rate: number, level: number, rng: Prng): void {
  const a = lowPass(250, rate)
  const gust = lowPass(0.3, rate)
  let y = 0
  let g = 0.5
  let target = 0.5
  for (let i = 0; i < out.length; i++) {
    if (i % rate === 0) target = 0.2 + rng.nextFloat()
    g += gust * (target - g)
    y += a * (rng.normal() - y)
    out[i] += level * 6 * g * y
  }
}

function rain(out: Float32Array, rate: number, level: number, rng: Prng): void {
  const hp = lowPass(2000, rate)
  let low = 0
  for (let i = 0; i < out.length; i++) {
    const w = rng.normal()
    low += hp * (w - low)
    out[i] += level * 0.35 * (w - low)
  }
  const drops = Math.round((out.length / rate) * (20 + 30 * rng.nextFloat()))
  const decay = 0.004 * rate
  for (let d = 0; d < drops; d++) {
    const at = rng.nextInt(out.length)
    const amp = level * (0.5 + 2 * rng.nextFloat())
    for (let i = 0; i < 5 * decay && at + i < out.length; i++) out[at + i] += amp * Math.exp(-i / decay) * rng.normal()
  }
}

function insects(out: Float32Array, rate: number, level: number, rng: Prng): void {
  const bands = [6800 + 400 * rng.nextFloat(), 7400 + 300 * rng.nextFloat()]
  const pulse = 2 + 2 * rng.nextFloat()
  let p0 = 0
  let p1 = 0
  for (let i = 0; i < out.length; i++) {
    const t = i / rate
    p0 += (2 * Math.PI * bands[0]) / rate
    p1 += (2 * Math.PI * bands[1]) / rate
    const am = 0.5 + 0.5 * Math.sin(2 * Math.PI * pulse * t)
    out[i] += level * 0.8 * am * am * (Math.sin(p0) + 0.6 * Math.sin(p1 + 0.3 * Math.sin(2 * Math.PI * 3 * t)))
  }
}

/** Adds the mix (levels are RMS-ish amplitudes) plus a faint white floor to `out`. */
export function addBackground(out: Float32Array, rate: number, mix: BackgroundMix, rng: Prng): void {
  for (let i = 0; i < out.length; i++) out[i] += 0.002 * rng.normal()
  if (mix.wind > 0) wind(out, rate, mix.wind, rng)
  if (mix.rain > 0) rain(out, rate, mix.rain, rng)
  if (mix.insects > 0) insects(out, rate, mix.insects, rng)
}
