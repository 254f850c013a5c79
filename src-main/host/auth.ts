// The host's access token: 32 random bytes per run, required on every HTTP request and WebSocket.
// The first page load carries it as ?token=…; an HttpOnly, SameSite=Strict cookie then covers
// assets, media and reloads.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage } from 'node:http'

export function createAccessToken(): string {
  return randomBytes(32).toString('base64url')
}

/** Cookies are shared across ports of one host name, so the name carries the port. */
export function tokenCookieName(port: number): string {
  return `openbeats_token_${port}`
}

function sameToken(candidate: string | null | undefined, token: string): boolean {
  if (!candidate) return false
  const a = Buffer.from(candidate)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim()
  }
  return null
}

export type AuthResult = { ok: false } | { ok: true; viaQuery: boolean }

export function authenticate(req: IncomingMessage, url: URL, token: string, port: number): AuthResult {
  if (sameToken(url.searchParams.get('token'), token)) return { ok: true, viaQuery: true }
  if (sameToken(cookieValue(req.headers.cookie, tokenCookieName(port)), token)) return { ok: true, viaQuery: false }
  return { ok: false }
}

export function tokenCookie(token: string, port: number): string {
  return `${tokenCookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`
}
