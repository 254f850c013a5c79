import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { DEMO_ARCHITECTURE, OPENBEATS_BASE } from '../../../src-main/model/demo/architectures'
import { RANDOM_MODEL_NOTE, writeRandomModel } from '../../../src-main/model/demo/demo-model'
import { randomEncoderWeights } from '../../../src-main/model/demo/random-weights'
import { createEncoderEngine } from '../../../src-main/model/engine/encoder-engine'
import { buildEncoderGraph } from '../../../src-main/model/onnx/encoder-graph'
import { syntheticFbank, TINY } from '../onnx/tiny-model'

describe('random models', () => {
  const root = mkdtempSync(join(tmpdir(), 'ob-demo-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('are deterministic: the same seed gives byte-identical graphs, another seed does not', () => {
    const a = buildEncoderGraph(TINY, randomEncoderWeights(TINY, 5)).bytes
    const b = buildEncoderGraph(TINY, randomEncoderWeights(TINY, 5)).bytes
    const c = buildEncoderGraph(TINY, randomEncoderWeights(TINY, 6)).bytes
    expect(Buffer.compare(Buffer.from(a), Buffer.from(b))).toBe(0)
    expect(Buffer.compare(Buffer.from(a), Buffer.from(c))).not.toBe(0)
  })

  it('writes the demo model: real OpenBEATs flags, small dims, and a manifest that says it knows nothing', async () => {
    const dir = join(root, 'demo')
    const manifest = await writeRandomModel(dir)
    expect(manifest.architecture).toEqual(DEMO_ARCHITECTURE)
    expect(manifest).toMatchObject({ family: 'random', pretrained: false, source: { kind: 'generated' } })
    expect(manifest.note).toBe(RANDOM_MODEL_NOTE)
    expect(manifest.note).toContain('no pretrained knowledge')
    expect(manifest.note).toContain('openbeats-studio models import')
    expect(JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')).pretrained).toBe(false)
    const engine = await createEncoderEngine(dir, { providers: ['cpu'], threads: 1 })
    const out = await engine.run(syntheticFbank(1, 998), 1, 998) // a 10 s clip
    expect(out.patchCount).toBe(496)
    expect(out.dim).toBe(192)
    // Random but not degenerate: post-LN outputs have unit-scale spread.
    const rms = Math.sqrt(out.patches.reduce((s, v) => s + v * v, 0) / out.patches.length)
    expect(rms).toBeGreaterThan(0.5)
    expect(rms).toBeLessThan(2)
    await engine.dispose()
  })

  it('generates Base-size weights with the published parameter count (90,311,792)', () => {
    const weights = randomEncoderWeights(OPENBEATS_BASE, 1)
    const unique = new Set([...weights.values()])
    const params = [...unique].reduce((n, t) => n + t.data.length, 0)
    // The published count has weight-norm g [1,1,128] and v where we store the folded weight.
    expect(params + OPENBEATS_BASE.convPos).toBe(90_311_792)
  })
})
