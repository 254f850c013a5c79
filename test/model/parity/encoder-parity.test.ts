// The ONNX encoder against the reference fixtures, fed the reference fbank (spec §10: 1e-4 is a
// generous bound; ORT vs reference is ~3e-6 here).
import { beforeAll, expect, it } from 'vitest'
import { createEncoderEngine, type EncoderEngine } from '../../../src-main/model/engine/encoder-engine'
import { classifierProbabilities } from '../../../src-main/model/engine/classifier-activation'
import { loadCheckpoint } from '../../../src-main/model/checkpoint/load-checkpoint'
import { buildEncoderGraph, type AttentionKernel, type EncoderGraphOptions } from '../../../src-main/model/onnx/encoder-graph'
import type { BeatsArchitecture, StateDict } from '../../../src-main/model/types'
import { describeShared, fixtureManifest, fixturePath, readF32 } from '../../helpers/shared-data'
import { fixtureWaves, loadFixtureModel, maxAbsDiff, type FixtureModel } from './fixture-model'

const ENCODER_TOL = 1e-4
const PROB_TOL = 1e-5

async function engineFor(arch: BeatsArchitecture, weights: StateDict, opts: EncoderGraphOptions): Promise<EncoderEngine> {
  const graph = buildEncoderGraph(arch, weights, opts)
  return createEncoderEngine({ modelBytes: graph.bytes }, { providers: ['cpu'], threads: 1 })
}

describeShared('encoder parity from the reference fbank', () => {
  let model: FixtureModel
  beforeAll(() => {
    model = loadFixtureModel('softmax')
  })

  for (const attention of ['fused', 'standard'] as AttentionKernel[]) {
    it(`reproduces every hidden state and the output of every wave (${attention} attention)`, async () => {
      const L = model.architecture.layers
      for (let k = 0; k <= L; k++) {
        const engine = await engineFor(model.architecture, model.encoder, { hiddenLayer: k, attention })
        for (const wave of fixtureWaves()) {
          const out = await engine.run(wave.tensor('fbank_normalized'), 1, wave.frames)
          expect(out.patchCount).toBe(wave.patches)
          const ref = wave.tensor(k === 0 ? 'hidden_0_encoder_input' : `hidden_${k}`)
          expect(maxAbsDiff(out.hidden ?? [], ref), `${wave.id} hidden_${k}`).toBeLessThan(ENCODER_TOL)
          expect(maxAbsDiff(out.patches, wave.tensor('output_final')), `${wave.id} output`).toBeLessThan(ENCODER_TOL)
        }
        await engine.dispose()
      }
    })
  }

  it('reproduces classifier logits and softmax/sigmoid probabilities within 1e-5', async () => {
    const engine = await engineFor(model.architecture, model.encoder, { head: model.head })
    for (const wave of fixtureWaves()) {
      const out = await engine.run(wave.tensor('fbank_normalized'), 1, wave.frames)
      const logits = out.logits ?? new Float32Array()
      expect(maxAbsDiff(logits, wave.tensor('cls_logits')), `${wave.id} logits`).toBeLessThan(PROB_TOL)
      expect(maxAbsDiff(classifierProbabilities(logits, 5, 'softmax'), wave.tensor('cls_softmax')), `${wave.id} softmax`).toBeLessThan(PROB_TOL)
      expect(maxAbsDiff(classifierProbabilities(logits, 5, 'sigmoid'), wave.tensor('cls_sigmoid')), `${wave.id} sigmoid`).toBeLessThan(PROB_TOL)
    }
    await engine.dispose()
  })

  it('reproduces the zero-padded batch (first olens[i] rows of each item)', async () => {
    const batch = fixtureManifest().batch
    const waves = fixtureWaves()
    const items = (batch.items as string[]).map((id) => waves.find((w) => w.id === id))
    const frames = Math.max(...items.map((w) => w?.frames ?? 0))
    const fbank = new Float32Array(items.length * frames * 128)
    items.forEach((w, i) => fbank.set(w?.tensor('fbank_normalized') ?? [], i * frames * 128))
    const engine = await engineFor(model.architecture, model.encoder, { paddingMask: true })
    const out = await engine.run(fbank, items.length, frames, { frameLengths: items.map((w) => w?.frames ?? 0) })
    const ref = readF32(fixturePath(batch.tensors.output.file))
    const [, nMax, D] = batch.tensors.output.shape as number[]
    expect(out.patchCount).toBe(nMax)
    ;(batch.olens as number[]).forEach((olen, i) => {
      const ours = out.patches.subarray(i * nMax * D, (i * nMax + olen) * D)
      expect(maxAbsDiff(ours, ref.subarray(i * nMax * D, (i * nMax + olen) * D)), `item ${i}`).toBeLessThan(ENCODER_TOL)
    })
    await engine.dispose()
  })
})

describeShared('encoder parity from the three checkpoint layouts', () => {
  const m = fixtureManifest()
  const layouts = [
    { name: 'OpenBEATs SSL .pt', sources: { checkpointPath: fixturePath(m.checkpoints.openbeats_ssl.file) }, probs: undefined },
    { name: 'ESPnet fine-tuned .pth', sources: { checkpointPath: fixturePath(m.checkpoints.espnet_cls.file), configPath: fixturePath(m.checkpoints.espnet_cls.config) }, probs: 'cls_softmax' },
    { name: 'Microsoft fine-tuned .pt', sources: { checkpointPath: fixturePath(m.checkpoints.ms_beats_finetuned.file) }, probs: 'ms_finetuned_probs' },
  ] as const

  for (const layout of layouts) {
    it(`${layout.name}: output within 1e-4 and probabilities within 1e-5`, async () => {
      const loaded = await loadCheckpoint(layout.sources)
      const engine = await engineFor(loaded.architecture, loaded.encoder, { head: loaded.head })
      for (const wave of fixtureWaves()) {
        const out = await engine.run(wave.tensor('fbank_normalized'), 1, wave.frames)
        expect(maxAbsDiff(out.patches, wave.tensor('output_final')), `${wave.id} output`).toBeLessThan(ENCODER_TOL)
        if (layout.probs && loaded.head && out.logits) {
          const probs = classifierProbabilities(out.logits, engine.classes, loaded.head.activation)
          expect(maxAbsDiff(probs, wave.tensor(layout.probs)), `${wave.id} ${layout.probs}`).toBeLessThan(PROB_TOL)
        } else {
          expect(loaded.head).toBeUndefined()
        }
      }
      await engine.dispose()
    })
  }
})
