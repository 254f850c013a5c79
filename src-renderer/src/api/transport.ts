import type { CallResult } from '../../../src-shared/contracts'

/** How the api client reaches the main process; the client cannot tell which one it has. */
export interface Transport {
  readonly kind: 'ipc' | 'websocket'
  call(methodId: string, payload: unknown, callId: string): Promise<CallResult>
  cancel(callId: string): void
  onEvent(handler: (event: string, payload: unknown) => void): () => void
  /** Connection state changes (the WebSocket reconnects; IPC is always up). */
  onStatus(handler: (status: TransportStatus) => void): () => void
}

export type TransportStatus = 'connecting' | 'open' | 'closed'
