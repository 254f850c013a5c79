// A trained classifier head as plain JSON (weights as base64 of little-endian float32), and its
// decoded numeric form. Heads are read back from the database and from shared model packages, so
// the JSON form is parsed and checked, never cast.

import { z } from 'zod'
import { AppError } from '../errors'
import type { HeadTask } from './head-loss'

export type HeadKind = 'linear' | 'mlp'
export type HeadActivation = 'relu' | 'gelu'

const layerSchema = z.object({
  inputs: z.number().int().positive(),
  outputs: z.number().int().positive(),
  /** inputs × outputs, row-major. */
  weights: z.string(),
  bias: z.string(),
})

const trainedHeadSchema = z.object({
  format: z.literal('openbeats-head'),
  version: z.literal(1),
  kind: z.enum(['linear', 'mlp']),
  task: z.enum(['multi-label', 'multi-class']),
  dim: z.number().int().positive(),
  classes: z.number().int().positive(),
  activation: z.enum(['relu', 'gelu']).optional(),
  /** Inputs are standardised as (x − mean) / std before the first layer. */
  inputMean: z.string(),
  inputStd: z.string(),
  layers: z.array(layerSchema).min(1).max(2),
  trainedWith: z
    .object({
      seed: z.number().int(),
      epochsRun: z.number().int().nonnegative(),
      bestEpoch: z.number().int().nonnegative(),
      lr: z.number(),
      batchSize: z.number().int(),
      weightDecay: z.number(),
      mixup: z.number(),
      classWeights: z.union([z.enum(['balanced', 'none']), z.array(z.number())]),
    })
    .optional(),
})

export type TrainedHead = z.infer<typeof trainedHeadSchema>

export interface DecodedLayer {
  inputs: number
  outputs: number
  weights: Float32Array
  bias: Float32Array
}

export interface DecodedHead {
  kind: HeadKind
  task: HeadTask
  dim: number
  classes: number
  activation: HeadActivation
  mean: Float32Array
  std: Float32Array
  layers: DecodedLayer[]
}

export function encodeF32(values: Float32Array): string {
  // Float32Array is little-endian on every platform Node and Electron ship for.
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64')
}

function decodeF32(text: string, count: number, what: string): Float32Array {
  const bytes = Buffer.from(text, 'base64')
  if (bytes.byteLength !== count * 4) throw new AppError('MODEL_INVALID', `head ${what}: expected ${count} float32 values, found ${bytes.byteLength / 4}`)
  const out = new Float32Array(count)
  new Uint8Array(out.buffer).set(bytes)
  for (let i = 0; i < count; i++) if (!Number.isFinite(out[i])) throw new AppError('MODEL_INVALID', `head ${what}: value ${i} is not finite`)
  return out
}

/** Parses untrusted JSON into a head, checking shapes and values. */
export function parseTrainedHead(json: unknown): TrainedHead {
  const r = trainedHeadSchema.safeParse(json)
  if (!r.success) throw new AppError('MODEL_INVALID', `head JSON is malformed: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
  decodeHead(r.data) // shape and value checks
  return r.data
}

export function decodeHead(head: TrainedHead): DecodedHead {
  const expectedLayers = head.kind === 'linear' ? 1 : 2
  if (head.layers.length !== expectedLayers) throw new AppError('MODEL_INVALID', `a ${head.kind} head has ${expectedLayers} layer(s), found ${head.layers.length}`)
  if (head.task === 'multi-class' && head.classes < 2) throw new AppError('MODEL_INVALID', 'a multi-class head needs at least 2 classes')
  let inputs = head.dim
  const layers = head.layers.map((l, i) => {
    if (l.inputs !== inputs) throw new AppError('MODEL_INVALID', `head layer ${i}: expected ${inputs} inputs, found ${l.inputs}`)
    inputs = l.outputs
    return {
      inputs: l.inputs,
      outputs: l.outputs,
      weights: decodeF32(l.weights, l.inputs * l.outputs, `layer ${i} weights`),
      bias: decodeF32(l.bias, l.outputs, `layer ${i} bias`),
    }
  })
  if (inputs !== head.classes) throw new AppError('MODEL_INVALID', `head output has ${inputs} values for ${head.classes} classes`)
  const std = decodeF32(head.inputStd, head.dim, 'input std')
  for (let i = 0; i < std.length; i++) if (!(std[i] > 0)) throw new AppError('MODEL_INVALID', `head input std ${i} is not positive`)
  return {
    kind: head.kind,
    task: head.task,
    dim: head.dim,
    classes: head.classes,
    activation: head.activation ?? 'relu',
    mean: decodeF32(head.inputMean, head.dim, 'input mean'),
    std,
    layers,
  }
}
