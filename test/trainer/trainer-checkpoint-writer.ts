// Test helper: a checkpoint in the layout the trainer writes (save_trainer_checkpoint: SSL layout,
// cfg with format/labels/classification_type/provenance, a top-level head), built without Python.
import { expectedEncoderShapes } from '../../src-main/model/checkpoint/architecture'
import { fullCfg, randomValues, TINY_ARCH } from '../model/checkpoint/beats-checkpoint-writer'
import { PickleBuilder, writeTorchZip, type PyLiteral, type TensorSpec } from '../model/checkpoint/torch-writer'

/** A checkpoint as the trainer writes it (save_trainer_checkpoint), built without Python. */
export function writeTrainerCheckpoint(path: string, o: { labels?: string[]; task?: string; head?: boolean }): { weight: Float32Array; bias: Float32Array } {
  const storages: Record<string, Uint8Array> = {}
  let key = 0
  const tensor = (shape: number[], seed: number): { spec: TensorSpec; data: Float32Array } => {
    const numel = shape.reduce((a, b) => a * b, 1)
    const data = randomValues(numel, seed)
    const k = String(key++)
    storages[k] = new Uint8Array(data.buffer)
    return { spec: { key: k, storageNumel: numel, shape }, data }
  }
  const model = new Map<string, PyLiteral>()
  let seed = 11
  for (const [name, shape] of expectedEncoderShapes(TINY_ARCH)) {
    if (name === 'encoder.pos_conv.0.weight') {
      model.set('encoder.pos_conv.0.weight_g', tensor([1, 1, TINY_ARCH.convPos], seed++).spec)
      model.set('encoder.pos_conv.0.weight_v', tensor([TINY_ARCH.dim, TINY_ARCH.dim / TINY_ARCH.convPosGroups, TINY_ARCH.convPos], seed++).spec)
    } else {
      model.set(name, tensor(shape, seed++).spec)
    }
  }
  const cfg = fullCfg(TINY_ARCH)
  cfg.set('format', 'openbeats-trainer/1')
  cfg.set('fbank_mean', { float: 15.41663 })
  cfg.set('fbank_std', { float: 6.55582 })
  cfg.set('provenance', new Map<string, PyLiteral>([['job_type', 'finetune'], ['seed', 3], ['hparams', new Map<string, PyLiteral>([['lr', { float: 5e-5 }]])]]))
  const top = new Map<string, PyLiteral>([['model', model]])
  const labels = o.labels ?? ['low', 'high', 'mid']
  let weight: Float32Array = new Float32Array(0)
  let bias: Float32Array = new Float32Array(0)
  if (o.head !== false) {
    cfg.set('labels', labels)
    cfg.set('classification_type', o.task ?? 'multi-label')
    const w = tensor([labels.length, TINY_ARCH.dim], 99)
    const b = tensor([labels.length], 100)
    weight = w.data
    bias = b.data
    top.set('head', new Map<string, PyLiteral>([['weight', w.spec], ['bias', b.spec]]))
  }
  top.set('cfg', cfg)
  writeTorchZip(path, { pickle: new PickleBuilder().proto(2).dict(top).stop().bytes(), storages, byteorder: 'little' })
  return { weight, bias }
}

