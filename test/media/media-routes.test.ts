import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { PeaksIndex, SpectrogramIndex } from '../../src-shared/contracts'
import { openMediaBody, type MediaResponse } from '../../src-main/services/media'
import { createTestServices, tempDir, testContext } from '../helpers/main-services'
import { sine, writeWav } from './synthetic-wav'

async function bodyOf(answer: MediaResponse): Promise<Buffer> {
  if (answer.body === null) return Buffer.alloc(0)
  if (typeof answer.body === 'string') return Buffer.from(answer.body)
  const chunks: Buffer[] = []
  for await (const chunk of openMediaBody(answer.body)) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

describe('peaks and spectrogram media routes', () => {
  const cleanups: Array<() => void | Promise<void>> = []
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c()
  })

  async function project() {
    const root = tempDir()
    const services = createTestServices({ dataDir: join(root.path, 'data') })
    cleanups.push(root.cleanup, () => services.dispose())
    const dir = join(root.path, 'p')
    await services.handlers.projects.create({ dir, name: 'P' }, testContext())
    const db = services.session.require().db
    const audio = writeWav(join(root.path, 'dawn.wav'), { rate: 48_000, frames: 48_000 * 5, sample: sine(48_000, 3000, 0.5) })
    const insert = db.prepare(`INSERT INTO recordings (id, path, fingerprint, format, size_bytes, sample_rate, channels, duration_s, status, status_reason, imported_at)
      VALUES (?, ?, ?, 'wav', 1000, ?, ?, ?, ?, ?, '2026-01-01T00:00:00Z')`)
    insert.run(7, audio, 'fp-7', 48_000, 1, 5, 'ok', null)
    insert.run(8, join(root.path, 'broken.wav'), 'fp-8', null, null, null, 'quarantined', 'header unreadable')
    insert.run(9, join(root.path, 'gone.wav'), 'fp-9', 48_000, 1, 5, 'ok', null)
    return { services, dir, audio, db }
  }

  const get = (services: ReturnType<typeof createTestServices>, path: string, range?: string) => services.media.handle({ path, method: 'GET', range })

  it('builds peaks and the default spectrogram in one read on first request, then serves the cache with Range', async () => {
    const { services, dir } = await project()
    const first = get(services, 'recordings/7/peaks')
    expect(first.status).toBe(200)
    expect(first.headers['Content-Type']).toBe('application/json')
    const index = PeaksIndex.parse(JSON.parse((await bodyOf(first)).toString()))
    expect(index).toMatchObject({ sampleRate: 48_000, frames: 240_000, channels: 1 })
    expect(services.log.records.filter((r) => r.message === 'media cache built')).toHaveLength(1)
    // The 512-point spectrogram came with the same read: its index is now a plain cached file.
    const spec = get(services, 'recordings/7/spectrogram/512')
    expect(spec.body).toMatchObject({ start: 0 })
    const specIndex = SpectrogramIndex.parse(JSON.parse((await bodyOf(spec)).toString()))
    expect(specIndex).toMatchObject({ fftSize: 512, hop: 256, rows: 256, columns: 938, tileColumns: 256, storedFrom: 0, topLevel: 2 })
    expect(services.log.records.filter((r) => r.message === 'media cache built')).toHaveLength(1)

    // A level of peaks: (min, max) int16 pairs, with Range inside the level's window of peaks.bin.
    const level = index.levels.find((l) => l.bucketLog2 === 6)!
    const whole = get(services, 'recordings/7/peaks/6')
    expect(whole.headers['Content-Length']).toBe(String(level.bytes))
    const pairs = await bodyOf(whole)
    expect(pairs.readInt16LE(0)).toBe(-16383)
    expect(pairs.readInt16LE(2)).toBe(16384)
    const part = get(services, 'recordings/7/peaks/6', 'bytes=4-7')
    expect(part.status).toBe(206)
    expect(part.headers['Content-Range']).toBe(`bytes 4-7/${level.bytes}`)
    expect((await bodyOf(part)).equals(pairs.subarray(4, 8))).toBe(true)

    // A stored tile: 256 columns × 256 rows; the last tile of level 0 is shorter (938 = 3·256 + 170).
    const tile = get(services, 'recordings/7/spectrogram/512/0/3')
    expect(tile.headers['Content-Length']).toBe(String(170 * 256))
    const bytes = await bodyOf(tile)
    expect(bytes[100 * 256 + 32]).toBe(228)
    expect(readdirSync(join(dir, 'cache', 'media'))).toHaveLength(1)
  })

  it('builds another FFT size on request and reuses what is cached', async () => {
    const { services } = await project()
    await bodyOf(get(services, 'recordings/7/spectrogram/2048'))
    const built = () => services.log.records.filter((r) => r.message === 'media cache built').map((r) => r.fields)
    expect(built()).toEqual([expect.objectContaining({ peaks: true, fftSizes: [2048] })])
    await bodyOf(get(services, 'recordings/7/peaks'))
    await bodyOf(get(services, 'recordings/7/spectrogram/512'))
    expect(built().map((f) => f?.fftSizes)).toEqual([[2048], [512]])
  })

  it('rebuilds when the recording behind the id has another fingerprint', async () => {
    const { services, db } = await project()
    await bodyOf(get(services, 'recordings/7/peaks'))
    db.prepare("UPDATE recordings SET fingerprint = 'fp-7b' WHERE id = 7").run()
    const again = get(services, 'recordings/7/peaks')
    expect(again.body).toHaveProperty('produce')
    expect(PeaksIndex.parse(JSON.parse((await bodyOf(again)).toString())).fingerprint).toBe('fp-7b')
  })

  it('answers only for recordings of the open project, known FFT sizes and tiles that exist', async () => {
    const { services } = await project()
    await bodyOf(get(services, 'recordings/7/spectrogram/512'))
    for (const path of [
      'recordings/70/peaks',
      'recordings/8/peaks', // quarantined
      'recordings/7/spectrogram/500',
      'recordings/7/spectrogram/512/9/0',
      'recordings/7/spectrogram/512/0/4',
      'recordings/7/peaks/99',
      'recordings/0/peaks',
    ]) {
      expect(get(services, path).status, path).toBe(404)
    }
    for (const path of ['recordings/7/../../etc/passwd', 'recordings/7/peaks/%2e%2e', 'recordings//7/peaks', '/recordings/7/peaks']) {
      expect(get(services, path).status, path).toBe(403)
    }
    await services.handlers.projects.close({}, testContext())
    expect(get(services, 'recordings/7/peaks').status).toBe(404)
  })

  it('ends the response with an error when the audio is missing, and caches nothing', async () => {
    const { services, dir } = await project()
    const answer = get(services, 'recordings/9/peaks')
    await expect(bodyOf(answer)).rejects.toThrow(/gone\.wav/)
    expect(existsSync(join(dir, 'cache', 'media'))).toBe(false)
    expect(services.log.records.some((r) => r.level === 'warn' && r.message.startsWith('could not make the peaks of recording 9'))).toBe(true)
  })

  it('serves nothing for HEAD of something not yet built (and builds nothing)', async () => {
    const { services, dir } = await project()
    const head = services.media.handle({ path: 'recordings/7/peaks', method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.body).toBeNull()
    writeFileSync(join(dir, 'marker'), '')
    expect(existsSync(join(dir, 'cache', 'media'))).toBe(false)
  })
})
