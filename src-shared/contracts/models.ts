// Model registry: encoders (converted OpenBEATs/BEATs checkpoints, the demo model, trainer output)
// and classifier heads trained on an encoder's window embeddings.
import { z } from 'zod'
import { method } from './define'
import { Empty, Id, Nothing } from './common'

export const ModelKind = z.enum(['encoder', 'head'])

/**
 * How windows above threshold become detections: windows of one label in one recording merge into
 * one event while the gap from the event's end to the next window's start is ≤ maxGap seconds
 * (overlapping windows have negative gaps); events shorter than minDuration are dropped; an
 * event's score is the max (or mean) of its windows' scores.
 */
export const EventRule = z.object({
  maxGap: z.number().min(-600).max(600),
  minDuration: z.number().min(0).max(3600),
  score: z.enum(['max', 'mean']),
}).strict()
export type EventRule = z.infer<typeof EventRule>

export const LabelThreshold = z.object({ labelId: Id, code: z.string(), threshold: z.number().min(0).max(1) })
export type LabelThreshold = z.infer<typeof LabelThreshold>

/** A head's scoring settings: the windows it reads, a threshold per label, the event rule. */
export const HeadScoring = z.object({
  /** The analysis windows the head scores (the head is applied where the analysis used these). */
  windowS: z.number().positive(),
  hopS: z.number().positive(),
  thresholds: z.array(LabelThreshold),
  events: EventRule,
  /** Bumped whenever thresholds or the event rule change. */
  revision: z.number().int().min(0),
  /**
   * True when recordings were analysed with this head's windows but its detections were computed
   * with other settings (or never, e.g. a head just activated): a rescore brings them up to date.
   */
  needsRescore: z.boolean(),
})
export type HeadScoring = z.infer<typeof HeadScoring>

export const ModelSummary = z.object({
  id: Id,
  kind: ModelKind,
  name: z.string(),
  version: z.string(),
  /** for heads: the encoder whose embeddings it scores */
  encoderId: Id.nullable(),
  labelSetId: Id.nullable(),
  active: z.boolean(),
  /** False for the demo model and other random-weight encoders (and heads on them). */
  pretrained: z.boolean(),
  /** Human-readable note from the manifest (e.g. "random weights — import a real checkpoint"). */
  note: z.string().nullable(),
  labels: z.array(z.string()),
  config: z.record(z.string(), z.unknown()),
  metrics: z.record(z.string(), z.unknown()),
  provenance: z.record(z.string(), z.unknown()),
  createdAt: z.string(),
  /** Heads only: current scoring settings. */
  scoring: HeadScoring.nullable().default(null),
  /** Encoders: heads built on it; heads: 0. */
  dependants: z.number().int().min(0).default(0),
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
  /**
   * Encoders: the active one is what `analyze` uses by default (activating one deactivates the
   * others). Heads: active heads are scored by analyses and rescoring; activating a head whose
   * detections are out of date sets `scoring.needsRescore`.
   */
  setActive: method(z.object({ id: Id, active: z.boolean() }).strict(), ModelSummary),
  /** Thresholds (by label id) and the event rule of a head; the UI then offers a rescore (`scoring.needsRescore`). */
  updateHead: method(
    z.object({
      id: Id,
      thresholds: z.array(z.object({ labelId: Id, threshold: z.number().min(0).max(1) }).strict()).max(10_000).optional(),
      events: EventRule.optional(),
    }).strict(),
    ModelSummary,
  ),
  /**
   * Refused (MODEL_IN_USE) for an encoder that has heads or analysed recordings, and for a head with
   * reviewed detections, unless `force`: then the heads, embeddings and detections (reviewed ones
   * too) go with it. Label sets and annotations are always kept.
   */
  delete: method(z.object({ id: Id, force: z.boolean().optional() }).strict(), Nothing),
  /** Registers the demo model (random weights) in the open project, or returns it when already there. */
  addDemo: method(Empty, ModelSummary),
  engineStatus: method(Empty, EngineStatus),
}
