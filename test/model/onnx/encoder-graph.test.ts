import { describe, expect, it } from 'vitest'
import { buildEncoderGraph } from '../../../src-main/model/onnx/encoder-graph'
import { cosine, maxAbs, runFbank, syntheticFbank, TINY, tinyHead, tinySession, tinyWeights } from './tiny-model'

describe('encoder graph shapes', () => {
  it('takes any batch and frame count: N = 8·⌊T/16⌋ patches of D values', async () => {
    const s = await tinySession()
    for (const [batch, frames] of [
      [1, 16],
      [2, 47],
      [3, 130],
    ]) {
      const out = await runFbank(s, syntheticFbank(batch, frames), batch, frames)
      expect(out.patches.length).toBe(batch * 8 * Math.floor(frames / 16) * TINY.dim)
      expect(out.patches.every(Number.isFinite)).toBe(true)
    }
  })

  it('ignores the trailing T mod 16 frames, as the stride-16 patch conv does', async () => {
    const s = await tinySession()
    const fb = syntheticFbank(1, 47)
    const cropped = fb.slice(0, 32 * 128)
    const a = await runFbank(s, fb, 1, 47)
    const b = await runFbank(s, cropped, 1, 32)
    expect(Array.from(a.patches)).toEqual(Array.from(b.patches))
  })

  it('encodes batch items independently', async () => {
    const s = await tinySession()
    const x = syntheticFbank(2, 64, 3)
    const both = await runFbank(s, x, 2, 64)
    const first = await runFbank(s, x.slice(0, 64 * 128), 1, 64)
    const second = await runFbank(s, x.slice(64 * 128), 1, 64)
    const n = first.patches.length
    expect(maxAbs(both.patches.subarray(0, n), first.patches)).toBeLessThan(1e-5)
    expect(maxAbs(both.patches.subarray(n), second.patches)).toBeLessThan(1e-5)
  })
})

describe('encoder graph options', () => {
  it('outputs hidden state k equal to the patches of a graph stopped after k layers', async () => {
    const x = syntheticFbank(1, 80)
    for (const k of [0, 1]) {
      const full = await runFbank(await tinySession({ hiddenLayer: k }), x, 1, 80)
      const cut = await runFbank(await tinySession({ layers: k }), x, 1, 80)
      expect(maxAbs(full.hidden, cut.patches)).toBe(0)
      expect(maxAbs(full.hidden, full.patches)).toBeGreaterThan(1e-2)
    }
  })

  it('gives the same result with standard ONNX attention and the fused kernel', async () => {
    const x = syntheticFbank(2, 96)
    const a = await runFbank(await tinySession({ attention: 'standard' }), x, 2, 96)
    const b = await runFbank(await tinySession({ attention: 'fused' }), x, 2, 96)
    expect(maxAbs(a.patches, b.patches)).toBeLessThan(1e-5)
  })

  it('computes logits as the head applied to the mean patch embedding', async () => {
    const head = tinyHead(3)
    const s = await tinySession({ head })
    const out = await runFbank(s, syntheticFbank(1, 64), 1, 64)
    const N = out.patches.length / TINY.dim
    const expected = [0, 1, 2].map((c) => {
      let acc = head.bias.data[c]
      for (let d = 0; d < TINY.dim; d++) {
        let mean = 0
        for (let n = 0; n < N; n++) mean += out.patches[n * TINY.dim + d]
        acc += (mean / N) * head.weight.data[c * TINY.dim + d]
      }
      return acc
    })
    expect(maxAbs(out.logits, expected)).toBeLessThan(1e-5)
  })

  it('with a padding mask, a short item padded into a batch keeps its own output and logits', async () => {
    const head = tinyHead(3)
    const s = await tinySession({ head, paddingMask: true })
    const long = syntheticFbank(1, 96, 5)
    const short = syntheticFbank(1, 40, 6)
    const batch = new Float32Array(2 * 96 * 128)
    batch.set(long)
    batch.set(short, 96 * 128) // rest stays zero: padding
    const padded = await runFbank(s, batch, 2, 96, [96, 40])
    const alone = await runFbank(s, short, 1, 40, [40])
    const valid = 8 * Math.floor(40 / 16) * TINY.dim
    const item1 = padded.patches.subarray(48 * TINY.dim)
    expect(maxAbs(item1.subarray(0, valid), alone.patches)).toBeLessThan(1e-5)
    expect(maxAbs(padded.logits.subarray(3), alone.logits)).toBeLessThan(1e-5)
    const unmasked = await runFbank(await tinySession({ head }), batch, 2, 96)
    expect(maxAbs(unmasked.patches.subarray(48 * TINY.dim, 48 * TINY.dim + valid), alone.patches)).toBeGreaterThan(1e-3)
  })

  it('int8 quantisation keeps patch embeddings close to float (cosine ≥ 0.99)', async () => {
    const x = syntheticFbank(1, 160)
    const f = await runFbank(await tinySession(), x, 1, 160)
    const q = await runFbank(await tinySession({ quantization: 'int8' }), x, 1, 160)
    expect(cosine(f.patches, q.patches)).toBeGreaterThan(0.99)
    expect(maxAbs(f.patches, q.patches)).toBeGreaterThan(0) // really quantised
  })
})

describe('encoder graph errors', () => {
  it('names a missing weight', () => {
    const w = tinyWeights()
    w.delete('encoder.layers.1.fc2.weight')
    expect(() => buildEncoderGraph(TINY, w)).toThrow(expect.objectContaining({ code: 'CHECKPOINT_INVALID', message: expect.stringContaining('encoder.layers.1.fc2.weight') }))
  })

  it('names a weight of the wrong shape', () => {
    const w = tinyWeights()
    w.set('encoder.layer_norm.bias', { shape: [31], data: new Float32Array(31) })
    expect(() => buildEncoderGraph(TINY, w)).toThrow(expect.objectContaining({ code: 'CHECKPOINT_INVALID', message: expect.stringContaining('[31]') }))
  })

  it('refuses architectures no released model has', () => {
    expect(() => buildEncoderGraph({ ...TINY, layerNormFirst: true }, tinyWeights())).toThrow(expect.objectContaining({ code: 'CHECKPOINT_UNSUPPORTED' }))
    expect(() => buildEncoderGraph({ ...TINY, inputPatchSize: 8 }, tinyWeights())).toThrow(expect.objectContaining({ code: 'CHECKPOINT_UNSUPPORTED' }))
    expect(() => buildEncoderGraph(TINY, tinyWeights(), { hiddenLayer: 3 })).toThrow(expect.objectContaining({ code: 'INVALID_REQUEST' }))
  })
})
