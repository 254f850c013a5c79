import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { EmbeddingFileWriter, embeddingsFile } from '../../src-main/analysis/embedding-files'
import { AnalysisRepository } from '../../src-main/analysis/analysis-repository'
import { searchByExample } from '../../src-main/training/search-by-example'
import { SearchIndexCache } from '../../src-main/training/search-index-cache'
import { WindowDecisionsRepository } from '../../src-main/training/window-decisions'
import { tempDir } from '../helpers/main-services'
import { syntheticProject, type SyntheticProject } from './synthetic-project'

const tmp = tempDir('obs-search-')
let p: SyntheticProject
const cache = new SearchIndexCache({ threads: 1 })
beforeAll(async () => {
  p = await syntheticProject(join(tmp.path, 'p'), { sites: 2, recordingsPerSite: 5, noise: 0.5 })
})
afterAll(() => {
  cache.clear()
  p.close()
  tmp.cleanup()
})

describe('search by example', () => {
  it('returns the query window itself first, with cosine 1', async () => {
    const rec = p.recordings[3]
    const r = await searchByExample(p.db, p.dir, cache, { recordingId: rec.id, startS: 7, endS: 8, k: 10 })
    expect(r.query.windows).toEqual([{ startS: 7, endS: 8 }])
    expect(r.hits[0]).toMatchObject({ recordingId: rec.id, startS: 7, endS: 8, isQuery: true })
    expect(r.hits[0].score).toBeCloseTo(1, 6)
    expect(r.hits).toHaveLength(10)
    for (let i = 1; i < r.hits.length; i++) expect(r.hits[i].score).toBeLessThanOrEqual(r.hits[i - 1].score)
    expect(r.exact).toBe(true)
  })

  it('finds calls of the same species elsewhere in the project from a call', async () => {
    const rec = p.recordings[2]
    const call = rec.calls[0]
    const r = await searchByExample(p.db, p.dir, cache, { recordingId: rec.id, startS: call.startS, endS: call.endS, k: 20 })
    const speciesAt = (recordingId: number, s: number, e: number) =>
      p.recordings.find((x) => x.id === recordingId)?.calls.find((c) => Math.min(e, c.endS) - Math.max(s, c.startS) > 0.5 * Math.min(e - s, c.endS - c.startS))?.species
    const same = r.hits.filter((h) => speciesAt(h.recordingId, h.startS, h.endS) === call.species).length
    expect(same).toBeGreaterThanOrEqual(15)
    expect(new Set(r.hits.map((h) => h.recordingId)).size).toBeGreaterThan(2)
  })

  it('builds the index once, and again only when the analysis changes', async () => {
    const rec = p.recordings[0]
    const a = await searchByExample(p.db, p.dir, cache, { recordingId: rec.id, startS: 1, endS: 2, k: 3 })
    const b = await searchByExample(p.db, p.dir, cache, { recordingId: rec.id, startS: 1, endS: 2, k: 3 })
    expect(b.index.built).toBe(false)
    expect(b.index.windows).toBe(a.index.windows)
    // re-analyse one recording with one window fewer: the next search rebuilds
    const analyses = new AnalysisRepository(p.db)
    const before = analyses.analysed(p.analysisId, [rec.id])[0]
    const writer = new EmbeddingFileWriter(embeddingsFile(p.dir, p.analysisId, rec.id), p.dim)
    for (let w = 0; w < before.windows - 1; w++) writer.append(Float32Array.from({ length: p.dim }, (_, d) => Math.sin(w + d)))
    const sha = writer.commit()
    await new Promise((r) => setTimeout(r, 5))
    analyses.markDone({ analysisId: p.analysisId, recordingId: rec.id, fingerprint: 'changed', windows: before.windows - 1, audioS: before.audioS, sha256: sha, jobId: null })
    const c = await searchByExample(p.db, p.dir, cache, { recordingId: rec.id, startS: 1, endS: 2, k: 3 })
    expect(c.index.built).toBe(true)
    expect(c.index.windows).toBe(a.index.windows - 1)
  })

  it('can leave out windows that already carry a decision', async () => {
    const rec = p.recordings[4]
    const first = await searchByExample(p.db, p.dir, cache, { recordingId: rec.id, startS: 10, endS: 11, k: 5 })
    const second = first.hits[1]
    new WindowDecisionsRepository(p.db).decide({ recordingId: second.recordingId, startS: second.startS, endS: second.endS, labelId: p.labels.get('AAA') as number, decision: 'absent', origin: 'search' })
    const shown = await searchByExample(p.db, p.dir, cache, { recordingId: rec.id, startS: 10, endS: 11, k: 5 })
    expect(shown.hits[1].decisions).toEqual([{ labelId: p.labels.get('AAA'), decision: 'absent', annotationId: null }])
    const hidden = await searchByExample(p.db, p.dir, cache, { recordingId: rec.id, startS: 10, endS: 11, k: 5, excludeReviewed: true })
    expect(hidden.hits.some((h) => h.recordingId === second.recordingId && h.startS === second.startS)).toBe(false)
  })

  it('refuses a recording without embeddings and a region outside the audio', async () => {
    p.db.prepare("INSERT INTO recordings (path, fingerprint, format, size_bytes, sample_rate, channels, duration_s, status, imported_at, file_name) VALUES ('/x.wav', 'x', 'wav', 1, 16000, 1, 5, 'ok', '2024', 'x.wav')").run()
    const id = p.db.prepare("SELECT id FROM recordings WHERE path = '/x.wav'").pluck().get() as number
    await expect(searchByExample(p.db, p.dir, cache, { recordingId: id, startS: 0, endS: 1 })).rejects.toMatchObject({ code: 'NOT_FOUND' })
    await expect(searchByExample(p.db, p.dir, cache, { recordingId: p.recordings[1].id, startS: 500, endS: 501 })).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
  })
})
