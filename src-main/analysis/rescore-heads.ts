// The rescore job's work: recompute heads' detections from the stored window embeddings, after a
// head, a threshold or an event rule changed — no audio is decoded and no encoder runs. Each head
// is applied to the analysis with its encoder and windows; recordings are committed in batches
// (replacing only that head's detections, keeping reviews: see detection-store.ts). Reading and
// scoring the embeddings can run on a worker thread (score-thread.ts) while this thread writes the
// previous batch. Rescoring is idempotent, so an interrupted rescore simply runs again.
import type { Database } from 'better-sqlite3'
import type { RescoreResult } from '../../src-shared/contracts'
import { AppError, throwIfAborted } from '../errors'
import { ModelsRepository, type HeadRecord } from '../services/models-repository'
import { AnalysisRepository } from './analysis-repository'
import { DetectionStore } from './detection-store'
import { scoreOnThread, scoreRecordings, type ScoreRequest } from './score-thread'
import { loadScoringHead, type ScoringHead } from './scoring-heads'

export interface RescoreOptions {
  db: Database
  projectDir: string
  /** Default: every active head. */
  headIds?: readonly number[]
  jobId: number | null
  /** Entry of the score thread (scoreThreadEntry): embeddings are read and scored there, beside the writes here. */
  scoreThread?: string | null
  signal?: AbortSignal
  onProgress?: (done: number, total: number | null, unit: string, message: string) => void
  log?: (level: 'info' | 'warn', message: string) => void
}

/** Recordings per write transaction. */
const COMMIT_RECORDINGS = 256
/** WAL pages (4 KiB) between checkpoints while rescoring: ~200 MiB. */
const RESCORE_CHECKPOINT_PAGES = 50_000

interface HeadTally {
  recordings: number
  windows: number
  detections: number
  reviewsKept: number
}

export async function rescoreHeads(o: RescoreOptions): Promise<RescoreResult> {
  const t0 = performance.now()
  const { db, signal } = o
  const log = o.log ?? (() => {})
  const models = new ModelsRepository(db)
  const analyses = new AnalysisRepository(db)
  const store = new DetectionStore(db)
  const records: HeadRecord[] = o.headIds ? o.headIds.map((id) => models.head(id)) : models.rows('head').filter((r) => r.active).map((r) => models.head(r.id))

  // Heads that read the same analysis are scored in one pass over its embeddings.
  const groups = new Map<number, { analysisId: number; heads: ScoringHead[] }>()
  const tallies = new Map<number, HeadTally>()
  for (const r of records) {
    tallies.set(r.id, { recordings: 0, windows: 0, detections: 0, reviewsKept: 0 })
    const encoderId = r.encoderId
    if (encoderId === null) throw new AppError('MODEL_INVALID', `head ${r.name} ${r.version} has no encoder`)
    const analysis = analyses.find(encoderId, r.head)
    if (!analysis) {
      log('info', `head ${r.name} ${r.version}: no recordings analysed with its encoder and ${r.head.windowS} s / ${r.head.hopS} s windows yet`)
      continue
    }
    const group = groups.get(analysis.id) ?? { analysisId: analysis.id, heads: [] }
    group.heads.push(loadScoringHead(o.projectDir, models, r, models.encoder(encoderId)))
    groups.set(analysis.id, group)
  }

  const work = [...groups.values()].map((g) => ({ ...g, analysis: analyses.get(g.analysisId), recordings: analyses.analysed(g.analysisId) }))
  const totalWindows = work.reduce((s, g) => s + g.recordings.reduce((a, r) => a + r.windows, 0), 0)
  let doneWindows = 0
  let lastReport = 0
  const report = (force = false) => {
    const now = performance.now()
    if (!force && now - lastReport < 100) return
    lastReport = now
    o.onProgress?.(doneWindows, totalWindows, 'windows', `Rescoring ${records.length} head(s) on ${totalWindows.toLocaleString('en-US')} stored windows`)
  }
  report(true)

  // Rescoring rewrites a season's detections in many short transactions (the app stays writable
  // in between). With SQLite's default of a WAL checkpoint every 1000 pages, each commit would copy
  // the same hot index pages back into the database file and sync it, which took half the time:
  // this connection checkpoints rarely while it rescores, then once at the end.
  const autoCheckpoint = db.pragma('wal_autocheckpoint', { simple: true }) as number
  db.pragma(`wal_autocheckpoint = ${RESCORE_CHECKPOINT_PAGES}`)
  try {
    for (const g of work) {
      const { analysis } = g
      const encoder = models.encoder(analysis.encoderId)
      const request: ScoreRequest = {
        projectDir: o.projectDir,
        analysisId: analysis.id,
        dim: analysis.dim,
        grid: { windowS: analysis.windowS, hopS: analysis.hopS },
        provenance: { analysisId: analysis.id, encoderId: encoder.id, encoder: `${encoder.name} ${encoder.version}`, windowS: analysis.windowS, hopS: analysis.hopS },
        heads: g.heads,
        recordings: g.recordings,
        batch: COMMIT_RECORDINGS,
      }
      const batches = o.scoreThread ? scoreOnThread(o.scoreThread, request, signal) : scoreRecordings(request)
      for await (const items of batches) {
        throwIfAborted(signal)
        const now = new Date().toISOString()
        db.transaction(() => {
          g.heads.forEach((h, k) => {
            const outcome = store.replaceMany(h.id, items.map((p) => ({ recordingId: p.recordingId, detections: p.detections[k] })), o.jobId, now)
            const t = tallies.get(h.id) as HeadTally
            t.reviewsKept += outcome.reviewsKept
          })
        }).immediate()
        for (const item of items) {
          for (const [k, h] of g.heads.entries()) {
            const t = tallies.get(h.id) as HeadTally
            t.recordings++
            t.windows += item.windows
            t.detections += item.detections[k].length
          }
          doneWindows += item.windows
        }
        report()
        // Let a cancel message in between transactions.
        await new Promise((resolve) => setImmediate(resolve))
      }
      for (const h of g.heads) models.markScored(h.id, h.revision)
    }
  } finally {
    db.pragma(`wal_autocheckpoint = ${autoCheckpoint}`)
    db.pragma('wal_checkpoint(PASSIVE)')
  }
  report(true)

  const heads = records.map((r) => ({ id: r.id, name: r.name, version: r.version, ...(tallies.get(r.id) as HeadTally) }))
  return {
    heads,
    windows: doneWindows,
    detections: heads.reduce((s, h) => s + h.detections, 0),
    seconds: (performance.now() - t0) / 1000,
  }
}
