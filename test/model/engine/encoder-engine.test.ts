import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { writeRandomModel } from '../../../src-main/model/demo/demo-model'
import { createEncoderEngine, type EncoderEngine } from '../../../src-main/model/engine/encoder-engine'
import { GraphBuilder } from '../../../src-main/model/onnx/graph-builder'
import { buildEncoderGraph } from '../../../src-main/model/onnx/encoder-graph'
import { syntheticFbank, TINY, tinyHead, tinyWeights } from '../onnx/tiny-model'

describe('encoder engine', () => {
  const root = mkdtempSync(join(tmpdir(), 'ob-engine-'))
  let engine: EncoderEngine
  beforeAll(async () => {
    await writeRandomModel(join(root, 'tiny'), { architecture: TINY, seed: 3, classes: 4 })
    engine = await createEncoderEngine(join(root, 'tiny'), { providers: ['cpu'], threads: 1 })
  })
  afterAll(async () => {
    await engine.dispose()
    rmSync(root, { recursive: true, force: true })
  })

  it('opens a package, reports its dimensions and runs batches', async () => {
    expect(engine.dim).toBe(TINY.dim)
    expect(engine.classes).toBe(4)
    expect(engine.manifest?.pretrained).toBe(false)
    expect(engine.provider.used).toBe('cpu')
    const out = await engine.run(syntheticFbank(3, 50), 3, 50)
    expect(out).toMatchObject({ batch: 3, patchCount: 24, dim: TINY.dim })
    expect(out.patches.length).toBe(3 * 24 * TINY.dim)
    expect(out.logits?.length).toBe(3 * 4)
    expect(out.hidden).toBeUndefined()
  })

  it('rejects inputs of the wrong size, too few frames, or lengths it cannot honour', async () => {
    await expect(engine.run(new Float32Array(10), 1, 16)).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
    await expect(engine.run(new Float32Array(15 * 128), 1, 15)).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('16 frames') })
    await expect(engine.run(syntheticFbank(2, 32), 2, 32, { frameLengths: [32, 20] })).rejects.toMatchObject({ code: 'INVALID_REQUEST', message: expect.stringContaining('padding mask') })
  })

  it('refuses to run once disposed and when cancelled', async () => {
    const e = await createEncoderEngine({ modelBytes: buildEncoderGraph(TINY, tinyWeights()).bytes }, { providers: ['cpu'], threads: 1 })
    const ac = new AbortController()
    ac.abort()
    await expect(e.run(syntheticFbank(1, 16), 1, 16, { signal: ac.signal })).rejects.toMatchObject({ code: 'CANCELLED' })
    await e.dispose()
    await expect(e.run(syntheticFbank(1, 16), 1, 16)).rejects.toMatchObject({ code: 'INTERNAL' })
  })

  it('passes frame lengths to a graph built with a padding mask', async () => {
    const head = tinyHead(2)
    const e = await createEncoderEngine({ modelBytes: buildEncoderGraph(TINY, tinyWeights(), { paddingMask: true, head }).bytes }, { providers: ['cpu'], threads: 1 })
    expect(e.acceptsFrameLengths).toBe(true)
    const x = syntheticFbank(1, 32)
    const padded = new Float32Array(2 * 64 * 128)
    padded.set(x, 64 * 128)
    const both = await e.run(padded, 2, 64, { frameLengths: [64, 32] })
    const alone = await e.run(x, 1, 32)
    expect(Math.max(...Array.from(alone.logits ?? [], (v, i) => Math.abs(v - (both.logits?.[2 + i] ?? NaN))))).toBeLessThan(1e-5)
    await e.dispose()
  })

  it('says MODEL_INVALID for bytes that are not a model, or a graph that is not an encoder', async () => {
    await expect(createEncoderEngine({ modelBytes: new Uint8Array([1, 2, 3, 4]) }, { providers: ['cpu'] })).rejects.toMatchObject({ code: 'MODEL_INVALID' })
    const g = new GraphBuilder()
    g.output(g.node('Relu', [g.input('x', 'float', [1])]), 'y', 'float', [1])
    await expect(createEncoderEngine({ modelBytes: g.encode({ producerVersion: 'test' }) }, { providers: ['cpu'] })).rejects.toMatchObject({ code: 'MODEL_INVALID', message: expect.stringContaining('not an OpenBEATs encoder') })
  })
})
