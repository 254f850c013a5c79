import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { analyzeRecordings } from '../../src-main/analysis/analyze-recordings'
import { decodeThreadEntry } from '../../src-main/analysis/audio-thread'
import { dealRecordings, embedLaneEntry, lanesFor } from '../../src-main/analysis/embed-lanes'
import { embeddingsFile } from '../../src-main/analysis/embedding-files'
import { rescoreHeads } from '../../src-main/analysis/rescore-heads'
import { scoreThreadEntry } from '../../src-main/analysis/score-thread'
import { importSeason } from '../../src-main/season/import/import-season'
import { ModelsRepository } from '../../src-main/services/models-repository'
import { REPO_ROOT } from '../helpers/shared-data'
import { addRandomHead, analysisProject, type AnalysisProject } from './analysis-project'

const projects: AnalysisProject[] = []
afterEach(() => {
  for (const p of projects.splice(0)) p.cleanup()
})

async function project(opts: { files?: number; seconds?: number } = {}): Promise<AnalysisProject> {
  const p = await analysisProject(opts)
  projects.push(p)
  return p
}

const CPU = { threads: 1, provider: 'cpu' as const }
const SCORE_THREAD = scoreThreadEntry(`${REPO_ROOT}/src-main/workers`)
const EMBED_LANE = embedLaneEntry(`${REPO_ROOT}/src-main/workers`)

function analyse(p: AnalysisProject, extra: Partial<Parameters<typeof analyzeRecordings>[0]> = {}) {
  return analyzeRecordings({ db: p.db, projectDir: p.dir, params: CPU, jobId: null, ...extra })
}

interface DetectionRow {
  model_id: number
  recording_id: number
  label_id: number
  start_s: number
  end_s: number
  score: number
  settings: string
}

function detections(p: AnalysisProject): DetectionRow[] {
  return p.db.prepare('SELECT model_id, recording_id, label_id, start_s, end_s, score, settings FROM detections ORDER BY model_id, recording_id, label_id, start_s').all() as DetectionRow[]
}

/** Detections as the model made them (its own label, not a reviewer's), in a fixed order. */
function modelView(p: AnalysisProject, rows?: DetectionRow[]): string[] {
  const source = rows ?? (p.db.prepare('SELECT model_id, recording_id, coalesce(original_label_id, label_id) AS label_id, start_s, end_s, score, settings FROM detections').all() as DetectionRow[])
  return source.map((r) => `${r.recording_id} ${r.label_id} ${r.start_s} ${r.end_s} ${r.score}`).sort()
}

function fileHashes(p: AnalysisProject, analysisId: number): string[] {
  return p.recordings.map((r) => createHash('sha256').update(readFileSync(embeddingsFile(p.dir, analysisId, r.id))).digest('hex'))
}

describe('analyzeRecordings', () => {
  it('stores every window embedding of every recording and the detections of the active head, with provenance', async () => {
    const p = await project()
    const { headId, labelIds } = addRandomHead(p)
    const result = await analyse(p)
    expect(result).toMatchObject({ encoderId: p.encoderId, windowS: 1, hopS: 0.5, analysed: 2, alreadyAnalysed: 0, failed: [], threads: 1, provider: 'cpu' })
    // 10 s of audio → 62 time patches (the 0.065 s tail is under 0.2 s and dropped) → last centre 9.8475 s → windows 0…19.
    expect(result.windows).toBe(2 * 20)
    const rows = p.db.prepare('SELECT recording_id AS id, windows, audio_s AS audioS, embeddings_sha256 AS sha, status FROM analysed_recordings ORDER BY recording_id').all() as { id: number; windows: number; audioS: number; sha: string; status: string }[]
    expect(rows.map((r) => [r.status, r.windows, r.audioS])).toEqual(p.recordings.map(() => ['done', 20, 10]))
    for (const r of rows) {
      const file = embeddingsFile(p.dir, result.analysisId, r.id)
      expect(statSync(file).size).toBe(20 * 192 * 4)
      expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(r.sha)
    }
    const dets = detections(p)
    expect(dets.length).toBeGreaterThan(0)
    expect(result.detections).toBe(dets.length)
    expect(result.heads).toEqual([{ id: headId, name: 'Random head', version: '1', detections: dets.length }])
    for (const d of dets) {
      expect(d.model_id).toBe(headId)
      expect(labelIds).toContain(d.label_id)
      expect((d.start_s * 2) % 1).toBe(0)
      expect(d.end_s).toBeGreaterThan(d.start_s)
      expect(d.end_s).toBeLessThanOrEqual(10)
      const settings = JSON.parse(d.settings)
      expect(settings).toMatchObject({ analysisId: result.analysisId, encoderId: p.encoderId, encoder: 'Demo model (random weights) 1', headId, head: 'Random head 1', windowS: 1, hopS: 0.5, events: { maxGap: 0, minDuration: 0, score: 'max' } })
      expect(settings.threshold).toBe(d.label_id === labelIds[0] ? 0.8 : 0.6)
      expect(d.score).toBeGreaterThanOrEqual(settings.threshold)
    }
    const head = new ModelsRepository(p.db).head(headId)
    expect(head.head.scoredRevision).toBe(0)
  })

  it('does nothing for recordings already analysed, and analyses a file again once a re-import saw its content change', async () => {
    const p = await project()
    const first = await analyse(p)
    expect((await analyse(p)).analysed).toBe(0)
    // the import's record of what the file holds changed (as a re-import of a rewritten file does)
    p.db.prepare("UPDATE analysed_recordings SET fingerprint = 'before' WHERE recording_id = ?").run(p.recordings[1].id)
    const again = await analyse(p)
    expect(again).toMatchObject({ analysisId: first.analysisId, analysed: 1, alreadyAnalysed: 2, failed: [] })
  })

  it('quarantines a file that changed on disk since it was imported, and analyses it after a re-import', async () => {
    const p = await project({ files: 3, seconds: 5 })
    const changed = p.recordings[1]
    const bytes = readFileSync(changed.path)
    bytes[bytes.length - 1] ^= 1 // one sample's low bit: same size, same header
    writeFileSync(changed.path, bytes)
    const result = await analyse(p)
    expect(result.analysed).toBe(p.recordings.length - 1)
    expect(result.failed).toEqual([
      { recordingId: changed.id, path: changed.path, code: 'AUDIO_CHANGED', reason: `${changed.path}: changed since it was imported (its size or content differs); import its folder again to read it as it is now` },
    ])
    expect(p.db.prepare('SELECT status, status_code FROM recordings WHERE id = ?').get(changed.id)).toEqual({ status: 'quarantined', status_code: 'AUDIO_CHANGED' })
    expect(() => statSync(embeddingsFile(p.dir, result.analysisId, changed.id))).toThrow()

    await importSeason(p.db, { folders: [p.season] })
    expect(p.db.prepare('SELECT status FROM recordings WHERE id = ?').get(changed.id)).toEqual({ status: 'ok' })
    const after = await analyse(p)
    expect(after).toMatchObject({ analysed: 1, alreadyAnalysed: p.recordings.length - 1, failed: [] })
  })

  it('rescoring reproduces the analysis bit for bit, and keeps every review when thresholds change', async () => {
    const p = await project()
    const { headId } = addRandomHead(p)
    await analyse(p)
    const analysed = detections(p)
    const rescored = await rescoreHeads({ db: p.db, projectDir: p.dir, jobId: null })
    expect(rescored.windows).toBe(40)
    expect(detections(p)).toEqual(analysed)

    // Review two detections: confirm one, relabel another (the model's label is kept as original).
    const [a, b] = p.db.prepare('SELECT id, label_id, start_s, end_s FROM detections ORDER BY id LIMIT 2').all() as { id: number; label_id: number; start_s: number; end_s: number }[]
    const other = p.db.prepare("INSERT INTO labels (label_set_id, code) SELECT label_set_id, 'C' FROM labels WHERE id = ?").run(a.label_id).lastInsertRowid
    p.db.prepare("UPDATE detections SET review_state = 'confirmed', reviewed_at = 'then' WHERE id = ?").run(a.id)
    p.db.prepare("UPDATE detections SET review_state = 'rejected', original_label_id = label_id, label_id = ? WHERE id = ?").run(other, b.id)

    const repo = new ModelsRepository(p.db)
    const head = repo.head(headId)
    repo.setConfig(headId, { ...head.head, thresholds: [0.99, 0.99], revision: 1 })
    const stricter = await rescoreHeads({ db: p.db, projectDir: p.dir, jobId: null })
    expect(stricter.heads[0].reviewsKept).toBeLessThanOrEqual(2)
    const kept = p.db.prepare('SELECT id, review_state, label_id, original_label_id FROM detections WHERE id IN (?, ?) ORDER BY id').all(a.id, b.id)
    expect(kept).toEqual([
      { id: a.id, review_state: 'confirmed', label_id: a.label_id, original_label_id: null },
      { id: b.id, review_state: 'rejected', label_id: Number(other), original_label_id: b.label_id },
    ])
    expect((p.db.prepare("SELECT count(*) FROM detections WHERE review_state = 'unreviewed' AND score < 0.99").pluck().get() as number)).toBe(0)
    expect(repo.head(headId).head.scoredRevision).toBe(1)

    // Back to the original thresholds: the same detections again, the reviews on the matching ones.
    repo.setConfig(headId, { ...head.head, revision: 2 })
    await rescoreHeads({ db: p.db, projectDir: p.dir, jobId: null })
    expect(modelView(p)).toEqual(modelView(p, analysed))
    expect(p.db.prepare('SELECT review_state FROM detections WHERE id = ?').pluck().get(a.id)).toBe('confirmed')
    expect(p.db.prepare('SELECT review_state FROM detections WHERE id = ?').pluck().get(b.id)).toBe('rejected')
  })

  it('rescores on the score thread exactly as on the calling thread, and names a missing embeddings file', async () => {
    expect(SCORE_THREAD).toMatch(/score-thread\.ts$/)
    const p = await project()
    const { headId } = addRandomHead(p)
    const { analysisId } = await analyse(p)
    const analysed = detections(p)
    const repo = new ModelsRepository(p.db)
    const head = repo.head(headId)
    const rescore = (revision: number, thresholds: number[], scoreThread: string | null) => {
      repo.setConfig(headId, { ...head.head, thresholds, revision })
      return rescoreHeads({ db: p.db, projectDir: p.dir, jobId: null, scoreThread })
    }
    // a threshold between the analysis's lowest and highest detection score changes the set
    const scores = analysed.map((d) => d.score).sort((x, y) => x - y)
    const middle = scores[Math.floor(scores.length / 2)]
    const changed = head.head.thresholds.map(() => middle)
    await rescore(1, changed, null)
    const inline = detections(p)
    expect(inline.length).toBeGreaterThan(0)
    expect(inline.length).toBeLessThan(analysed.length)

    const back = await rescore(2, [...head.head.thresholds], SCORE_THREAD)
    expect(back.windows).toBe(40)
    expect(detections(p)).toEqual(analysed)
    await rescore(3, changed, SCORE_THREAD)
    expect(detections(p)).toEqual(inline)

    // cancelled while the thread starts (it takes far longer than 20 ms): CANCELLED, nothing written
    const ac = new AbortController()
    repo.setConfig(headId, { ...head.head, revision: 4 })
    const cancelled = rescoreHeads({ db: p.db, projectDir: p.dir, jobId: null, scoreThread: SCORE_THREAD, signal: ac.signal })
    setTimeout(() => ac.abort(), 20)
    await expect(cancelled).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(detections(p)).toEqual(inline)

    const missing = embeddingsFile(p.dir, analysisId, p.recordings[1].id)
    rmSync(missing)
    await expect(rescore(5, [...head.head.thresholds], SCORE_THREAD)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining(missing) })
  })

  it('quarantines a corrupt file in the middle of the batch and goes on with the rest', async () => {
    const p = await project({ files: 3, seconds: 5 })
    const bad = p.recordings[1]
    writeFileSync(bad.path, readFileSync(bad.path).subarray(0, 30))
    const result = await analyse(p)
    expect(result.analysed).toBe(3)
    expect(result.failed).toEqual([{ recordingId: bad.id, path: bad.path, code: 'AUDIO_TRUNCATED', reason: expect.stringContaining(bad.path) }])
    expect(p.db.prepare('SELECT status, status_code FROM recordings WHERE id = ?').get(bad.id)).toEqual({ status: 'quarantined', status_code: 'AUDIO_TRUNCATED' })
    expect(p.db.prepare('SELECT status, error_code FROM analysed_recordings WHERE recording_id = ?').get(bad.id)).toEqual({ status: 'failed', error_code: 'AUDIO_TRUNCATED' })
    // Nothing half-written is left beside the good files.
    expect(() => statSync(embeddingsFile(p.dir, result.analysisId, bad.id))).toThrow()
    expect((await analyse(p)).analysed).toBe(0)
  })

  it('gives the same bytes when decoding on a worker thread, and on every run with the same thread count', async () => {
    const p = await project()
    const inline = await analyse(p, { params: { ...CPU, threads: 2 } })
    const first = fileHashes(p, inline.analysisId)
    p.db.prepare('DELETE FROM analysed_recordings').run()
    const threaded = await analyse(p, { params: { ...CPU, threads: 2 }, decodeThread: decodeThreadEntry(`${REPO_ROOT}/src-main/workers`), decodeOnThread: 'always' })
    expect(threaded.analysed).toBe(2)
    expect(fileHashes(p, threaded.analysisId)).toEqual(first)
  })

  describe('lanes (two recordings at a time on worker threads)', () => {
    /** An analysis with 2 threads on lanes (2 × 1 thread); the log says whether lanes ran. */
    async function onLanes(p: AnalysisProject, extra: Partial<Parameters<typeof analyzeRecordings>[0]> = {}) {
      const lines: string[] = []
      const result = await analyse(p, { params: { ...CPU, threads: 2 }, embedLane: EMBED_LANE, log: (_level, m) => lines.push(m), ...extra })
      return { result, lines }
    }

    it('gives the bytes and detections of one 1-thread session, whichever lane a recording lands on', async () => {
      const p = await project({ files: 5, seconds: 6 })
      addRandomHead(p, { thresholds: [0.3, 0.3] })
      const single = await analyse(p)
      const hashes = fileHashes(p, single.analysisId)
      const view = modelView(p)
      expect(view.length).toBeGreaterThan(0)
      p.db.exec('DELETE FROM analysed_recordings; DELETE FROM detections;')
      const { result, lines } = await onLanes(p)
      expect(lines).toContain('2 recordings at a time, each with 1 encoder thread(s)')
      expect(p.recordings.length).toBeGreaterThanOrEqual(4)
      expect(result).toMatchObject({ analysed: p.recordings.length, windows: single.windows, detections: single.detections, failed: [], threads: 2 })
      expect(fileHashes(p, result.analysisId)).toEqual(hashes)
      expect(modelView(p)).toEqual(view)
      const rows = p.db.prepare('SELECT embeddings_sha256 AS sha FROM analysed_recordings ORDER BY recording_id').all() as { sha: string }[]
      expect(rows.map((r) => r.sha)).toEqual(hashes)
    })

    it('quarantines a corrupt file on one lane while both lanes go on', async () => {
      const p = await project({ files: 4, seconds: 5 })
      const bad = p.recordings[2]
      writeFileSync(bad.path, readFileSync(bad.path).subarray(0, 30))
      const { result, lines } = await onLanes(p)
      expect(lines).toContain('2 recordings at a time, each with 1 encoder thread(s)')
      expect(p.recordings.length).toBeGreaterThanOrEqual(3)
      expect(result.analysed).toBe(p.recordings.length - 1)
      expect(result.failed).toEqual([{ recordingId: bad.id, path: bad.path, code: 'AUDIO_TRUNCATED', reason: expect.stringContaining(bad.path) }])
      expect(p.db.prepare("SELECT count(*) AS n FROM analysed_recordings WHERE status = 'done'").get()).toEqual({ n: p.recordings.length - 1 })
      expect(() => statSync(embeddingsFile(p.dir, result.analysisId, bad.id))).toThrow()
    })

    it('stops both lanes on cancel, keeps what was committed, and a second run finishes with the same bytes', async () => {
      const p = await project({ files: 6, seconds: 5 })
      const reference = await analyse(p)
      const hashes = fileHashes(p, reference.analysisId)
      p.db.exec('DELETE FROM analysed_recordings; DELETE FROM detections;')
      const cancel = new AbortController()
      await expect(onLanes(p, { signal: cancel.signal, onCheckpoint: () => cancel.abort() })).rejects.toThrow()
      const committed = (p.db.prepare("SELECT count(*) AS n FROM analysed_recordings WHERE status = 'done'").get() as { n: number }).n
      expect(committed).toBeGreaterThanOrEqual(1)
      expect(committed).toBeLessThan(p.recordings.length)
      const { result } = await onLanes(p)
      expect(result.analysed).toBe(p.recordings.length - committed)
      expect(fileHashes(p, result.analysisId)).toEqual(hashes)
    })

    it('stops lanes mid-recording without tearing down a running session (the process lives on)', async () => {
      const p = await project({ files: 4, seconds: 20 })
      // cancel at several points inside the recordings, while both lanes are encoding
      for (const after of [1, 3, 6]) {
        p.db.exec('DELETE FROM analysed_recordings; DELETE FROM detections;')
        const cancel = new AbortController()
        let progress = 0
        const run = onLanes(p, { signal: cancel.signal, onProgress: () => (++progress === after ? cancel.abort() : undefined) })
        await expect(run).rejects.toMatchObject({ code: 'CANCELLED' })
      }
      p.db.exec('DELETE FROM analysed_recordings; DELETE FROM detections;')
      const { result } = await onLanes(p)
      expect(result.analysed).toBe(p.recordings.length)
    })

    it('lays out two lanes from 2 threads up for encoders narrower than Base, and deals recordings by audio length', () => {
      expect([1, 2, 3, 8].map((t) => lanesFor(t, 192))).toEqual([
        { lanes: 1, threadsPerLane: 1 },
        { lanes: 2, threadsPerLane: 1 },
        { lanes: 2, threadsPerLane: 1 },
        { lanes: 2, threadsPerLane: 4 },
      ])
      // Base-width encoders and wider keep one session with every thread
      expect([lanesFor(2, 768), lanesFor(8, 1024)]).toEqual([
        { lanes: 1, threadsPerLane: 2 },
        { lanes: 1, threadsPerLane: 8 },
      ])
      const recs = [10, 1, 1, 1, 10, 3].map((durationS, id) => ({ id, durationS }))
      expect(dealRecordings(recs, 2).map((lane) => lane.map((r) => r.id))).toEqual([[0, 5], [1, 2, 3, 4]])
      expect(dealRecordings(recs.slice(0, 1), 2)).toEqual([[recs[0]]])
    })
  })

  it('skips active heads made for other windows and says why', async () => {
    const p = await project({ files: 1 })
    const { headId } = addRandomHead(p, { windowS: 3, hopS: 1, name: 'Long windows' })
    const result = await analyse(p)
    expect(result.heads).toEqual([])
    expect(result.skippedHeads).toEqual([{ id: headId, name: 'Long windows 1', reason: 'made for 3 s windows every 1 s, this analysis uses 1 s every 0.5 s' }])
    const long = await analyse(p, { params: { ...CPU, windowS: 3, hopS: 1 } })
    expect(long.analysisId).not.toBe(result.analysisId)
    expect(long.heads.map((h) => h.id)).toEqual([headId])
  })

  it('rejects windows too short to hold a time patch', async () => {
    const p = await project({ files: 1 })
    await expect(analyse(p, { params: { ...CPU, windowS: 0.1 } })).rejects.toThrow('window length must be between 0.2 s and 600 s, got 0.1')
  })
})
