import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { createTestServices, tempDir, testContext } from '../helpers/main-services'

const electron = vi.hoisted(() => ({ schemes: [] as unknown[], handled: new Map<string, (r: Request) => Response>() }))
vi.mock('electron', () => ({
  protocol: {
    registerSchemesAsPrivileged: (s: unknown[]) => electron.schemes.push(...s),
    handle: (scheme: string, h: (r: Request) => Response) => electron.handled.set(scheme, h),
    unhandle: (scheme: string) => electron.handled.delete(scheme),
  },
}))

const { registerMediaScheme, handleMediaProtocol } = await import('../../src-main/app/protocol')

let services: ReturnType<typeof createTestServices>
let root: { path: string; cleanup(): void }
const audio = Buffer.from(Array.from({ length: 2000 }, (_, i) => i % 251))

beforeAll(async () => {
  root = tempDir()
  services = createTestServices({ dataDir: join(root.path, 'data') })
  await services.handlers.projects.create({ dir: join(root.path, 'p'), name: 'P' }, testContext())
  const file = join(root.path, 'a.mp3')
  writeFileSync(file, audio)
  services.session.require().db.prepare(`INSERT INTO recordings (id, path, fingerprint, format, size_bytes, sample_rate, channels, duration_s, imported_at)
    VALUES (3, ?, 'fp', 'mp3', 2000, 44100, 2, 1, 'x')`).run(file)
})
afterAll(async () => {
  await services.dispose()
  root.cleanup()
})

describe('openbeats-media protocol', () => {
  it('registers the scheme as standard, secure, streaming and fetchable', () => {
    registerMediaScheme()
    expect(electron.schemes).toEqual([{ scheme: 'openbeats-media', privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true } }])
  })

  it('serves registered audio through the shared media service, with Range', async () => {
    const dispose = handleMediaProtocol(services.media, services.log)
    const handle = electron.handled.get('openbeats-media') as (r: Request) => Response
    const full = handle(new Request('openbeats-media://media/recordings/3/audio'))
    expect(full.status).toBe(200)
    expect(full.headers.get('content-type')).toBe('audio/mpeg')
    expect(Buffer.from(await full.arrayBuffer()).equals(audio)).toBe(true)
    const part = handle(new Request('openbeats-media://media/recordings/3/audio', { headers: { range: 'bytes=1000-1009' } }))
    expect(part.status).toBe(206)
    expect(part.headers.get('content-range')).toBe('bytes 1000-1009/2000')
    expect(Buffer.from(await part.arrayBuffer()).equals(audio.subarray(1000, 1010))).toBe(true)
    expect(handle(new Request('openbeats-media://media/recordings/3/audio', { headers: { range: 'bytes=9000-' } })).status).toBe(416)
    dispose()
    expect(electron.handled.size).toBe(0)
  })

  it('refuses other hosts, unknown ids and crafted paths', () => {
    handleMediaProtocol(services.media, services.log)
    const handle = electron.handled.get('openbeats-media') as (r: Request) => Response
    for (const url of [
      'openbeats-media://elsewhere/recordings/3/audio',
      'openbeats-media://media/recordings/4/audio',
      'openbeats-media://media/recordings/%2e%2e/secret',
      'openbeats-media://media/recordings/3%2Faudio',
      'openbeats-media://media/..%2f..%2fetc%2fpasswd',
      'openbeats-media://media/etc/passwd',
    ]) {
      expect([403, 404], url).toContain(handle(new Request(url)).status)
    }
  })
})
