// openbeats-media:// — the desktop twin of the host's /media/… route, answered by the same media
// service (so the same confinement: only things registered in the open project, with Range).
import { protocol } from 'electron'
import { Readable } from 'node:stream'
import type { Logger } from '../runtime/logger'
import { openMediaBody, type MediaService } from '../services/media'
import { MEDIA_HOST, MEDIA_SCHEME } from './media-scheme'

/** Must run before the app is ready. */
export function registerMediaScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true } },
  ])
}

export function mediaProtocolResponse(media: MediaService, request: Request): Response {
  let url: URL
  try {
    url = new URL(request.url)
  } catch {
    return new Response('bad request', { status: 400 })
  }
  if (url.host !== MEDIA_HOST) return new Response('not found', { status: 404 })
  const answer = media.handle({ path: url.pathname.replace(/^\//, ''), method: request.method, range: request.headers.get('range') ?? undefined })
  const body =
    answer.body === null ? null
    : typeof answer.body === 'string' ? answer.body
    : (Readable.toWeb(openMediaBody(answer.body)) as ReadableStream<Uint8Array>)
  return new Response(body, { status: answer.status, headers: answer.headers })
}

/** Serves the scheme; returns the disposer. */
export function handleMediaProtocol(media: MediaService, log: Logger): () => void {
  protocol.handle(MEDIA_SCHEME, (request) => {
    try {
      return mediaProtocolResponse(media, request)
    } catch (err) {
      log.error('media request failed', { url: request.url.slice(0, 200), error: err instanceof Error ? err.message : String(err) })
      return new Response('internal error', { status: 500 })
    }
  })
  return () => protocol.unhandle(MEDIA_SCHEME)
}
