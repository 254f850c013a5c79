// A stand-in for src-renderer/src/api in component and store tests: every contract method is a
// vi.fn, events are emitted by hand, and the transport status can be switched. Use with
//   vi.mock('<relative path>/src-renderer/src/api', async () => (await import('<…>/helpers/fake-api')).fakeApiModule())
import { vi, type Mock } from 'vitest'
import {
  contract,
  type ApiClient,
  type Contract,
  type DomainClient,
  type DomainName,
  type EventName,
  type EventPayload,
} from '../../../src-shared/contracts'
import { ApiError } from '../../../src-renderer/src/api/client'
import type { Transport, TransportStatus } from '../../../src-renderer/src/api/transport'

type MockedDomain<D extends DomainName> = {
  [M in keyof Contract[D]]: Mock<DomainClient<Contract[D]>[M]>
}
type MockedApi = { [D in DomainName]: MockedDomain<D> } & Pick<ApiClient, 'on'>

type Listener = (payload: unknown) => void

function buildApi(listeners: Map<string, Set<Listener>>): MockedApi {
  const domains: Record<string, Record<string, Mock>> = {}
  for (const [domain, methods] of Object.entries(contract)) {
    domains[domain] = Object.fromEntries(
      Object.keys(methods).map((name) => [
        name,
        vi.fn(async () => {
          throw new Error(`fake api: ${domain}.${name} was called but the test gave it no answer`)
        }),
      ]),
    )
  }
  const on = <E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): (() => void) => {
    const set = listeners.get(event) ?? new Set<Listener>()
    listeners.set(event, set)
    const listener = handler as Listener
    set.add(listener)
    return () => set.delete(listener)
  }
  return { ...domains, on } as unknown as MockedApi
}

function buildTransport(statusListeners: Set<(s: TransportStatus) => void>, current: { status: TransportStatus }): Transport {
  return {
    kind: 'websocket',
    call: async () => ({ ok: false, error: { code: 'INTERNAL', message: 'fake transport' } }),
    cancel: () => undefined,
    onEvent: () => () => undefined,
    onStatus(handler) {
      statusListeners.add(handler)
      handler(current.status)
      return () => statusListeners.delete(handler)
    },
  }
}

const listeners = new Map<string, Set<Listener>>()
const statusListeners = new Set<(s: TransportStatus) => void>()
const current = { status: 'open' as TransportStatus }

export const fake = {
  api: buildApi(listeners),
  transport: buildTransport(statusListeners, current),

  /** Pushes an event to every subscriber, as the main process would. */
  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of [...(listeners.get(event) ?? [])]) listener(payload)
  },

  listenerCount(event: EventName): number {
    return listeners.get(event)?.size ?? 0
  },

  setStatus(status: TransportStatus): void {
    current.status = status
    for (const handler of [...statusListeners]) handler(status)
  },

  statusListenerCount(): number {
    return statusListeners.size
  },

  /** Fresh mocks and no subscribers: call in beforeEach. */
  reset(): void {
    fake.api = buildApi(listeners)
    listeners.clear()
    statusListeners.clear()
    current.status = 'open'
  },
}

/** The module that replaces src-renderer/src/api. `api` is a getter so reset() swaps it everywhere. */
export function fakeApiModule(): Record<string, unknown> {
  return {
    get api() {
      return fake.api
    },
    get transport() {
      return fake.transport
    },
    ApiError,
    mediaUrl: (path: string) => `/media/${path}`,
  }
}

export { ApiError } from '../../../src-renderer/src/api/client'
