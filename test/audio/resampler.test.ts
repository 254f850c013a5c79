import { describe, expect, it } from 'vitest'
import { decodeAudio, resample, resampledLength, StreamingResampler } from '../../src-main/audio'
import { buildSincKernel } from '../../src-main/audio/sinc-kernel'
import { describeShared, fixtureManifest, fixturePath, readF32 } from '../helpers/shared-data'
import { seededRandom } from './wav-builder'

/** The test signal the reference values below were computed from (in float64, cast to float32). */
function referenceInput(rate: number): Float32Array {
  const n = Math.floor(rate / 10) + 7
  const x = new Float32Array(n)
  for (let i = 0; i < n; i++) x[i] = 0.5 * Math.sin(0.0123 * i) + 0.25 * Math.sin(0.777 * i + 0.3) + 0.2 * Math.sin(((2 * Math.PI * 3000) / rate) * i)
  return x
}

// torchaudio 0.13.1: torchaudio.functional.resample(torch.from_numpy(x), rate, 16000) with
// default arguments — output length and the outputs at a few indices.
const TORCHAUDIO: [number, number, [number, number][]][] = [
  [384000, 1601, [[0, 0.05506995692849159], [1, 0.3241187334060669], [2, 0.4225105941295624], [100, -0.6738427877426147], [800, -0.2572695314884186], [1599, 0.19605235755443573], [1600, 0.3231911361217499]]],
  [312500, 1601, [[0, 0.05538559705018997], [1, 0.29788628220558167], [2, 0.3751623332500458], [100, -0.6478116512298584], [800, -0.26149982213974], [1599, 0.21636313199996948], [1600, 0.34951186180114746]]],
  [250000, 1601, [[0, 0.05723008140921593], [1, 0.27448153495788574], [2, 0.33150413632392883], [100, -0.019639283418655396], [800, 0.09348243474960327], [1599, -0.46283286809921265], [1600, -0.15854498744010925]]],
  [96000, 1602, [[0, 0.0950276106595993], [1, 0.20557327568531036], [2, 0.22184458374977112], [100, 0.24542316794395447], [801, 0.45784273743629456], [1600, -0.4908890426158905], [1601, -0.24332094192504883]]],
  [48000, 1603, [[0, 0.15022321045398712], [1, 0.30553844571113586], [2, -0.051967114210128784], [100, -0.26382410526275635], [801, -0.054870568215847015], [1601, 0.5084730386734009], [1602, 0.46685853600502014]]],
  [44100, 1603, [[0, 0.1377955973148346], [1, 0.35037723183631897], [2, -0.0668453499674797], [100, -0.137278750538826], [801, 0.73671555519104], [1601, -0.4388517439365387], [1602, -0.13475987315177917]]],
  [22050, 1606, [[0, 0.0938725471496582], [1, 0.43498313426971436], [2, 0.32110533118247986], [100, 0.4304998815059662], [803, 0.2064218819141388], [1604, 0.39509570598602295], [1605, 0.05399882420897484]]],
  [8000, 1614, [[0, 0.07747861742973328], [1, 0.287528932094574], [2, 0.36371347308158875], [100, 0.33870285749435425], [807, -0.3871671259403229], [1612, -0.2800745368003845], [1613, -0.10327039659023285]]],
]

function streamInBlocks(x: Float32Array, from: number, to: number, nextBlock: () => number): Float32Array {
  const r = new StreamingResampler(from, to)
  const parts: Float32Array[] = []
  for (let at = 0; at < x.length; ) {
    const n = nextBlock()
    parts.push(r.push(x.subarray(at, at + n)))
    at += n
  }
  parts.push(r.flush())
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  return out
}

describe('resample (torchaudio sinc_interp_hann, width 6, rolloff 0.99)', () => {
  for (const [rate, length, points] of TORCHAUDIO) {
    it(`matches torchaudio ${rate} Hz → 16 kHz within 1e-6 (length ${length})`, () => {
      const y = resample(referenceInput(rate), rate, 16000)
      expect(y.length).toBe(length)
      for (const [i, v] of points) expect(Math.abs(y[i] - v), `index ${i}`).toBeLessThanOrEqual(1e-6)
    })
  }

  it('builds torchaudio kernel sizes after gcd reduction', () => {
    const k441 = buildSincKernel(44100, 16000)
    expect([k441.inStep, k441.phases, k441.width]).toEqual([441, 160, 17])
    const k384 = buildSincKernel(384000, 16000)
    expect([k384.inStep, k384.phases, k384.width]).toEqual([24, 1, 146])
    const up = buildSincKernel(8000, 16000)
    expect([up.inStep, up.phases, up.width]).toEqual([1, 2, 7])
    // Phase 0 of a 2× upsampler has its centre tap at t = 0: sinc(0) · window(0) · scale = 0.99.
    expect(up.coeffs?.[up.offsets[0] + (up.width - up.first[0])]).toBe(Math.fround(0.99))
  })

  it('gives torchaudio output lengths: ceil(new · n / orig)', () => {
    for (const [from, n] of [[44100, 1], [44100, 441], [44100, 442], [48000, 3], [384000, 23], [384000, 24], [312500, 1_000_001], [8000, 5], [22050, 1_234_567]]) {
      const exact = Number((BigInt(16000) * BigInt(n) + BigInt(from) - 1n) / BigInt(from))
      expect(resampledLength(n, from, 16000)).toBe(exact)
      expect(resample(new Float32Array(Math.min(n, 50_000)), from, 16000).length).toBe(resampledLength(Math.min(n, 50_000), from, 16000))
    }
    expect(resample(new Float32Array(0), 44100, 16000).length).toBe(0)
  })

  it('passes 16 kHz through unchanged', () => {
    const x = Float32Array.from([0.1, -0.2, 0.3])
    expect(resample(x, 16000, 16000)).toEqual(x)
    expect(resampledLength(3, 16000, 16000)).toBe(3)
  })

  it('keeps a 1 kHz tone at unit gain and attenuates a tone above the new Nyquist by > 46 dB', () => {
    const rate = 48000
    const n = rate
    const pass = new Float32Array(n)
    const stop = new Float32Array(n)
    for (let i = 0; i < n; i++) {
      pass[i] = Math.sin((2 * Math.PI * 1000 * i) / rate)
      stop[i] = Math.sin((2 * Math.PI * 12000 * i) / rate)
    }
    const peak = (y: Float32Array): number => y.subarray(1000, y.length - 1000).reduce((m, v) => Math.max(m, Math.abs(v)), 0)
    expect(peak(resample(pass, rate, 16000))).toBeCloseTo(1, 2)
    expect(peak(resample(stop, rate, 16000))).toBeLessThan(5e-3)
  })

  it('handles reduced rates too large to store (499 979 Hz, a prime) by building phases on demand', () => {
    expect(buildSincKernel(44101, 16000).coeffs).not.toBeNull()
    const kernel = buildSincKernel(499979, 16000)
    expect(kernel.coeffs).toBeNull()
    const x = new Float32Array(50_000)
    for (let i = 0; i < x.length; i++) x[i] = Math.sin((2 * Math.PI * 100 * i) / 500_000)
    const y = resample(x, 499979, 16000)
    expect(y.length).toBe(resampledLength(x.length, 499979, 16000))
    const near = resample(x, 500_000, 16000)
    // A 21 ppm rate change shifts a 100 Hz tone by under 3e-3 of its amplitude over 0.1 s.
    for (const i of [100, 800, 1500]) expect(Math.abs(y[i] - near[i])).toBeLessThan(3e-3)
    expect(streamInBlocks(x, 499979, 16000, () => 7777)).toEqual(y)
  })

  it('rejects non-integer and non-positive rates', () => {
    expect(() => resample(new Float32Array(4), 44100.5, 16000)).toThrow(/positive integer/)
    expect(() => new StreamingResampler(0, 16000)).toThrow(/positive integer/)
  })
})

describe('StreamingResampler', () => {
  const cases: [number, number][] = [
    [44100, 16000],
    [48000, 16000],
    [384000, 16000],
    [312500, 16000],
    [250000, 16000],
    [22050, 16000],
    [8000, 16000],
    [11025, 16000],
  ]
  for (const [from, to] of cases) {
    it(`is bit-identical to one-shot for ${from} → ${to} with any block sizes`, () => {
      const rnd = seededRandom(from)
      const x = new Float32Array(Math.floor(from * 0.3) + 13)
      for (let i = 0; i < x.length; i++) x[i] = rnd() * 2 - 1
      const oneShot = resample(x, from, to)
      expect(streamInBlocks(x, from, to, () => 1 + Math.floor(rnd() * 3000))).toEqual(oneShot)
      expect(streamInBlocks(x, from, to, () => 1 + Math.floor(rnd() * 5))).toEqual(oneShot)
      expect(streamInBlocks(x, from, to, () => 65536)).toEqual(oneShot)
    })
  }

  it('gives nothing more after flush and refuses push after flush', () => {
    const r = new StreamingResampler(48000, 16000)
    r.push(new Float32Array(480))
    r.flush()
    expect(r.flush().length).toBe(0)
    expect(() => r.push(new Float32Array(1))).toThrow(/after flush/)
  })
})

describeShared('resampler vs the fixture', () => {
  it('stereo44k: mean of channels → 16 kHz matches torchaudio within 2e-7', async () => {
    const wave = fixtureManifest().waves.find((w: { id: string }) => w.id === 'stereo44k')
    const { info, samples } = await decodeAudio(fixturePath(wave.wav))
    expect([info.sampleRate, info.channels]).toEqual([wave.sample_rate, wave.channels])
    const ref = readF32(fixturePath('tensors/stereo44k.resampled16k.f32.bin'))
    const y = resample(samples, 44100, 16000)
    expect(y.length).toBe(ref.length)
    let worst = 0
    for (let i = 0; i < ref.length; i++) worst = Math.max(worst, Math.abs(y[i] - ref[i]))
    // Measured: 1.19e-7 (float32 rounding inside torchaudio's conv1d).
    expect(worst).toBeLessThanOrEqual(2e-7)
  })
})
