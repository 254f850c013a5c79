// The typed messages between the job host (parent) and a worker process (child). Both sides parse
// what they receive: a worker is a separate program and may be buggy or of another version.
import { z } from 'zod'

export const WORKER_PROTOCOL_VERSION = 1

export const InitMessage = z.object({
  t: z.literal('init'),
  jobId: z.number().int().positive(),
  projectDir: z.string(),
  params: z.unknown(),
  /** The last checkpoint the worker committed in an earlier attempt, or null. */
  resumeFrom: z.unknown(),
}).strict()
export type InitMessage = z.infer<typeof InitMessage>

export const ParentMessage = z.discriminatedUnion('t', [
  InitMessage,
  z.object({ t: z.literal('cancel') }).strict(),
])
export type ParentMessage = z.infer<typeof ParentMessage>

const Text = z.string().max(20_000)

export const ChildMessage = z.discriminatedUnion('t', [
  /** Sent once the worker listens for messages; the parent answers with init. */
  z.object({ t: z.literal('ready'), protocol: z.number().int(), worker: z.string().max(64), pid: z.number().int() }).strict(),
  z.object({
    t: z.literal('progress'),
    done: z.number().finite().min(0),
    total: z.number().finite().min(0).nullable(),
    unit: z.string().max(32),
    message: Text.nullable().optional(),
  }).strict(),
  z.object({ t: z.literal('log'), level: z.enum(['debug', 'info', 'warn', 'error']), message: Text }).strict(),
  /** A unit of work is committed; `state` is what a resumed attempt needs to continue after it. */
  z.object({ t: z.literal('checkpoint'), state: z.unknown() }).strict(),
  z.object({ t: z.literal('result'), value: z.unknown() }).strict(),
  z.object({ t: z.literal('error'), code: z.string().max(64), message: Text, details: z.unknown().optional() }).strict(),
])
export type ChildMessage = z.infer<typeof ChildMessage>
export type ProgressMessage = Extract<ChildMessage, { t: 'progress' }>
