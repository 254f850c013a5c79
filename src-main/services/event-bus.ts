// The typed events the main process pushes to every connected renderer (contract `events`).
import type { EventName, EventPayload } from '../../src-shared/contracts'
import type { Logger } from '../runtime/logger'

export type Disposer = () => void

export interface EventBus {
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void
  on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): Disposer
  /** Every event, for transports that forward all of them to a window or a socket. */
  onAny(handler: (event: EventName, payload: unknown) => void): Disposer
  dispose(): void
}

type AnyHandler = (event: EventName, payload: unknown) => void

export function createEventBus(log: Logger): EventBus {
  const handlers = new Set<AnyHandler>()

  // A throwing listener must not stop the others nor the code that emitted.
  const safeCall = (h: AnyHandler, event: EventName, payload: unknown) => {
    try {
      h(event, payload)
    } catch (err) {
      log.error('event listener failed', { event, error: err instanceof Error ? err.message : String(err) })
    }
  }

  return {
    emit(event, payload) {
      for (const h of [...handlers]) safeCall(h, event, payload)
    },
    on(event, handler) {
      const h: AnyHandler = (name, payload) => {
        if (name === event) handler(payload as EventPayload<typeof event>)
      }
      handlers.add(h)
      return () => {
        handlers.delete(h)
      }
    },
    onAny(handler) {
      handlers.add(handler)
      return () => {
        handlers.delete(handler)
      }
    },
    dispose() {
      handlers.clear()
    },
  }
}
