import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { decideRange } from '../../src-main/services/media-range'
import { createTestServices, tempDir, testContext } from '../helpers/main-services'

describe('decideRange', () => {
  it.each([
    [undefined, 1000, { kind: 'full' }],
    ['', 1000, { kind: 'full' }],
    ['bytes=0-99', 1000, { kind: 'partial', start: 0, end: 99 }],
    ['bytes=900-', 1000, { kind: 'partial', start: 900, end: 999 }],
    ['bytes=-100', 1000, { kind: 'partial', start: 900, end: 999 }],
    ['bytes=-5000', 1000, { kind: 'partial', start: 0, end: 999 }],
    ['bytes=990-2000', 1000, { kind: 'partial', start: 990, end: 999 }],
    ['bytes=999-999', 1000, { kind: 'partial', start: 999, end: 999 }],
    ['items=0-5', 1000, { kind: 'full' }],
    ['bytes=1000-', 1000, { kind: 'unsatisfiable' }],
    ['bytes=5-1', 1000, { kind: 'unsatisfiable' }],
    ['bytes=-0', 1000, { kind: 'unsatisfiable' }],
    ['bytes=-', 1000, { kind: 'unsatisfiable' }],
    ['bytes=abc', 1000, { kind: 'unsatisfiable' }],
    ['bytes=0-1,5-9', 1000, { kind: 'unsatisfiable' }],
    ['bytes=0-10', 0, { kind: 'unsatisfiable' }],
    ['garbage', 1000, { kind: 'unsatisfiable' }],
  ])('%s of %i bytes → %j', (header, size, expected) => {
    expect(decideRange(header, size)).toEqual(expected)
  })
})

describe('media service', () => {
  const cleanups: Array<() => void | Promise<void>> = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  async function withRecording() {
    const root = tempDir()
    const services = createTestServices({ dataDir: join(root.path, 'data') })
    cleanups.push(root.cleanup, () => services.dispose())
    const audio = join(root.path, 'dawn.wav')
    writeFileSync(audio, Buffer.from(Array.from({ length: 1000 }, (_, i) => i % 256)))
    await services.handlers.projects.create({ dir: join(root.path, 'p'), name: 'P' }, testContext())
    services.session.require().db.prepare(`INSERT INTO recordings (id, path, fingerprint, format, size_bytes, sample_rate, channels, duration_s, imported_at)
      VALUES (7, ?, 'fp', 'flac', 1000, 48000, 1, 1.0, '2026-01-01T00:00:00Z')`).run(audio)
    return { services, audio }
  }

  it('serves a registered recording with its content type and a byte range', async () => {
    const { services, audio } = await withRecording()
    const full = services.media.handle({ path: 'recordings/7/audio', method: 'GET' })
    expect(full.status).toBe(200)
    expect(full.headers).toMatchObject({ 'Content-Type': 'audio/flac', 'Accept-Ranges': 'bytes', 'Content-Length': '1000' })
    expect(full.body).toEqual({ file: audio, start: 0, end: 999 })
    const part = services.media.handle({ path: 'recordings/7/audio', method: 'GET', range: 'bytes=10-19' })
    expect(part.status).toBe(206)
    expect(part.headers).toMatchObject({ 'Content-Range': 'bytes 10-19/1000', 'Content-Length': '10' })
    const bad = services.media.handle({ path: 'recordings/7/audio', method: 'GET', range: 'bytes=5000-' })
    expect(bad.status).toBe(416)
    expect(bad.headers['Content-Range']).toBe('bytes */1000')
    expect(services.media.handle({ path: 'recordings/7/audio', method: 'HEAD' }).body).toBeNull()
    expect(services.media.handle({ path: 'recordings/7/audio', method: 'POST' }).status).toBe(405)
  })

  it('answers 404 for unknown ids and routes, and when no project is open', async () => {
    const { services } = await withRecording()
    expect(services.media.handle({ path: 'recordings/8/audio', method: 'GET' }).status).toBe(404)
    expect(services.media.handle({ path: 'recordings/7/thumbnail', method: 'GET' }).status).toBe(404)
    expect(services.media.handle({ path: 'recordings/abc/audio', method: 'GET' }).status).toBe(404)
    await services.handlers.projects.close({}, testContext())
    expect(services.media.handle({ path: 'recordings/7/audio', method: 'GET' }).status).toBe(404)
  })
})
