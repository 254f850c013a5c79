// The browser host in-process on port 0: token on every request, WebSocket calls and events,
// malformed frames, media confinement and Range.
import { request } from 'node:http'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { latestSchemaVersion } from '../../src-main/db/migrate'
import { WebSocket } from 'ws'
import type { CallResult, ServerMessage } from '../../src-shared/contracts'
import { startHost, type RunningHost } from '../../src-main/host/server'
import { createRouter } from '../../src-main/ipc/router'
import { createTestServices, tempDir, testContext } from '../helpers/main-services'

interface RawResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: Buffer
}

let host: RunningHost
let services: ReturnType<typeof createTestServices>
let root: { path: string; cleanup(): void }
let audio: Buffer

/** A request with the path sent exactly as written (fetch would normalise `..`). */
function raw(path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
    })
    req.on('error', reject)
    req.end()
  })
}

const cookie = () => `openbeats_token_${host.port}=${host.token}`
const authed = (path: string, headers: Record<string, string> = {}, method = 'GET') => raw(path, { cookie: cookie(), ...headers }, method)

function connect(query = `?token=${host.token}`, headers: Record<string, string> = {}): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws${query}`, { headers })
    ws.once('open', () => resolve(ws))
    ws.once('unexpected-response', (_req, res) => reject(new Error(`refused with ${res.statusCode}`)))
    ws.once('error', reject)
  })
}

function frames(ws: WebSocket): ServerMessage[] {
  const got: ServerMessage[] = []
  ws.on('message', (d) => got.push(JSON.parse(d.toString()) as ServerMessage))
  return got
}

async function until<T>(fn: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const start = Date.now()
  for (;;) {
    const v = fn()
    if (v !== undefined) return v
    if (Date.now() - start > timeoutMs) throw new Error('timed out')
    await new Promise((r) => setTimeout(r, 20))
  }
}

function resultOf(got: ServerMessage[], id: string): Promise<CallResult> {
  return until(() => {
    const m = got.find((f) => f.t === 'result' && f.id === id)
    return m && m.t === 'result' ? m.result : undefined
  })
}

beforeAll(async () => {
  root = tempDir()
  const renderer = join(root.path, 'renderer')
  mkdirSync(join(renderer, 'assets'), { recursive: true })
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>OpenBEATs Studio</title><div id="app"></div>')
  writeFileSync(join(renderer, 'assets', 'app-1234.js'), 'console.log("app")')
  writeFileSync(join(root.path, 'secret.txt'), 'not for the browser')
  services = createTestServices({ dataDir: join(root.path, 'data') })
  const router = createRouter(services.handlers, { log: services.log.child('router'), checkResponses: true })
  host = await startHost({ router, events: services.events, media: services.media, rendererDir: renderer, log: services.log.child('host') })
  await services.handlers.projects.create({ dir: join(root.path, 'project'), name: 'Host test' }, testContext())
  audio = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7) % 256))
  const file = join(root.path, 'dawn chorus.wav')
  writeFileSync(file, audio)
  services.session.require().db.prepare(`INSERT INTO recordings (id, path, fingerprint, format, size_bytes, sample_rate, channels, duration_s, imported_at)
    VALUES (1, ?, 'fp', 'wav', ?, 16000, 1, 0.128, '2026-01-01T00:00:00Z')`).run(file, audio.length)
})

afterAll(async () => {
  await host?.close()
  await services?.dispose()
  root?.cleanup()
})

describe('host HTTP', () => {
  it('prints a loopback URL with a 32-byte token', () => {
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/?token=${host.token}`)
    expect(Buffer.from(host.token, 'base64url')).toHaveLength(32)
  })

  it('answers 401 without the token, for pages, assets, media and a wrong token', async () => {
    for (const path of ['/', '/index.html', '/assets/app-1234.js', '/media/recordings/1/audio', '/jobs', `/?token=${'x'.repeat(43)}`]) {
      const r = await raw(path)
      expect(r.status, path).toBe(401)
      expect(r.body.toString()).not.toContain('OpenBEATs Studio</title>')
    }
    expect((await raw('/', { cookie: `openbeats_token_${host.port}=wrong` })).status).toBe(401)
  })

  it('serves the page with ?token=, sets an HttpOnly SameSite=Strict cookie, and strict security headers', async () => {
    const r = await raw(`/?token=${host.token}`)
    expect(r.status).toBe(200)
    expect(r.body.toString()).toContain('<div id="app">')
    expect(r.headers['set-cookie']).toEqual([`openbeats_token_${host.port}=${host.token}; HttpOnly; SameSite=Strict; Path=/`])
    const csp = String(r.headers['content-security-policy'])
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("script-src 'self';")
    expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${host.port}`)
    expect(csp).toContain("frame-ancestors 'none'")
    expect(r.headers['x-content-type-options']).toBe('nosniff')
    expect(r.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('with the cookie: assets, the SPA fallback for client routes, 404 for missing assets', async () => {
    const js = await authed('/assets/app-1234.js')
    expect(js.status).toBe(200)
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8')
    expect(js.headers['cache-control']).toContain('immutable')
    const route = await authed('/jobs/12')
    expect(route.status).toBe(200)
    expect(route.body.toString()).toContain('<div id="app">')
    expect((await authed('/assets/missing.js')).status).toBe(404)
    expect((await authed('/', {}, 'POST')).status).toBe(405)
  })

  it('never serves files outside the renderer folder', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '//etc/passwd', '/%2e%2e%2f%2e%2e%2fetc%2fpasswd']) {
      const r = await authed(path)
      expect(r.body.toString(), path).not.toContain('not for the browser')
      expect(r.body.toString(), path).not.toContain('root:')
    }
  })

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    expect((await raw(`/?token=${host.token}`, { host: 'evil.example:80' })).status).toBe(403)
  })
})

describe('host media', () => {
  it('serves a registered recording with Range support', async () => {
    const full = await authed('/media/recordings/1/audio')
    expect(full.status).toBe(200)
    expect(full.headers['content-type']).toBe('audio/wav')
    expect(full.headers['accept-ranges']).toBe('bytes')
    expect(full.body.equals(audio)).toBe(true)

    const part = await authed('/media/recordings/1/audio', { range: 'bytes=100-199' })
    expect(part.status).toBe(206)
    expect(part.headers['content-range']).toBe(`bytes 100-199/${audio.length}`)
    expect(part.headers['content-length']).toBe('100')
    expect(part.body.equals(audio.subarray(100, 200))).toBe(true)

    const tail = await authed('/media/recordings/1/audio', { range: 'bytes=-10' })
    expect(tail.status).toBe(206)
    expect(tail.body.equals(audio.subarray(audio.length - 10))).toBe(true)

    const open = await authed('/media/recordings/1/audio', { range: 'bytes=4000-' })
    expect(open.body.equals(audio.subarray(4000))).toBe(true)

    const bad = await authed('/media/recordings/1/audio', { range: `bytes=${audio.length}-` })
    expect(bad.status).toBe(416)
    expect(bad.headers['content-range']).toBe(`bytes */${audio.length}`)

    const head = await authed('/media/recordings/1/audio', {}, 'HEAD')
    expect(head.status).toBe(200)
    expect(head.headers['content-length']).toBe(String(audio.length))
    expect(head.body.length).toBe(0)
  })

  const crafted = [
    '/media/../secret.txt',
    '/media/recordings/1/../../../secret.txt',
    '/media/recordings/%2e%2e/%2e%2e/secret.txt',
    '/media/recordings/1%2f..%2f..%2fsecret.txt',
    '/media/%2Fetc%2Fpasswd',
    '/media//etc/passwd',
    '/media/recordings/..%5c..%5csecret.txt',
    '/media/recordings/1/audio%00.txt',
    '/media/recordings/-1/audio',
    '/media/recordings/1e3/audio',
    '/media/recordings/0x1/audio',
    '/media/recordings/99/audio',
    '/media/recordings/abc/audio',
    '/media/recordings/1/audio/..',
    '/media/C:%5CWindows%5Cwin.ini',
    '/media/%2Ftmp%2Fsecret.txt',
    '/media/recordings/1/audio/',
  ]

  it(`refuses ${crafted.length} crafted media paths with 403 or 404 and never returns a file`, async () => {
    for (const path of crafted) {
      const r = await authed(path)
      expect([403, 404], path).toContain(r.status)
      expect(r.body.toString(), path).not.toContain('not for the browser')
      expect(r.body.equals(audio), path).toBe(false)
    }
  })
})

describe('host WebSocket', () => {
  it('refuses an upgrade without a token (401), with a wrong token, or from another origin', async () => {
    await expect(connect('')).rejects.toThrow('refused with 401')
    await expect(connect('?token=nope')).rejects.toThrow('refused with 401')
    await expect(connect(`?token=${host.token}`, { origin: 'http://evil.example' })).rejects.toThrow('refused with 403')
  })

  it('round-trips a call, pushes events, and answers INVALID_REQUEST for malformed frames with an id', async () => {
    const ws = await connect(`?token=${host.token}`, { origin: `http://127.0.0.1:${host.port}` })
    const got = frames(ws)
    ws.send(JSON.stringify({ t: 'call', id: 'a1', method: 'projects.current', payload: {} }))
    expect(await resultOf(got, 'a1')).toMatchObject({ ok: true, value: { name: 'Host test', schemaVersion: latestSchemaVersion() } })

    ws.send(JSON.stringify({ t: 'call', id: 'a2', method: 'settings.update', payload: { theme: 'dark' } }))
    expect(await resultOf(got, 'a2')).toMatchObject({ ok: true, value: { theme: 'dark' } })

    const malformed: Array<[string, string]> = [
      ['b1', JSON.stringify({ t: 'call', id: 'b1', method: 'projects.open', payload: { dir: 7 } })],
      ['b2', JSON.stringify({ t: 'call', id: 'b2', method: 'projects.open' })],
      ['b3', JSON.stringify({ t: 'call', id: 'b3', method: 'projects.open', payload: {}, extra: 1 })],
      ['b4', JSON.stringify({ t: 'shout', id: 'b4' })],
      ['b5', JSON.stringify({ t: 'call', id: 'b5', method: 42, payload: {} })],
      ['b6', JSON.stringify({ t: 'call', id: 'b6', method: 'projects.open', payload: { dir: '/x'.repeat(600_000) } })],
      ['b7', JSON.stringify({ t: 'call', id: 'b7', method: 'jobs.start', payload: JSON.parse('{"params":{"type":"scan-folder","folder":"/x","__proto__":{"p":1}}}') })],
    ]
    for (const [, frame] of malformed) ws.send(frame)
    for (const [id] of malformed) {
      const r = await resultOf(got, id)
      expect(r.ok, id).toBe(false)
      if (!r.ok) expect(r.error.code, id).toBe('INVALID_REQUEST')
    }
    const unknown = JSON.stringify({ t: 'call', id: 'c1', method: 'projects.destroy', payload: {} })
    ws.send(unknown)
    expect(await resultOf(got, 'c1')).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })

    // Frames without a readable id are dropped; the connection stays usable.
    ws.send('not json at all')
    ws.send(Buffer.from([1, 2, 3]))
    ws.send(JSON.stringify([1, 2, 3]))
    ws.send(JSON.stringify({ t: 'call', id: 'x'.repeat(100), method: 'app.info', payload: {} }))
    ws.send('null')
    ws.send(JSON.stringify({ t: 'call', id: 'd1', method: 'app.info', payload: {} }))
    expect(await resultOf(got, 'd1')).toMatchObject({ ok: true, value: { shell: 'host' } })
    expect(got.filter((f) => f.t === 'result').map((f) => (f.t === 'result' ? f.id : ''))).not.toContain('x'.repeat(100))

    // Events reach every connection.
    ws.send(JSON.stringify({ t: 'call', id: 'e1', method: 'projects.close', payload: {} }))
    expect(await resultOf(got, 'e1')).toEqual({ ok: true, value: null })
    await until(() => got.find((f) => f.t === 'event' && f.event === 'project.changed' && f.payload === null))
    ws.send(JSON.stringify({ t: 'call', id: 'e2', method: 'projects.open', payload: { dir: join(root.path, 'project') } }))
    expect((await resultOf(got, 'e2')).ok).toBe(true)
    ws.close()
  })

  it('survives an oversized frame (the socket is closed, the host keeps serving)', async () => {
    const ws = await connect()
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)))
    ws.on('error', () => {})
    ws.send('x'.repeat(5 * 1024 * 1024))
    expect(await closed).toBe(1009)
    const again = await connect()
    const got = frames(again)
    again.send(JSON.stringify({ t: 'call', id: 'f1', method: 'app.info', payload: {} }))
    expect((await resultOf(got, 'f1')).ok).toBe(true)
    again.close()
    expect(services.log.records.some((r) => r.message === 'websocket error')).toBe(true)
  })
})
