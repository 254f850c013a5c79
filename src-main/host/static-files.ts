// The built renderer (out/renderer) with a single-page-app fallback to index.html.
import { createReadStream, existsSync, statSync } from 'node:fs'
import type { ServerResponse } from 'node:http'
import { extname, join, resolve, sep } from 'node:path'

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
}

export type StaticLookup = { kind: 'file'; file: string; contentType: string; immutable: boolean } | { kind: 'missing' } | { kind: 'not-built' }

/** Maps a decoded URL path to a file under `root`; never outside it. */
export function lookupStatic(root: string, pathname: string): StaticLookup {
  const base = resolve(root)
  const index = join(base, 'index.html')
  if (!existsSync(index)) return { kind: 'not-built' }
  if (pathname.includes('\0')) return { kind: 'missing' }
  const file = resolve(base, '.' + pathname)
  const inside = file === base || file.startsWith(base + sep)
  if (inside && file !== base) {
    try {
      if (statSync(file).isFile()) {
        return { kind: 'file', file, contentType: CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', immutable: file.startsWith(join(base, 'assets') + sep) }
      }
    } catch {
      // fall through to the SPA fallback
    }
  }
  // Client-side routes (/jobs, /projects/…) have no extension; missing assets do.
  if (!inside || extname(pathname) !== '') return { kind: 'missing' }
  return { kind: 'file', file: index, contentType: CONTENT_TYPES['.html'], immutable: false }
}

export function sendStatic(res: ServerResponse, found: Extract<StaticLookup, { kind: 'file' }>, method: string, headers: Record<string, string>): void {
  const size = statSync(found.file).size
  res.writeHead(200, {
    ...headers,
    'Content-Type': found.contentType,
    'Content-Length': String(size),
    // Hashed asset names never change; the page itself must always be fresh.
    'Cache-Control': found.immutable ? 'private, max-age=31536000, immutable' : 'no-store',
  })
  if (method === 'HEAD') {
    res.end()
    return
  }
  createReadStream(found.file).on('error', () => res.destroy()).pipe(res)
}
