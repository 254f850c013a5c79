// One browser tab's WebSocket: ClientMessage frames in, ServerMessage frames out. Anything a
// client sends — not JSON, the wrong shape, too big, binary — is answered with INVALID_REQUEST when
// a call id can be read, otherwise logged and dropped; the connection and the host carry on.
import type { WebSocket } from 'ws'
import { CallId, ClientMessage, type CallResult, type ServerMessage } from '../../src-shared/contracts'
import type { Router } from '../ipc/router'
import type { Logger } from '../runtime/logger'
import type { EventBus } from '../services/event-bus'

const MAX_IN_FLIGHT = 256

function readableId(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null
  const parsed = CallId.safeParse((value as Record<string, unknown>).id)
  return parsed.success ? parsed.data : null
}

/** `conn` names the connection; call ids are scoped by it so tabs cannot cancel each other's calls. */
export function serveWebSocket(ws: WebSocket, conn: string, deps: { router: Router; events: EventBus; log: Logger }): void {
  const { router, log } = deps
  const closed = new AbortController()
  const inFlight = new Set<string>()

  const send = (msg: ServerMessage) => {
    if (ws.readyState !== ws.OPEN) return
    try {
      ws.send(JSON.stringify(msg))
    } catch (err) {
      log.warn('could not send a frame', { conn, error: err instanceof Error ? err.message : String(err) })
    }
  }
  const reply = (id: string, result: CallResult) => send({ t: 'result', id, result })
  const invalid = (id: string, message: string) => reply(id, { ok: false, error: { code: 'INVALID_REQUEST', message } })

  const offEvents = deps.events.onAny((event, payload) => send({ t: 'event', event, payload }))

  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      log.warn('dropped a binary frame', { conn })
      return
    }
    let raw: unknown
    try {
      raw = JSON.parse(data.toString())
    } catch {
      log.warn('dropped a frame that is not JSON', { conn })
      return
    }
    const parsed = ClientMessage.safeParse(raw)
    if (!parsed.success) {
      const id = readableId(raw)
      log.warn('malformed frame', { conn, id, issue: parsed.error.issues[0]?.message })
      if (id) invalid(id, `malformed message: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(frame)'}: ${i.message}`).join('; ')}`)
      return
    }
    const msg = parsed.data
    const callId = `${conn}:${msg.id}`
    if (msg.t === 'cancel') {
      router.cancel(callId)
      return
    }
    if (inFlight.has(msg.id)) {
      invalid(msg.id, `call id ${msg.id} is already in use on this connection`)
      return
    }
    if (inFlight.size >= MAX_IN_FLIGHT) {
      invalid(msg.id, `too many calls in flight (limit ${MAX_IN_FLIGHT})`)
      return
    }
    inFlight.add(msg.id)
    void router
      .dispatch(msg.method, msg.payload, { callId, transport: 'host', signal: closed.signal })
      .then((result) => reply(msg.id, result))
      .finally(() => inFlight.delete(msg.id))
  })

  // Oversized frames and protocol violations surface here; ws closes the socket itself.
  ws.on('error', (err) => log.warn('websocket error', { conn, error: err.message }))
  ws.on('close', () => {
    offEvents()
    closed.abort()
  })
}
