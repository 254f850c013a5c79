import { describe, expect, it } from 'vitest'
import { computeFbank, FbankExtractor, fbankTables } from '../../src-main/features/fbank'
import { createFbankKernel, KERNEL_BLOCK_FRAMES } from '../../src-main/features/fbank-kernel'
import { PowerSpectrum } from '../../src-main/features/power-spectrum'
import { DEFAULT_NORMALIZATION } from '../../src-main/model/types'

/**
 * The fbank frame by frame in plain float64 JavaScript (PowerSpectrum and a mel loop), the way the
 * kernel documents its arithmetic: the kernel must agree with it bit for bit.
 */
function scalarEnergies(x: Float32Array): Float64Array[] {
  const { scaledWindow: win, mel } = fbankTables()
  const spectrum = new PowerSpectrum(512)
  const power = new Float64Array(256)
  const frames = x.length < 400 ? 0 : 1 + Math.floor((x.length - 400) / 160)
  const out: Float64Array[] = []
  for (let t = 0; t < frames; t++) {
    const s0 = 160 * t
    let sum = 0
    for (let j = 0; j < 400; j++) sum += x[s0 + j]
    const dc = (1 - 0.97) * (sum / 400)
    let prev = x[s0]
    for (let j = 0; j < 400; j++) {
      spectrum.input[j] = (x[s0 + j] - 0.97 * prev - dc) * win[j]
      prev = x[s0 + j]
    }
    spectrum.compute(power, 256)
    const e = new Float64Array(128)
    for (let i = 0; i < 128; i++) {
      let k = mel.start[i]
      let acc = 0
      for (let w = mel.offset[i]; w < mel.offset[i + 1]; w++) acc += mel.weights[w] * power[k++]
      e[i] = acc
    }
    out.push(e)
  }
  return out
}

function signal(n: number, seed: number): Float32Array {
  const x = new Float32Array(n)
  let s = seed
  for (let i = 0; i < n; i++) {
    s = (s * 16807) % 2147483647
    // int16-like noise, a chirp and a DC offset: every bin and every code path carries energy
    x[i] = Math.round(3000 * (s / 2147483647 - 0.5) + 9000 * Math.sin(1e-5 * i * i) + 500) / 32768
  }
  return x
}

describe('fbank WebAssembly kernel', () => {
  it('gives the scalar float64 energies bit for bit, both lanes', () => {
    const { scaledWindow, mel } = fbankTables()
    const kernel = createFbankKernel(scaledWindow, mel)
    const x = signal(400 + 9 * 160 + 160, 7) // 10 frames + the hop the last pair reads
    kernel.samples.set(x)
    kernel.run(5)
    const expected = scalarEnergies(x.subarray(0, 400 + 9 * 160))
    expect(expected).toHaveLength(10)
    for (let t = 0; t < 10; t++) {
      const got = new Float64Array(128)
      for (let i = 0; i < 128; i++) got[i] = kernel.energies[(t >> 1) * 256 + 2 * i + (t & 1)]
      expect(got).toEqual(expected[t])
      let sum = 0
      for (let j = 0; j < 400; j++) sum += x[160 * t + j]
      expect(kernel.sums[t]).toBe(sum)
    }
  })

  it('matches the scalar path after the log over several blocks and an odd frame count', () => {
    const frames = 2 * KERNEL_BLOCK_FRAMES + 37
    const x = signal(400 + (frames - 1) * 160 + 99, 3)
    const got = new FbankExtractor(DEFAULT_NORMALIZATION).compute(x)
    expect(got.frames).toBe(frames)
    const expected = new Float32Array(frames * 128)
    scalarEnergies(x).forEach((e, t) => {
      for (let i = 0; i < 128; i++) {
        const v = e[i] > 1.1920928955078125e-7 ? e[i] : 1.1920928955078125e-7
        expected[t * 128 + i] = (Math.log(v) - DEFAULT_NORMALIZATION.mean) * (1 / (2 * DEFAULT_NORMALIZATION.std))
      }
    })
    expect(got.data).toEqual(expected)
  })

  it('names the frame of the first bad sample in a later block and ignores samples past the last frame', () => {
    const frames = KERNEL_BLOCK_FRAMES + 3
    const x = signal(400 + (frames - 1) * 160 + 150, 5)
    x[x.length - 1] = Number.NaN // after the last whole frame: not read
    expect(computeFbank(x).frames).toBe(frames)
    const bad = 160 * (KERNEL_BLOCK_FRAMES + 1) + 399 // in frames 513 and 514: the error names 513
    x[bad] = Number.POSITIVE_INFINITY
    const first = 160 * (KERNEL_BLOCK_FRAMES + 1)
    expect(() => computeFbank(x)).toThrow(`fbank: samples ${first}…${first + 399} contain NaN or Infinity`)
  })

  it('rejects more pairs than a block holds', () => {
    const { scaledWindow, mel } = fbankTables()
    expect(() => createFbankKernel(scaledWindow, mel).run(KERNEL_BLOCK_FRAMES / 2 + 1)).toThrow(RangeError)
  })
})
