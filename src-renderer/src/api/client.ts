import {
  contract,
  type ApiClient,
  type CallOptions,
  type EventName,
  type EventPayload,
} from '../../../src-shared/contracts'
import type { Transport } from './transport'

/** An error returned by the main process, with a code the UI can branch on. */
export class ApiError extends Error {
  readonly code: string
  readonly details?: unknown
  constructor(code: string, message: string, details?: unknown) {
    super(message)
    this.name = 'ApiError'
    this.code = code
    this.details = details
  }
}

let callCounter = 0
function nextCallId(): string {
  callCounter += 1
  return `${Date.now().toString(36)}-${callCounter.toString(36)}`
}

/** Builds `api.<domain>.<method>(request, {signal})` for every method of the contract. */
export function createApiClient(transport: Transport): ApiClient {
  const client: Record<string, unknown> = {}
  for (const [domain, methods] of Object.entries(contract)) {
    const d: Record<string, (req: unknown, opts?: CallOptions) => Promise<unknown>> = {}
    for (const name of Object.keys(methods)) {
      const methodId = `${domain}.${name}`
      d[name] = async (request: unknown, opts?: CallOptions) => {
        const callId = nextCallId()
        const signal = opts?.signal
        if (signal?.aborted) throw new ApiError('CANCELLED', 'cancelled')
        const onAbort = () => transport.cancel(callId)
        signal?.addEventListener('abort', onAbort, { once: true })
        try {
          const result = await transport.call(methodId, request ?? {}, callId)
          if (result.ok) return result.value
          throw new ApiError(result.error.code, result.error.message, result.error.details)
        } finally {
          signal?.removeEventListener('abort', onAbort)
        }
      }
    }
    client[domain] = d
  }
  client.on = <E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void) =>
    transport.onEvent((name, payload) => {
      if (name === event) handler(payload as EventPayload<E>)
    })
  return client as ApiClient
}
