// Model registry: encoders (converted OpenBEATs/BEATs checkpoints, the demo model, trainer output)
// and classifier heads trained on an encoder's embeddings.
import { z } from 'zod'
import { method } from './define'
import { Empty, Id, Nothing } from './common'

export const ModelKind = z.enum(['encoder', 'head'])

export const ModelSummary = z.object({
  id: Id,
  kind: ModelKind,
  name: z.string(),
  version: z.string(),
  /** for heads: the encoder whose embeddings it scores */
  encoderId: Id.nullable(),
  labelSetId: Id.nullable(),
  active: z.boolean(),
  /** False for the demo model and other random-weight encoders. */
  pretrained: z.boolean(),
  /** Human-readable note from the manifest (e.g. "random weights — import a real checkpoint"). */
  note: z.string().nullable(),
  labels: z.array(z.string()),
  config: z.record(z.string(), z.unknown()),
  metrics: z.record(z.string(), z.unknown()),
  provenance: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
})
export type ModelSummary = z.infer<typeof ModelSummary>

export const ProviderAttempt = z.object({ name: z.string(), ok: z.boolean(), reason: z.string().nullable() })

export const EngineStatus = z.object({
  /** The execution provider the engine would use now, e.g. 'cpu', 'cuda'. */
  provider: z.string(),
  attempts: z.array(ProviderAttempt),
  /** e.g. "CUDA GPU found but the CUDA provider is not installed — run npm run setup:cuda" */
  notes: z.array(z.string()),
  threads: z.number().int(),
})
export type EngineStatus = z.infer<typeof EngineStatus>

export const modelsContract = {
  list: method(z.object({ kind: ModelKind.optional() }).strict(), z.array(ModelSummary)),
  get: method(z.object({ id: Id }).strict(), ModelSummary),
  setActive: method(z.object({ id: Id, active: z.boolean() }).strict(), ModelSummary),
  delete: method(z.object({ id: Id }).strict(), Nothing),
  engineStatus: method(Empty, EngineStatus),
}
