// The one router both transports (Electron IPC and the host's WebSocket) hand calls to:
// look the method up in the contract, validate the payload before any service code runs, call the
// handler with an AbortSignal, and turn every outcome into a CallResult envelope.
import type { z } from 'zod'
import { contract, type CallContext, type CallResult, type ContractHandlers, type MethodSpec } from '../../src-shared/contracts'
import { AppError, toErrorData } from '../errors'
import type { Logger } from '../runtime/logger'
import { guardPayload, MAX_PAYLOAD_BYTES } from './payload-guard'

export interface MainCallContext extends CallContext {
  signal: AbortSignal
}

export type Transport = CallContext['transport']

export interface DispatchOptions {
  callId: string
  transport: Transport
  /** An outer signal (e.g. the connection closing) that cancels the call too. */
  signal?: AbortSignal
}

export interface Router {
  dispatch(methodId: string, payload: unknown, options: DispatchOptions): Promise<CallResult>
  /** Aborts the call's signal; the handler decides how quickly it stops. */
  cancel(callId: string): boolean
  /** Calls currently running (for tests and shutdown). */
  inFlight(): number
}

export interface RouterOptions {
  log: Logger
  /** Parse every response with the contract too (tests and development): catches drift early. */
  checkResponses?: boolean
  maxPayloadBytes?: number
}

type Handler = (request: unknown, ctx: MainCallContext) => Promise<unknown>

interface RouteEntry {
  spec: MethodSpec
  handler: Handler
}

/** zod issues as one readable line: `dir: Invalid input: expected string, received number`. */
export function formatZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length > 0 ? issue.path.map(String).join('.') : '(payload)'}: ${issue.message}`)
    .join('; ')
}

function buildRoutes(handlers: ContractHandlers<MainCallContext>): Map<string, RouteEntry> {
  const routes = new Map<string, RouteEntry>()
  const domains = handlers as unknown as Record<string, Record<string, Handler | undefined> | undefined>
  for (const [domain, methods] of Object.entries(contract)) {
    for (const [name, spec] of Object.entries(methods as Record<string, MethodSpec>)) {
      const handler = domains[domain]?.[name]
      if (typeof handler !== 'function') throw new Error(`no handler for contract method ${domain}.${name}`)
      routes.set(`${domain}.${name}`, { spec, handler })
    }
  }
  return routes
}

export function createRouter(handlers: ContractHandlers<MainCallContext>, options: RouterOptions): Router {
  const routes = buildRoutes(handlers)
  const running = new Map<string, AbortController>()
  const log = options.log
  const maxBytes = options.maxPayloadBytes ?? MAX_PAYLOAD_BYTES

  function reject(methodId: string, transport: Transport, err: unknown): CallResult {
    const error = toErrorData(err)
    log.warn('rejected call', { method: methodId.slice(0, 128), transport, code: error.code, reason: error.message.slice(0, 500) })
    return { ok: false, error }
  }

  async function dispatch(methodId: string, payload: unknown, opts: DispatchOptions): Promise<CallResult> {
    const route = typeof methodId === 'string' ? routes.get(methodId) : undefined
    if (!route) return reject(String(methodId), opts.transport, new AppError('NOT_FOUND', `no such method: ${String(methodId).slice(0, 128)}`))
    if (running.has(opts.callId)) {
      return reject(methodId, opts.transport, new AppError('INVALID_REQUEST', `call id ${opts.callId} is already in use`))
    }

    let request: unknown
    try {
      guardPayload(payload, maxBytes)
      const parsed = route.spec.request.safeParse(payload)
      if (!parsed.success) throw new AppError('INVALID_REQUEST', `invalid request for ${methodId}: ${formatZodError(parsed.error)}`)
      request = parsed.data
    } catch (err) {
      return reject(methodId, opts.transport, err)
    }

    const controller = new AbortController()
    const onOuterAbort = () => controller.abort()
    if (opts.signal?.aborted) controller.abort()
    opts.signal?.addEventListener('abort', onOuterAbort, { once: true })
    running.set(opts.callId, controller)
    try {
      const value = await route.handler(request, { signal: controller.signal, transport: opts.transport })
      if (options.checkResponses) {
        const checked = route.spec.response.safeParse(value)
        if (!checked.success) {
          const error = new AppError('INTERNAL', `response of ${methodId} does not match the contract: ${formatZodError(checked.error)}`)
          log.error(error.message)
          return { ok: false, error: error.toData() }
        }
      }
      return { ok: true, value: value === undefined ? null : value }
    } catch (err) {
      const error = toErrorData(err)
      if (error.code === 'INTERNAL') {
        log.error('call failed', { method: methodId, message: error.message, stack: err instanceof Error ? err.stack : undefined })
      } else {
        log.debug('call failed', { method: methodId, code: error.code, message: error.message })
      }
      return { ok: false, error }
    } finally {
      running.delete(opts.callId)
      opts.signal?.removeEventListener('abort', onOuterAbort)
    }
  }

  return {
    dispatch,
    cancel(callId) {
      const controller = running.get(callId)
      if (!controller) return false
      controller.abort()
      return true
    },
    inFlight: () => running.size,
  }
}
