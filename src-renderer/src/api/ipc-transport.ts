import { PRELOAD_GLOBAL, type PreloadBridge, type CallResult } from '../../../src-shared/contracts'
import type { Transport, TransportStatus } from './transport'

type AnyBridge = Record<string, Record<string, (payload: unknown, callId: string) => Promise<CallResult>>>

export function getPreloadBridge(): PreloadBridge | undefined {
  return (window as unknown as Record<string, PreloadBridge | undefined>)[PRELOAD_GLOBAL]
}

/** Electron: calls the named methods the preload exposed. */
export function createIpcTransport(bridge: PreloadBridge): Transport {
  const domains = bridge as unknown as AnyBridge
  return {
    kind: 'ipc',
    call(methodId, payload, callId) {
      const [domain, name] = methodId.split('.')
      const fn = domains[domain]?.[name]
      if (!fn) return Promise.resolve({ ok: false, error: { code: 'NOT_FOUND', message: `no such method ${methodId}` } })
      return fn(payload, callId)
    },
    cancel: (callId) => bridge.cancel(callId),
    onEvent: (handler) => bridge.onEvent(handler),
    onStatus(handler: (s: TransportStatus) => void) {
      handler('open')
      return () => {}
    },
  }
}
