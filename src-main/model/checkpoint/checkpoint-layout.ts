// Which of the three checkpoint families (spec §1) a top-level pickle object is, and which of
// its tensors are encoder weights, head weights or something else.
import { AppError } from '../../errors'
import type { CheckpointFamily } from '../types'
import { TensorRef } from './torch-pickle'

const PAD_HELPERS = new Set(['patch_embedding_pad.weight', 'raw2fbank_pad.weight'])
/** cfg.format of checkpoints written by the PyTorch trainer (resources/trainer): SSL layout + `head`. */
export const TRAINER_CHECKPOINT_FORMAT = 'openbeats-trainer/1'

export interface Layout {
  family: CheckpointFamily
  /** Encoder tensors by spec §9 name (ESPnet `encoder.` prefix stripped). */
  encoder: Map<string, TensorRef>
  headWeight?: { weight: TensorRef; bias: TensorRef; weightName: string }
  cfg?: Map<unknown, unknown>
  labelDict?: Map<unknown, unknown>
  /** Written by the trainer: its head is the top-level `head` dict, labels and task are in cfg. */
  trainer: boolean
  ignored: string[]
  warnings: string[]
}

function asDict(v: unknown): Map<unknown, unknown> | undefined {
  return v instanceof Map ? v : undefined
}

/** Sorts a flat state dict into encoder weights, head weights and ignored keys. */
export function identifyLayout(root: unknown, source: string, hasConfig: boolean): Layout {
  const top = asDict(root)
  if (!top) throw new AppError('CHECKPOINT_UNSUPPORTED', `${source}: the pickled object is not a dict, so it is not a state dict or a {cfg, model} checkpoint`)
  const warnings: string[] = []
  let weights = top
  let cfg: Map<unknown, unknown> | undefined
  let labelDict: Map<unknown, unknown> | undefined
  let wrapped: 'model' | 'bare' = 'bare'
  let trainerHead: Map<unknown, unknown> | undefined
  const model = asDict(top.get('model'))
  if (model) {
    weights = model
    wrapped = 'model'
    if (top.has('cfg')) {
      cfg = asDict(top.get('cfg'))
      if (!cfg) throw new AppError('CHECKPOINT_INVALID', `${source}: cfg is not a dict`)
    }
    labelDict = asDict(top.get('label_dict'))
    if (cfg?.get('format') === TRAINER_CHECKPOINT_FORMAT && top.has('head')) {
      trainerHead = asDict(top.get('head'))
      if (!trainerHead) throw new AppError('CHECKPOINT_INVALID', `${source}: head is not a dict`)
    }
    for (const k of top.keys()) if (k !== 'model' && k !== 'cfg' && k !== 'label_dict' && !(k === 'head' && trainerHead)) warnings.push(`ignored top-level entry ${String(k)}`)
  } else {
    for (const wrapper of ['module', 'state_dict']) {
      const inner = asDict(top.get(wrapper))
      if (inner) {
        weights = inner
        warnings.push(`weights taken from the top-level "${wrapper}" entry`)
        break
      }
    }
  }

  const tensors = new Map<string, TensorRef>()
  for (const [k, v] of weights) {
    if (typeof k !== 'string') throw new AppError('CHECKPOINT_INVALID', `${source}: state dict key ${String(k)} is not a string`)
    if (v instanceof TensorRef) tensors.set(k, v)
    else warnings.push(`ignored non-tensor entry ${k}`)
  }
  let prefix: string
  if (tensors.has('patch_embedding.weight')) prefix = ''
  else if (tensors.has('encoder.patch_embedding.weight')) prefix = 'encoder.'
  else throw new AppError('CHECKPOINT_UNSUPPORTED', `${source}: no BEATs encoder weights (looked for patch_embedding.weight and encoder.patch_embedding.weight)`)

  const encoder = new Map<string, TensorRef>()
  const ignored: string[] = []
  let headWeight: Layout['headWeight']
  const headKeys = prefix === '' ? ['predictor.weight', 'predictor.bias'] : ['decoder.linear_out.weight', 'decoder.linear_out.bias']
  const hw = tensors.get(headKeys[0])
  const hb = tensors.get(headKeys[1])
  if (hw && hb) headWeight = { weight: hw, bias: hb, weightName: headKeys[0] }
  else if (hw || hb) throw new AppError('CHECKPOINT_INVALID', `${source}: has ${hw ? headKeys[0] : headKeys[1]} without ${hw ? headKeys[1] : headKeys[0]}`)
  if (trainerHead) {
    const w = trainerHead.get('weight')
    const b = trainerHead.get('bias')
    if (!(w instanceof TensorRef) || !(b instanceof TensorRef)) throw new AppError('CHECKPOINT_INVALID', `${source}: head must hold weight and bias tensors`)
    headWeight = { weight: w, bias: b, weightName: 'head.weight' }
  }
  for (const [k, v] of tensors) {
    if (headKeys.includes(k)) continue
    if (!k.startsWith(prefix)) {
      ignored.push(k)
      continue
    }
    const name = k.slice(prefix.length)
    if (PAD_HELPERS.has(name)) continue
    encoder.set(name, v)
  }

  let family: CheckpointFamily
  if (trainerHead) {
    family = 'openbeats-ssl'
  } else if (wrapped === 'model') {
    family = cfg?.has('finetuned_model') || labelDict || (prefix === '' && headWeight) ? 'microsoft' : 'openbeats-ssl'
    if (!cfg) warnings.push('checkpoint has model weights but no cfg')
  } else if (prefix === 'encoder.') {
    family = headWeight || hasConfig ? 'espnet-finetuned' : 'openbeats-ssl'
  } else {
    family = headWeight ? 'microsoft' : 'openbeats-ssl'
  }
  return { family, encoder, headWeight, cfg, labelDict, trainer: trainerHead !== undefined, ignored, warnings }
}
