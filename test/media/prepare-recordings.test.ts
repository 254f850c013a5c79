import { existsSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { MediaCacheResult } from '../../src-shared/contracts'
import { cachedParts } from '../../src-main/media/media-cache'
import { prepareMediaCache } from '../../src-main/media/prepare-recordings'
import { createTestServices, tempDir, testContext } from '../helpers/main-services'
import { nextJobUpdate } from '../helpers/job-events'
import { chirps, writeWav } from './synthetic-wav'

describe('precomputing the media cache', () => {
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
    const insert = db.prepare(`INSERT INTO recordings (id, path, fingerprint, format, size_bytes, sample_rate, channels, duration_s, status, imported_at)
      VALUES (?, ?, ?, 'wav', 1, 16000, 1, ?, ?, '2026-01-01T00:00:00Z')`)
    for (const [id, seconds] of [[1, 20], [2, 4], [3, 30]] as const) {
      insert.run(id, writeWav(join(root.path, `r${id}.wav`), { rate: 16_000, frames: 16_000 * seconds, sample: chirps(16_000, seconds, id) }), `fp-${id}`, seconds, 'ok')
    }
    insert.run(4, join(root.path, 'gone.wav'), 'fp-4', 25, 'ok')
    insert.run(5, join(root.path, 'bad.wav'), 'fp-5', 40, 'quarantined')
    return { services, dir, db }
  }

  it('builds peaks and the default spectrogram of the long recordings, skipping the failed one', async () => {
    const { dir, db } = await project()
    const progress: number[] = []
    const checkpoints: number[] = []
    const warnings: string[] = []
    const result = await prepareMediaCache(db, dir, {
      minDurationS: 10,
      onProgress: (done, total) => progress.push(done / total),
      onCheckpoint: (id) => checkpoints.push(id),
      log: (_l, m) => warnings.push(m),
    })
    expect(result).toEqual({ recordings: 3, built: 2, alreadyCached: 0, failed: 1, audioSeconds: 50 })
    expect(checkpoints).toEqual([1, 3, 4])
    expect(progress.at(-1)).toBe(1)
    expect(warnings).toEqual([expect.stringContaining('recording 4')])
    for (const id of [1, 3]) expect(cachedParts(dir, { id, path: '', fingerprint: `fp-${id}` }, 512)).toEqual({ peaks: true, spectrogram: true })
    expect(cachedParts(dir, { id: 2, path: '', fingerprint: 'fp-2' }, 512)).toEqual({ peaks: false, spectrogram: false })
  })

  it('does nothing for recordings already cached, and resumes after the last one finished', async () => {
    const { dir, db } = await project()
    await prepareMediaCache(db, dir, { recordingIds: [1] })
    const again = await prepareMediaCache(db, dir, { recordingIds: [1, 2, 3], resumeFrom: 2 })
    expect(again).toEqual({ recordings: 3, built: 1, alreadyCached: 2, failed: 0, audioSeconds: 30 })
    expect(readdirSync(join(dir, 'cache', 'media'))).toHaveLength(2)
  })

  it('runs as a media-cache job in its own process', async () => {
    const { services, dir } = await project()
    const job = await services.handlers.jobs.start({ params: { type: 'media-cache', recordingIds: [2, 3] } }, testContext())
    const done = await nextJobUpdate(services.events, (s) => s.id === job.id && (s.status === 'succeeded' || s.status === 'failed'), 60_000)
    expect(done.status).toBe('succeeded')
    expect(MediaCacheResult.parse(done.result)).toEqual({ recordings: 2, built: 2, alreadyCached: 0, failed: 0, audioSeconds: 34 })
    expect(existsSync(join(dir, 'cache', 'media'))).toBe(true)
    // The media routes now serve the cache without building anything.
    const answer = services.media.handle({ path: 'recordings/3/peaks', method: 'GET' })
    expect(answer.body).toMatchObject({ start: 0 })
    expect(services.log.records.filter((r) => r.message === 'media cache built')).toHaveLength(0)
  })
})
