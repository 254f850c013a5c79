import { describe, expect, it } from 'vitest'
import { computeFbank, FbankExtractor, fbankFrameCount, fbankSamplesForFrames } from '../../src-main/features/fbank'
import { DEFAULT_NORMALIZATION } from '../../src-main/model/types'
import { describeShared, fixtureManifest, fixturePath, readF32 } from '../helpers/shared-data'
import { readPcm16Wav } from './pcm16-wav'

interface FixtureWave {
  id: string
  wav: string
  sample_rate: number
  num_fbank_frames: number
  tensors: Record<string, { file: string; shape: number[] }>
}

function diffStats(a: Float32Array, b: Float32Array): { max: number; p99: number } {
  const d = new Float64Array(a.length)
  for (let i = 0; i < a.length; i++) d[i] = Math.abs(a[i] - b[i])
  d.sort()
  return { max: d[d.length - 1], p99: d[Math.min(d.length - 1, Math.floor(0.99 * d.length))] }
}

function fixtureInput(w: FixtureWave): Float32Array {
  if (w.tensors.resampled_16k) return readF32(fixturePath(w.tensors.resampled_16k.file))
  const wav = readPcm16Wav(fixturePath(w.wav))
  expect(wav.sampleRate).toBe(16000)
  expect(wav.channels).toBe(1)
  return wav.samples
}

describe('fbank frame counts', () => {
  it('gives no frames for fewer than 400 samples', () => {
    expect(fbankFrameCount(0)).toBe(0)
    expect(fbankFrameCount(399)).toBe(0)
    expect(computeFbank(new Float32Array(399))).toEqual({ data: new Float32Array(0), frames: 0 })
  })

  it('counts whole 400-sample frames at a 160-sample hop', () => {
    expect(fbankFrameCount(400)).toBe(1)
    expect(fbankFrameCount(559)).toBe(1)
    expect(fbankFrameCount(560)).toBe(2)
    expect(fbankFrameCount(16000)).toBe(98)
    expect(fbankFrameCount(160000)).toBe(998)
    expect(fbankFrameCount(2560 * 62 + 240)).toBe(16 * 62)
  })

  it('inverts the count for exact frame lengths', () => {
    expect(fbankSamplesForFrames(0)).toBe(0)
    expect(fbankSamplesForFrames(1)).toBe(400)
    expect(fbankSamplesForFrames(16 * 62)).toBe(2560 * 62 + 240)
    for (const f of [1, 2, 97, 998]) expect(fbankFrameCount(fbankSamplesForFrames(f))).toBe(f)
  })
})

describe('fbank behaviour', () => {
  it('floors silence at ln(float32 epsilon) and normalises it with the factor 2', () => {
    const raw = computeFbank(new Float32Array(800))
    expect(raw.frames).toBe(3)
    expect(raw.data.every((v) => v === Math.fround(Math.log(1.1920928955078125e-7)))).toBe(true)
    const norm = computeFbank(new Float32Array(800), DEFAULT_NORMALIZATION)
    const expected = Math.fround((Math.log(1.1920928955078125e-7) - 15.41663) / (2 * 6.55582))
    expect(norm.data[0]).toBeCloseTo(expected, 6)
    expect(norm.data[0]).toBeCloseTo(-2.3917, 4)
  })

  it('ignores a DC offset (the frame mean is removed)', () => {
    const n = 4000
    const a = new Float32Array(n)
    const b = new Float32Array(n)
    // int16-quantised samples, so adding the offset is exact in float32
    for (let i = 0; i < n; i++) {
      a[i] = Math.round(8192 * Math.sin((2 * Math.PI * 1000 * i) / 16000) + 100 * Math.sin(i)) / 32768
      b[i] = a[i] + 0.125
    }
    const fa = computeFbank(a).data
    const fb = computeFbank(b).data
    let max = 0
    for (let i = 0; i < fa.length; i++) max = Math.max(max, Math.abs(fa[i] - fb[i]))
    expect(max).toBeLessThan(1e-4)
  })

  it('puts a 1 kHz tone into the mel bins around 1 kHz', () => {
    const x = new Float32Array(1600)
    for (let i = 0; i < x.length; i++) x[i] = 0.5 * Math.sin((2 * Math.PI * 1000 * i) / 16000)
    const { data, frames } = computeFbank(x)
    const row = data.subarray((frames - 1) * 128, frames * 128)
    const peak = row.indexOf(Math.max(...row))
    // Kaldi mel centres: filter i peaks at m(20) + (i+1)·Δ with Δ = (m(8000) − m(20))/129 ≈ 21.77;
    // m(1000 Hz) ≈ 1000.1 → i ≈ 43.5.
    expect([43, 44]).toContain(peak)
  })

  it('writes chunks into a shared output at a row offset, identical to one call per chunk', () => {
    const x = new Float32Array(2560 * 3 + 240)
    for (let i = 0; i < x.length; i++) x[i] = Math.sin(i * 0.37) * 0.3 + Math.sin(i * 0.011) * 0.1
    const ex = new FbankExtractor(DEFAULT_NORMALIZATION)
    const out = new Float32Array(2 * 48 * 128)
    expect(ex.computeInto(x, out, 0)).toBe(48)
    expect(ex.computeInto(x, out, 48)).toBe(48)
    const single = computeFbank(x, DEFAULT_NORMALIZATION).data
    expect(out.subarray(0, 48 * 128)).toEqual(single)
    expect(out.subarray(48 * 128)).toEqual(single)
    expect(() => ex.computeInto(x, new Float32Array(10))).toThrow(RangeError)
  })

  it('rejects samples carrying NaN with AUDIO_INVALID_SAMPLES', () => {
    const x = new Float32Array(1000)
    x[500] = Number.NaN
    expect(() => computeFbank(x)).toThrow(expect.objectContaining({ code: 'AUDIO_INVALID_SAMPLES' }))
  })

  it('rejects a normalisation with a non-positive std', () => {
    expect(() => computeFbank(new Float32Array(400), { mean: 0, std: 0 })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }))
  })
})

describeShared('fbank parity with the reference fixtures', () => {
  const manifest = fixtureManifest()
  const norm = { mean: manifest.normalization.fbank_mean as number, std: manifest.normalization.fbank_std as number }
  const tol = manifest.tolerances_recommended as { fbank_normalized_maxabs: number; fbank_normalized_p99_absdiff: number }

  for (const w of manifest.waves as FixtureWave[]) {
    it(`matches fbank_normalized of ${w.id} within max ${tol.fbank_normalized_maxabs} and p99 ${tol.fbank_normalized_p99_absdiff}`, () => {
      const samples = fixtureInput(w)
      const ours = computeFbank(samples, norm)
      const ref = readF32(fixturePath(w.tensors.fbank_normalized.file))
      expect(ours.frames).toBe(w.num_fbank_frames)
      expect(ours.data.length).toBe(ref.length)
      const { max, p99 } = diffStats(ours.data, ref)
      console.log(`fbank ${w.id}: max |Δ| ${max.toExponential(2)}, p99 ${p99.toExponential(2)}`)
      expect(max).toBeLessThanOrEqual(tol.fbank_normalized_maxabs)
      expect(p99).toBeLessThanOrEqual(tol.fbank_normalized_p99_absdiff)
    })
  }
})
