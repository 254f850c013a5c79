// Media for the renderer (audio bytes now; peaks and spectrogram tiles later), shared by the host's
// /media/… route and Electron's openbeats-media:// protocol. A media path names a thing in the open
// project (`recordings/12/audio`), never a file: the file comes from the project database, so no
// path from the renderer ever reaches the file system.
import { createReadStream, statSync } from 'node:fs'
import { PassThrough, type Readable } from 'node:stream'
import type { Logger } from '../runtime/logger'
import { decideRange } from './media-range'
import type { OpenProject, ProjectSession } from './project-session'

export interface MediaRequest {
  /** The path after the media prefix, still percent-encoded, without query: `recordings/12/audio`. */
  path: string
  method: string
  range?: string
}

export interface MediaFileBody {
  file: string
  start: number
  end: number
}

/** Made when asked (a cache built first, a tile computed): sent whole, without Range. */
export interface MediaDeferredBody {
  produce(): Promise<MediaFileBody | Uint8Array>
}

export interface MediaResponse {
  status: number
  headers: Record<string, string>
  /** A byte range of a file, something made on request, a short text (errors), or nothing (HEAD, 416). */
  body: MediaFileBody | MediaDeferredBody | string | null
}

/** What a route resolves to: a file, or (cache files) a window of one served as a whole. */
export interface MediaTarget {
  file: string
  contentType: string
  slice?: { offset: number; length: number }
}

/** A target that has to be made first; its failure ends the response early (the route logs why). */
export interface MediaDeferredTarget {
  contentType: string
  produce(): Promise<MediaFileBody | Uint8Array>
}

/** Adding a media kind = one route: a pattern over the path and a lookup in the project. */
export interface MediaRoute {
  pattern: RegExp
  resolve(match: RegExpExecArray, project: OpenProject): MediaTarget | MediaDeferredTarget | null
}

const AUDIO_CONTENT_TYPES: Record<string, string> = {
  wav: 'audio/wav',
  w64: 'audio/x-w64',
  flac: 'audio/flac',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  opus: 'audio/ogg',
  aiff: 'audio/aiff',
  m4a: 'audio/mp4',
}

export function recordingAudioRoute(): MediaRoute {
  return {
    pattern: /^recordings\/([1-9][0-9]{0,14})\/audio$/,
    resolve(match, project) {
      const row = project.db.prepare('SELECT path, format FROM recordings WHERE id = ?').get(Number(match[1])) as
        | { path: string; format: string }
        | undefined
      if (!row) return null
      return { file: row.path, contentType: AUDIO_CONTENT_TYPES[row.format] ?? 'application/octet-stream' }
    },
  }
}

// Paths are ASCII words separated by single slashes; anything else (dot segments, encoded bytes,
// backslashes, absolute or empty segments) is refused before routing.
const SAFE_PATH = /^[A-Za-z0-9_-]+(\/[A-Za-z0-9_-]+)*$/
const MAX_PATH = 512

function text(status: number, message: string): MediaResponse {
  return { status, headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: message }
}

export interface MediaService {
  handle(request: MediaRequest): MediaResponse
}

export function createMediaService(deps: { session: ProjectSession; log: Logger; routes?: MediaRoute[] }): MediaService {
  const routes = deps.routes ?? [recordingAudioRoute()]
  return {
    handle(req) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return { ...text(405, 'method not allowed'), headers: { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' } }
      if (req.path.length > MAX_PATH || !SAFE_PATH.test(req.path)) {
        deps.log.warn('refused media path', { path: req.path.slice(0, 200) })
        return text(403, 'forbidden media path')
      }
      const project = deps.session.current()
      if (!project) return text(404, 'no project is open')
      let target: MediaTarget | MediaDeferredTarget | null = null
      for (const route of routes) {
        const m = route.pattern.exec(req.path)
        if (m) {
          target = route.resolve(m, project)
          break
        }
      }
      if (!target) return text(404, 'not found')
      if ('produce' in target) {
        const headers = { 'Content-Type': target.contentType, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' }
        return { status: 200, headers, body: req.method === 'HEAD' ? null : { produce: target.produce } }
      }
      let size: number
      try {
        const st = statSync(target.file)
        if (!st.isFile()) return text(404, 'not found')
        size = target.slice ? Math.min(target.slice.length, Math.max(0, st.size - target.slice.offset)) : st.size
      } catch {
        return text(404, 'the file of this item is missing')
      }
      const shift = target.slice?.offset ?? 0
      const base = { 'Accept-Ranges': 'bytes', 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' }
      const range = decideRange(req.range, size)
      if (range.kind === 'unsatisfiable') {
        return { status: 416, headers: { ...base, 'Content-Range': `bytes */${size}` }, body: null }
      }
      const [status, start, end] = range.kind === 'partial' ? [206, range.start, range.end] : [200, 0, size - 1]
      const headers: Record<string, string> = { ...base, 'Content-Type': target.contentType, 'Content-Length': String(Math.max(0, end - start + 1)) }
      if (status === 206) headers['Content-Range'] = `bytes ${start}-${end}/${size}`
      const body = req.method === 'HEAD' || size === 0 ? null : { file: target.file, start: start + shift, end: end + shift }
      return { status, headers, body }
    },
  }
}

export function openMediaBody(body: MediaFileBody | MediaDeferredBody): Readable {
  if (!('produce' in body)) return createReadStream(body.file, { start: body.start, end: body.end })
  const out = new PassThrough()
  body.produce().then(
    (made) => {
      if (made instanceof Uint8Array) out.end(made)
      else if (made.end < made.start) out.end()
      else createReadStream(made.file, { start: made.start, end: made.end }).on('error', (err) => out.destroy(err)).pipe(out)
    },
    (err: unknown) => out.destroy(err instanceof Error ? err : new Error(String(err))),
  )
  return out
}
