// What travels between renderer and main, independent of the transport.
//  - Electron IPC: the preload exposes PreloadBridge (one named object, named methods).
//  - Host WebSocket: ClientMessage / ServerMessage JSON frames.
import { z } from 'zod'
import type { CallResult, ContractSpec } from './define'
import type { Contract } from './index'

export const CallId = z.string().min(1).max(64)

export const ClientMessage = z.discriminatedUnion('t', [
  z.object({ t: z.literal('call'), id: CallId, method: z.string().min(3).max(128), payload: z.unknown() }).strict(),
  z.object({ t: z.literal('cancel'), id: CallId }).strict(),
])
export type ClientMessage = z.infer<typeof ClientMessage>

export type ServerMessage =
  | { t: 'result'; id: string; result: CallResult }
  | { t: 'event'; event: string; payload: unknown }

type BridgeDomain<D> = { [M in keyof D]: (payload: unknown, callId: string) => Promise<CallResult> }

/** The object the Electron preload exposes as `window.openbeats`. */
export type PreloadBridge<C extends ContractSpec = Contract> = { [D in keyof C]: BridgeDomain<C[D]> } & {
  cancel(callId: string): void
  onEvent(handler: (event: string, payload: unknown) => void): () => void
}

export const PRELOAD_GLOBAL = 'openbeats'
/** IPC channel for cancelling a call, and for pushing events to the window. */
export const IPC_CANCEL_CHANNEL = 'openbeats:cancel'
export const IPC_EVENT_CHANNEL = 'openbeats:event'

/** Electron IPC: one invoke channel per contract method, e.g. `openbeats:call:projects.open`. */
export function ipcCallChannel(methodId: string): string {
  return `openbeats:call:${methodId}`
}

/** What the preload sends on a call channel. */
export const IpcCallEnvelope = z.object({ callId: CallId, payload: z.unknown() }).strict()
export type IpcCallEnvelope = z.infer<typeof IpcCallEnvelope>
