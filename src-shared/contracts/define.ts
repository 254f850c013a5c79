// The building blocks of the typed contract between the renderer and the main process.
// A domain is a record of methods; each method has a request and a response schema. Method ids on
// the wire are `${domain}.${method}`; callers never type them: the api client is generated from
// the contract object itself.
import type { z } from 'zod'

export interface MethodSpec<Req extends z.ZodType = z.ZodType, Res extends z.ZodType = z.ZodType> {
  request: Req
  response: Res
  /** Long calls: the caller may cancel; the handler receives an AbortSignal that fires. */
  cancellable: boolean
}

export function method<Req extends z.ZodType, Res extends z.ZodType>(
  request: Req,
  response: Res,
  opts: { cancellable?: boolean } = {},
): MethodSpec<Req, Res> {
  return { request, response, cancellable: opts.cancellable ?? false }
}

export type DomainSpec = Record<string, MethodSpec>
export type ContractSpec = Record<string, DomainSpec>
export type EventsSpec = Record<string, z.ZodType>

/** AbortSignal as both Node and browsers have it (src-shared has neither lib). */
export interface AbortSignalLike {
  readonly aborted: boolean
  addEventListener(type: 'abort', listener: () => void, options?: { once?: boolean }): void
  removeEventListener(type: 'abort', listener: () => void): void
}

export interface CallOptions {
  signal?: AbortSignalLike
}

/** What the renderer calls: one async function per method. */
export type DomainClient<D extends DomainSpec> = {
  [M in keyof D]: (request: z.input<D[M]['request']>, options?: CallOptions) => Promise<z.output<D[M]['response']>>
}

/** What the main process implements: one async function per method, given parsed input. */
export type DomainHandlers<D extends DomainSpec, Ctx = CallContext> = {
  [M in keyof D]: (request: z.output<D[M]['request']>, ctx: Ctx) => Promise<z.input<D[M]['response']>>
}

export interface CallContext {
  /** Fires when the caller cancels (or the connection goes away). */
  signal: AbortSignalLike
  /** Which transport delivered the call — for logging only; services must not branch on it. */
  transport: 'ipc' | 'host' | 'cli' | 'test'
}

/** The envelope every call resolves to on the wire (errors are data, never thrown across). */
export type CallResult<T = unknown> =
  | { ok: true; value: T }
  | { ok: false; error: { code: string; message: string; details?: unknown } }
