import { createHash } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { loadCheckpoint } from '../../../src-main/model/checkpoint/load-checkpoint'
import { foldWeightNorm } from '../../../src-main/model/checkpoint/weight-norm'
import { fullCfg, TINY_ARCH, writeSyntheticCheckpoint, type SyntheticOptions } from './beats-checkpoint-writer'

const dir = mkdtempSync(join(tmpdir(), 'obs-load-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
let n = 0
function synth(opts: SyntheticOptions, arch = TINY_ARCH): { path: string; tensors: ReturnType<typeof writeSyntheticCheckpoint>['tensors'] } {
  const path = join(dir, `c${n++}.pt`)
  return { path, tensors: writeSyntheticCheckpoint(path, arch, opts).tensors }
}
const invalid = (text: string): unknown => expect.objectContaining({ code: 'CHECKPOINT_INVALID', message: expect.stringContaining(text) })

describe('loadCheckpoint layouts (synthetic)', () => {
  it('drops _pad helpers, keeps tied relative-position copies, folds parametrizations-style weight norm', async () => {
    const { path, tensors } = synth({ layout: 'openbeats-ssl', weightNorm: 'parametrizations', pads: true, tiedCopies: true })
    const c = await loadCheckpoint({ checkpointPath: path })
    expect(c.family).toBe('openbeats-ssl')
    expect(c.warnings).toEqual([])
    expect(c.encoder.has('patch_embedding_pad.weight')).toBe(false)
    expect(c.encoder.has('raw2fbank_pad.weight')).toBe(false)
    expect(c.encoder.get('encoder.layers.1.self_attn.relative_attention_bias.weight')?.data).toEqual(tensors.get('encoder.layers.1.self_attn.relative_attention_bias.weight')?.data)
    const g = tensors.get('encoder.pos_conv.0.parametrizations.weight.original0')!
    const v = tensors.get('encoder.pos_conv.0.parametrizations.weight.original1')!
    expect(c.encoder.get('encoder.pos_conv.0.weight')).toEqual(foldWeightNorm(g, v))
    expect([...c.encoder.keys()].some((k) => k.includes('parametrizations') || k.endsWith('weight_g'))).toBe(false)
    expect(c.encoder.get('fc1')).toBeUndefined()
    expect(c.encoder.get('encoder.layers.1.fc1.weight')?.data).toEqual(tensors.get('encoder.layers.1.fc1.weight')?.data)
  })

  it('fills an OpenBEATs partial cfg with ESPnet defaults and says when a default contradicts the weights', async () => {
    const cfg = fullCfg(TINY_ARCH)
    for (const k of ['deep_norm', 'max_distance', 'relative_position_embedding', 'input_patch_size']) cfg.delete(k)
    const { path } = synth({ layout: 'openbeats-ssl', cfg })
    const c = await loadCheckpoint({ checkpointPath: path })
    expect(c.architecture).toMatchObject({ deepNorm: false, maxDistance: 1280, relativePositionEmbedding: true, inputPatchSize: 16 })
    expect(c.architectureSource).toMatchObject({ deepNorm: 'default', maxDistance: 'default', relativePositionEmbedding: 'inferred', inputPatchSize: 'inferred', layers: 'cfg' })
    expect(c.warnings.some((w) => w.includes('relative_position_embedding') && w.includes('contradicts'))).toBe(true)
    expect(c.warnings.some((w) => w.includes('deep_norm=false') && w.includes('max_distance=1280'))).toBe(true)
  })

  it('uses Microsoft defaults for a {cfg, model} file whose cfg has finetuned_model', async () => {
    const cfg = fullCfg(TINY_ARCH)
    cfg.delete('input_patch_size')
    const { path } = synth({ layout: 'microsoft', cfg, headClasses: 3, labelDict: true })
    const c = await loadCheckpoint({ checkpointPath: path })
    expect(c.family).toBe('microsoft')
    expect(c.architecture.inputPatchSize).toBe(16)
    expect(c.warnings.some((w) => w.includes('input_patch_size') && w.includes('-1'))).toBe(true)
    expect(c.head?.labels).toEqual(['/m/label0', '/m/label1', '/m/label2'])
    expect(c.head?.activation).toBe('sigmoid')
  })

  it('rejects a cfg that disagrees with the tensor shapes, naming the key', async () => {
    const cfg = fullCfg(TINY_ARCH)
    cfg.set('encoder_layers', 3)
    const { path } = synth({ layout: 'openbeats-ssl', cfg })
    await expect(loadCheckpoint({ checkpointPath: path })).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID', details: { key: 'encoder_layers', cfg: 3, weights: 2 } })
    const cfg2 = fullCfg(TINY_ARCH)
    cfg2.set('encoder_attention_heads', 4)
    const p2 = synth({ layout: 'openbeats-ssl', cfg: cfg2 }).path
    await expect(loadCheckpoint({ checkpointPath: p2 })).rejects.toThrow(invalid('encoder_attention_heads = 4 but the weights say 3'))
  })

  it('refuses a cfg with an activation other than gelu', async () => {
    const cfg = fullCfg(TINY_ARCH)
    cfg.set('activation_fn', 'relu')
    const { path } = synth({ layout: 'openbeats-ssl', cfg })
    await expect(loadCheckpoint({ checkpointPath: path })).rejects.toMatchObject({ code: 'CHECKPOINT_UNSUPPORTED' })
  })

  it('warns about and ignores unknown extra keys', async () => {
    const { path } = synth({ layout: 'openbeats-ssl', extra: { layer_weights: [3], 'quantize.embedding.weight': [4, 2] } })
    const c = await loadCheckpoint({ checkpointPath: path })
    expect(c.encoder.has('layer_weights')).toBe(false)
    expect(c.warnings).toEqual([expect.stringMatching(/ignored 2 unused tensor\(s\): layer_weights, quantize\.embedding\.weight/)])
  })

  it('names a missing tensor and a tensor of the wrong shape', async () => {
    const { path } = synth({ layout: 'openbeats-ssl', omit: ['encoder.layers.1.fc2.bias'] })
    await expect(loadCheckpoint({ checkpointPath: path })).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID', details: { key: 'encoder.layers.1.fc2.bias' } })
    const p2 = synth({ layout: 'openbeats-ssl', omit: ['encoder.layers.1.fc2.weight'], extra: { 'encoder.layers.1.fc2.weight': [24, 31] } }).path
    await expect(loadCheckpoint({ checkpointPath: p2 })).rejects.toThrow(invalid('encoder.layers.1.fc2.weight has shape [24,31]'))
  })

  it('infers the architecture of a bare state dict without any cfg', async () => {
    const arch = { ...TINY_ARCH, layers: 3, convBias: true, gruRelPos: false }
    const { path } = synth({ layout: 'bare' }, arch)
    const c = await loadCheckpoint({ checkpointPath: path })
    expect(c.family).toBe('openbeats-ssl')
    expect(c.architecture).toEqual({ ...arch, deepNorm: true, layerNormFirst: false, maxDistance: 800 })
  })

  it('checks cancellation and reports progress up to 1', async () => {
    const { path } = synth({ layout: 'openbeats-ssl' })
    const ctl = new AbortController()
    ctl.abort()
    await expect(loadCheckpoint({ checkpointPath: path }, { signal: ctl.signal })).rejects.toMatchObject({ code: 'CANCELLED' })
    const seen: number[] = []
    await loadCheckpoint({ checkpointPath: path }, { onProgress: (f) => seen.push(f) })
    expect(seen.length).toBeGreaterThan(10)
    expect(seen[seen.length - 1]).toBe(1)
    expect(seen.every((f, i) => i === 0 || f >= seen[i - 1])).toBe(true)
  })
})

describe('loadCheckpoint ESPnet fine-tunes (synthetic)', () => {
  function espnetDir(yaml: string | undefined, tokenList?: string): { ckpt: string; config?: string; tokens?: string } {
    const d = join(dir, `espnet${n++}`)
    mkdirSync(d)
    const ckpt = join(d, 'valid.acc.ave_1best.pth')
    writeSyntheticCheckpoint(ckpt, TINY_ARCH, { layout: 'espnet', headClasses: 3, pads: true })
    let config: string | undefined
    if (yaml !== undefined) writeFileSync((config = join(d, 'config.yaml')), yaml)
    let tokens: string | undefined
    if (tokenList !== undefined) writeFileSync((tokens = join(d, 'token_list')), tokenList)
    return { ckpt, config, tokens }
  }

  it('takes sigmoid, normalisation constants and string labels from config.yaml', async () => {
    const yaml = ['encoder: beats', 'encoder_conf:', '  fbank_mean: 15.2913', '  fbank_std: 5.90532', 'model_conf:', '  classification_type: multi-label', 'token_list:', '- "1"', '- 010', '- yes', '- <unk>', ''].join('\n')
    const { ckpt, config } = espnetDir(yaml)
    const c = await loadCheckpoint({ checkpointPath: ckpt, configPath: config })
    expect(c.family).toBe('espnet-finetuned')
    expect(c.head?.activation).toBe('sigmoid')
    expect(c.head?.labels).toEqual(['1', '010', 'yes'])
    expect(c.normalization).toEqual({ mean: 15.2913, std: 5.90532 })
  })

  it('finds config.yaml beside the checkpoint and prefers an explicit token_list file', async () => {
    const { ckpt, tokens } = espnetDir('model_conf:\n  classification_type: multi-class\ntoken_list:\n- a\n- b\n- c\n- <unk>\n', 'dog\ncat\n<unk>\nbird\n')
    // the last entry is not <unk>: nothing is dropped, so 4 names for 3 classes is an error
    await expect(loadCheckpoint({ checkpointPath: ckpt, tokenListPath: tokens })).rejects.toThrow(invalid('names 4 classes but the head has 3'))
    writeFileSync(tokens!, 'dog\ncat\nbird\n<unk>\n')
    const c = await loadCheckpoint({ checkpointPath: ckpt, tokenListPath: tokens })
    expect(c.head?.labels).toEqual(['dog', 'cat', 'bird'])
    expect(c.head?.activation).toBe('softmax')
    expect(c.warnings.some((w) => w.includes('found beside the checkpoint'))).toBe(true)
  })

  it('checks architecture keys in beats_config against the weights', async () => {
    const { ckpt, config } = espnetDir('encoder_conf:\n  beats_config:\n    encoder_layers: 4\n    dropout: 0.0\n')
    await expect(loadCheckpoint({ checkpointPath: ckpt, configPath: config })).rejects.toMatchObject({ code: 'CHECKPOINT_INVALID', details: { key: 'encoder_layers' } })
  })

  it('refuses heads it cannot represent (max pooling)', async () => {
    const { ckpt, config } = espnetDir('decoder: linear\ndecoder_conf:\n  pooling: max\n')
    await expect(loadCheckpoint({ checkpointPath: ckpt, configPath: config })).rejects.toMatchObject({ code: 'CHECKPOINT_UNSUPPORTED' })
  })

  it('falls back to class_i names and softmax without a config, and says so', async () => {
    const { ckpt } = espnetDir(undefined)
    const c = await loadCheckpoint({ checkpointPath: ckpt })
    expect(c.head?.labels).toEqual(['class_0', 'class_1', 'class_2'])
    expect(c.warnings.length).toBe(4)
    expect(c.sourceSha256).toBe(createHash('sha256').update(readFileSync(ckpt)).digest('hex'))
  })
})
