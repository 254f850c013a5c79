// The trainer's JSON lines (resources/trainer/README.md, "Protocol"), parsed at the edge: the
// trainer is a separate program, maybe of another version, so every line is validated and extra
// fields are kept but never trusted.
import { z } from 'zod'

const Num = z.number().nullable().optional()
const Text = z.string().max(100_000)

export const LogLine = z.object({ type: z.literal('log'), level: z.string().max(16), message: Text, slow: z.boolean().optional() }).passthrough()
export const ProgressLine = z.object({
  type: z.literal('progress'),
  step: z.number().min(0),
  total: z.number().min(0).nullable().optional(),
  epoch: Num,
  samples_per_s: Num,
  eta_s: Num,
  loss: Num,
  lr: Num,
  audio_s: Num,
  audio_s_per_s: Num,
}).passthrough()
export const MetricsLine = z.object({
  type: z.literal('metrics'),
  split: z.string().max(32),
  values: z.record(z.string(), z.unknown()),
  epoch: Num,
  step: Num,
  partial: z.boolean().optional(),
}).passthrough()
export const CheckpointLine = z.object({
  type: z.literal('checkpoint'),
  path: z.string(),
  state_path: z.string().optional(),
  step: Num,
  epoch: Num,
  kind: z.string().max(32),
}).passthrough()
export const DoneLine = z.object({
  type: z.literal('done'),
  status: z.enum(['completed', 'cancelled']),
  step: Num,
  total: Num,
  outputs: z.record(z.string(), z.unknown()).nullable().optional(),
  throughput: z.record(z.string(), z.unknown()).nullable().optional(),
  environment: z.record(z.string(), z.unknown()).optional(),
}).passthrough()
export const ErrorLine = z.object({ type: z.literal('error'), code: z.string().max(64), message: Text, details: z.unknown().optional() }).passthrough()

export const TrainerLine = z.discriminatedUnion('type', [LogLine, ProgressLine, MetricsLine, CheckpointLine, DoneLine, ErrorLine])
export type TrainerLine = z.infer<typeof TrainerLine>
export type ProgressLine = z.infer<typeof ProgressLine>
export type MetricsLine = z.infer<typeof MetricsLine>
export type CheckpointLine = z.infer<typeof CheckpointLine>
export type DoneLine = z.infer<typeof DoneLine>
export type ErrorLine = z.infer<typeof ErrorLine>

/** A line of stdout → a message, or a description of what is wrong with it. */
export function parseTrainerLine(text: string): { ok: true; line: TrainerLine } | { ok: false; reason: string } {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { ok: false, reason: 'not JSON' }
  }
  const parsed = TrainerLine.safeParse(json)
  if (!parsed.success) return { ok: false, reason: parsed.error.issues.map((i) => `${i.path.join('.') || 'line'}: ${i.message}`).slice(0, 2).join('; ') }
  return { ok: true, line: parsed.data }
}
