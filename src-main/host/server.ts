// The browser host: the built renderer, /media/… and /ws on one HTTP server, every request
// authenticated with the per-run token. Bound to 127.0.0.1 unless the caller says otherwise.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { WebSocketServer } from 'ws'
import type { Router } from '../ipc/router'
import type { Logger } from '../runtime/logger'
import type { EventBus } from '../services/event-bus'
import { openMediaBody, type MediaService } from '../services/media'
import { authenticate, createAccessToken, tokenCookie } from './auth'
import { securityHeaders } from './security-headers'
import { lookupStatic, sendStatic } from './static-files'
import { serveWebSocket } from './ws-connection'

export interface HostOptions {
  router: Router
  events: EventBus
  media: MediaService
  rendererDir: string
  log: Logger
  port?: number
  host?: string
  /** Fixed token (tests); otherwise a fresh random one. */
  token?: string
}

export interface RunningHost {
  url: string
  port: number
  token: string
  close(): Promise<void>
}

/** Frames above this are refused by ws (connection closed); calls above 1 MB get INVALID_REQUEST. */
const MAX_FRAME_BYTES = 4 * 1024 * 1024
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1'])

export function isLoopback(host: string): boolean {
  return LOOPBACK.has(host)
}

export async function startHost(opts: HostOptions): Promise<RunningHost> {
  const bindHost = opts.host ?? '127.0.0.1'
  const token = opts.token ?? createAccessToken()
  const log = opts.log
  let port = 0

  // DNS-rebinding guard: on loopback, only our own host names may address us.
  const hostAllowed = (hostHeader: string | undefined): boolean => {
    if (!isLoopback(bindHost)) return true
    return hostHeader !== undefined && [`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`].includes(hostHeader)
  }

  const plain = (res: ServerResponse, status: number, text: string, headers: Record<string, string>) => {
    res.writeHead(status, { ...headers, 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' })
    res.end(text)
  }

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const hostHeader = req.headers.host ?? ''
    const headers = securityHeaders(hostHeader)
    if (!hostAllowed(req.headers.host)) return plain(res, 403, 'unexpected Host header', headers)
    let url: URL
    try {
      url = new URL(req.url ?? '/', `http://${hostHeader || 'localhost'}`)
    } catch {
      return plain(res, 400, 'bad request', headers)
    }
    const auth = authenticate(req, url, token, port)
    if (!auth.ok) {
      return plain(res, 401, 'OpenBEATs Studio: this address needs the access token. Open the URL printed by `npm run serve` (it ends with ?token=…).', headers)
    }
    if (auth.viaQuery) headers['Set-Cookie'] = tokenCookie(token, port)
    const method = req.method ?? 'GET'
    if (method !== 'GET' && method !== 'HEAD') return plain(res, 405, 'method not allowed', { ...headers, Allow: 'GET, HEAD' })

    const raw = req.url ?? '/'
    const rawPath = raw.split('?')[0]
    if (rawPath === '/media' || rawPath.startsWith('/media/')) {
      const answer = opts.media.handle({ path: rawPath.slice('/media/'.length), method, range: req.headers.range })
      if (typeof answer.body === 'string' || answer.body === null) {
        res.writeHead(answer.status, { ...headers, ...answer.headers })
        res.end(typeof answer.body === 'string' ? answer.body : undefined)
        return
      }
      res.writeHead(answer.status, { ...headers, ...answer.headers })
      openMediaBody(answer.body).on('error', () => res.destroy()).pipe(res)
      return
    }
    if (rawPath === '/ws') return plain(res, 426, 'use a WebSocket here', headers)

    let pathname: string
    try {
      pathname = decodeURIComponent(url.pathname)
    } catch {
      return plain(res, 400, 'bad path', headers)
    }
    const found = lookupStatic(opts.rendererDir, pathname)
    if (found.kind === 'not-built') return plain(res, 503, `the renderer is not built (no ${opts.rendererDir}/index.html): run npx electron-vite build`, headers)
    if (found.kind === 'missing') return plain(res, 404, 'not found', headers)
    sendStatic(res, found, method, headers)
  }

  const server = createServer((req, res) => {
    try {
      handle(req, res)
    } catch (err) {
      log.error('request failed', { url: req.url?.slice(0, 200), error: err instanceof Error ? err.message : String(err) })
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end('internal error')
    }
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_FRAME_BYTES })
  let connections = 0

  const refuse = (socket: Duplex, status: string) => {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy())
    let url: URL
    try {
      url = new URL(req.url ?? '/', `http://${req.headers.host ?? 'localhost'}`)
    } catch {
      return refuse(socket, '400 Bad Request')
    }
    if (url.pathname !== '/ws') return refuse(socket, '404 Not Found')
    if (!hostAllowed(req.headers.host)) return refuse(socket, '403 Forbidden')
    // Browsers send Origin on WebSocket handshakes; a page from elsewhere must not connect.
    const origin = req.headers.origin
    if (origin !== undefined && origin !== `http://${req.headers.host}` && origin !== `https://${req.headers.host}`) {
      log.warn('refused a WebSocket from another origin', { origin: origin.slice(0, 200) })
      return refuse(socket, '403 Forbidden')
    }
    if (!authenticate(req, url, token, port).ok) {
      log.warn('refused a WebSocket without a valid token')
      return refuse(socket, '401 Unauthorized')
    }
    connections += 1
    const conn = `ws${connections}`
    wss.handleUpgrade(req, socket, head, (ws) => serveWebSocket(ws, conn, { router: opts.router, events: opts.events, log: log.child('ws') }))
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(opts.port ?? 0, bindHost, () => {
      server.off('error', reject)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port
  const shownHost = bindHost === '0.0.0.0' || bindHost === '::' ? '127.0.0.1' : bindHost.includes(':') ? `[${bindHost}]` : bindHost

  let closing: Promise<void> | null = null
  return {
    url: `http://${shownHost}:${port}/?token=${token}`,
    port,
    token,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const client of wss.clients) client.terminate()
        wss.close()
        server.close(() => resolve())
        server.closeAllConnections()
      })
      return closing
    },
  }
}
