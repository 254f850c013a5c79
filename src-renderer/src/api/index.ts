// The renderer's only door to the main process. Everything else imports `api` from here.
import { createApiClient } from './client'
import { createIpcTransport, getPreloadBridge } from './ipc-transport'
import { createWebSocketTransport } from './ws-transport'
import type { Transport } from './transport'

export { ApiError } from './client'
export type { Transport, TransportStatus } from './transport'

const TOKEN_KEY = 'openbeats.token'

/** In the browser host the page URL carries ?token=…; keep it for reloads, then drop it from the URL. */
function hostToken(): string {
  const url = new URL(window.location.href)
  const fromUrl = url.searchParams.get('token')
  if (fromUrl) {
    sessionStorage.setItem(TOKEN_KEY, fromUrl)
    url.searchParams.delete('token')
    window.history.replaceState(window.history.state, '', url.toString())
    return fromUrl
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? ''
}

function createTransport(): Transport {
  const bridge = getPreloadBridge()
  if (bridge) return createIpcTransport(bridge)
  const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:'
  return createWebSocketTransport(`${proto}//${window.location.host}/ws?token=${encodeURIComponent(hostToken())}`)
}

export const transport = createTransport()
export const api = createApiClient(transport)

/** Media URLs (audio bytes with Range, later peaks/tiles) — the same paths under both shells. */
export function mediaUrl(path: string): string {
  if (transport.kind === 'ipc') return `openbeats-media://media/${path}`
  return `/media/${path}?token=${encodeURIComponent(sessionStorage.getItem(TOKEN_KEY) ?? '')}`
}
