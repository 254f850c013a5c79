import type { CallResult, ClientMessage, ServerMessage } from '../../../src-shared/contracts'
import type { Transport, TransportStatus } from './transport'

interface Pending {
  resolve: (r: CallResult) => void
}

/**
 * Browser host: one WebSocket to the server that served this page, authenticated with the
 * per-run token. Reconnects with backoff; calls in flight when the socket drops fail with
 * a CANCELLED-like transport error so the UI never hangs.
 */
export function createWebSocketTransport(url: string): Transport {
  let socket: WebSocket | null = null
  let status: TransportStatus = 'connecting'
  let backoff = 250
  const pending = new Map<string, Pending>()
  const queue: string[] = []
  const eventHandlers = new Set<(event: string, payload: unknown) => void>()
  const statusHandlers = new Set<(s: TransportStatus) => void>()

  function setStatus(s: TransportStatus): void {
    status = s
    for (const h of statusHandlers) h(s)
  }

  function connect(): void {
    setStatus('connecting')
    const ws = new WebSocket(url)
    socket = ws
    ws.onopen = () => {
      backoff = 250
      setStatus('open')
      while (queue.length > 0 && ws.readyState === WebSocket.OPEN) ws.send(queue.shift() as string)
    }
    ws.onmessage = (ev) => {
      let msg: ServerMessage
      try {
        msg = JSON.parse(String(ev.data)) as ServerMessage
      } catch {
        return
      }
      if (msg.t === 'result') {
        const p = pending.get(msg.id)
        if (p) {
          pending.delete(msg.id)
          p.resolve(msg.result)
        }
      } else if (msg.t === 'event') {
        for (const h of eventHandlers) h(msg.event, msg.payload)
      }
    }
    ws.onclose = () => {
      socket = null
      setStatus('closed')
      for (const [id, p] of pending) {
        pending.delete(id)
        p.resolve({ ok: false, error: { code: 'INTERNAL', message: 'connection to the OpenBEATs host was lost' } })
      }
      setTimeout(connect, backoff)
      backoff = Math.min(backoff * 2, 5000)
    }
  }

  function send(msg: ClientMessage): void {
    const text = JSON.stringify(msg)
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(text)
    else queue.push(text)
  }

  connect()

  return {
    kind: 'websocket',
    call(methodId, payload, callId) {
      return new Promise<CallResult>((resolve) => {
        pending.set(callId, { resolve })
        send({ t: 'call', id: callId, method: methodId, payload })
      })
    },
    cancel(callId) {
      if (pending.has(callId)) send({ t: 'cancel', id: callId })
    },
    onEvent(handler) {
      eventHandlers.add(handler)
      return () => eventHandlers.delete(handler)
    },
    onStatus(handler) {
      statusHandlers.add(handler)
      handler(status)
      return () => statusHandlers.delete(handler)
    },
  }
}
