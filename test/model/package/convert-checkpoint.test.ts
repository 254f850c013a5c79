import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, it } from 'vitest'
import { loadCheckpoint } from '../../../src-main/model/checkpoint/load-checkpoint'
import { createEncoderEngine } from '../../../src-main/model/engine/encoder-engine'
import { convertCheckpoint } from '../../../src-main/model/package/convert-checkpoint'
import { describeShared, fixtureManifest, fixturePath } from '../../helpers/shared-data'
import { fixtureWaves, maxAbsDiff } from '../parity/fixture-model'

describeShared('convertCheckpoint', () => {
  const root = mkdtempSync(join(tmpdir(), 'ob-convert-'))
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('turns the ESPnet fine-tuned fixture into a package that reproduces the reference', async () => {
    const m = fixtureManifest()
    const loaded = await loadCheckpoint({ checkpointPath: fixturePath(m.checkpoints.espnet_cls.file), configPath: fixturePath(m.checkpoints.espnet_cls.config) })
    const dest = join(root, 'espnet')
    const manifest = await convertCheckpoint(loaded, dest, { sourceFileName: 'espnet_cls_tiny.pth' })
    expect(manifest).toMatchObject({
      family: 'espnet-finetuned',
      pretrained: true,
      quantization: 'none',
      head: { labels: ['class_0', 'class_1', 'class_2', 'class_3', 'class_4'], activation: 'softmax' },
      source: { kind: 'checkpoint', fileName: 'espnet_cls_tiny.pth', sha256: loaded.sourceSha256 },
      normalization: { mean: 15.41663, std: 6.55582 },
    })
    expect(manifest.hiddenLayer).toBeUndefined()
    const engine = await createEncoderEngine(dest, { providers: ['cpu'], threads: 1 })
    const wave = fixtureWaves()[0]
    const out = await engine.run(wave.tensor('fbank_normalized'), 1, wave.frames)
    expect(maxAbsDiff(out.patches, wave.tensor('output_final'))).toBeLessThan(1e-4)
    expect(maxAbsDiff(out.logits ?? [], wave.tensor('cls_logits'))).toBeLessThan(1e-5)
    await engine.dispose()
  })

  it('stops after layer k when asked: the package outputs hidden state k and drops the head', async () => {
    const m = fixtureManifest()
    const loaded = await loadCheckpoint({ checkpointPath: fixturePath(m.checkpoints.ms_beats_finetuned.file) })
    const dest = join(root, 'ms-layer1')
    const manifest = await convertCheckpoint(loaded, dest, { sourceFileName: 'ms_beats_tiny_finetuned.pt', layer: 1 })
    expect(manifest.hiddenLayer).toBe(1)
    expect(manifest.head).toBeUndefined()
    expect(manifest.warnings.some((w) => w.includes('classifier head dropped'))).toBe(true)
    const engine = await createEncoderEngine(dest, { providers: ['cpu'], threads: 1 })
    const wave = fixtureWaves()[1]
    const out = await engine.run(wave.tensor('fbank_normalized'), 1, wave.frames)
    expect(maxAbsDiff(out.patches, wave.tensor('hidden_1'))).toBeLessThan(1e-4)
    expect(out.logits).toBeUndefined()
    await engine.dispose()
  })
})
