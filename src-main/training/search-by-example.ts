// Search by example: the windows of a region are the query (the mean of their unit embeddings),
// the answer is the top-k windows of the whole analysis by exact cosine similarity.
import type { Database } from 'better-sqlite3'
import { type SearchRequest, type SearchResponse } from '../../src-shared/contracts'
import { AnalysisRepository, type AnalysisRow } from '../analysis/analysis-repository'
import { AppError, throwIfAborted } from '../errors'
import { ModelsRepository } from '../services/models-repository'
import { DECISION_RULE, windowRelation } from './overlap'
import { describeWindows } from './review-windows'
import type { SearchIndexCache } from './search-index-cache'
import type { WindowCatalog } from './window-catalog'
import { WindowDecisionsRepository } from './window-decisions'

export const DEFAULT_SEARCH_K = 50
/** A region selects the windows it covers more than this share of. */
const QUERY_COVER = 0.5

/** The analysis to search: of the given (else the default) encoder, covering the recording, the largest. */
function chooseAnalysis(db: Database, req: SearchRequest): AnalysisRow {
  const models = new ModelsRepository(db)
  const analyses = new AnalysisRepository(db)
  let encoderIds: number[]
  if (req.encoderId !== undefined) encoderIds = [models.encoder(req.encoderId).id]
  else {
    try {
      encoderIds = [models.defaultEncoder().id]
    } catch {
      encoderIds = models.rows('encoder').map((e) => e.id)
    }
  }
  const covering = encoderIds
    .flatMap((id) => analyses.analysesOf(id))
    .filter((a) => (req.windowS === undefined || a.windowS === req.windowS) && (req.hopS === undefined || a.hopS === req.hopS))
    .filter((a) => analyses.analysed(a.id, [req.recordingId]).length > 0)
  if (covering.length === 0) throw new AppError('NOT_FOUND', `recording ${req.recordingId} has no stored embeddings${req.windowS ? ` with ${req.windowS} s windows` : ''} from ${req.encoderId ? `encoder ${req.encoderId}` : 'the active encoder'}: analyse it first`)
  return covering.sort((a, b) => analyses.doneCount(b.id) - analyses.doneCount(a.id) || a.id - b.id)[0]
}

/**
 * Windows of the recording the region selects: those it covers more than half of (so a region
 * drawn on one window selects that window, not its half-overlapping neighbours), else the one it
 * overlaps most.
 */
function queryWindows(catalog: WindowCatalog, recordingId: number, startS: number, endS: number): number[] {
  const rec = catalog.recording(recordingId)
  if (!rec) throw new AppError('NOT_FOUND', `recording ${recordingId} is not in analysis ${catalog.analysis.id}`)
  if (!(endS > startS)) throw new AppError('INVALID_REQUEST', `region end ${endS} s is not after its start ${startS} s`)
  const t = catalog.times(rec)
  const covered: number[] = []
  let best = -1
  let bestOverlap = 0
  for (let w = 0; w < rec.windows; w++) {
    const overlap = Math.min(t.end[w], endS) - Math.max(t.start[w], startS)
    if (overlap > bestOverlap) {
      bestOverlap = overlap
      best = w
    }
    if (overlap > QUERY_COVER * (t.end[w] - t.start[w]) + 1e-9) covered.push(rec.base + w)
  }
  if (covered.length > 0) return covered
  if (best < 0) throw new AppError('INVALID_REQUEST', `region ${startS}–${endS} s lies outside the analysed audio of recording ${recordingId}`)
  return [rec.base + best]
}

/** Ids of windows that carry a decision. */
function decidedWindows(db: Database, catalog: WindowCatalog): Set<number> {
  const out = new Set<number>()
  const byRecording = new WindowDecisionsRepository(db).forRecordings(catalog.recordings.map((r) => r.recordingId))
  for (const [recordingId, decisions] of byRecording) {
    const rec = catalog.recording(recordingId)
    if (!rec) continue
    const t = catalog.times(rec)
    for (const d of decisions) {
      for (let w = 0; w < rec.windows; w++) if (windowRelation(t.start[w], t.end[w], d.startS, d.endS, DECISION_RULE) === 'match') out.add(rec.base + w)
    }
  }
  return out
}

export async function searchByExample(db: Database, projectDir: string, cache: SearchIndexCache, req: SearchRequest, signal?: AbortSignal): Promise<SearchResponse> {
  const t0 = performance.now()
  const analysis = chooseAnalysis(db, req)
  const lookup = await cache.get(db, projectDir, analysis, signal)
  throwIfAborted(signal)
  const { index, catalog } = lookup
  const ids = queryWindows(catalog, req.recordingId, req.startS, req.endS)
  const exclude = req.excludeReviewed ? decidedWindows(db, catalog) : undefined
  const result = await index.searchByIds(ids, req.k ?? DEFAULT_SEARCH_K, exclude ? { exclude } : {})
  const queryIds = new Set(ids)
  const spans = result.hits.map((h) => ({ ...catalog.span(h.id), score: h.score }))
  const described = describeWindows(db, spans.map((s) => ({ recordingId: s.recordingId, startS: s.startS, endS: s.endS, labelId: null, score: s.score, uncertainty: null })))
  const encoderId = analysis.encoderId
  return {
    hits: described.map((d, i) => ({ ...d, isQuery: queryIds.has(result.hits[i].id) })),
    query: {
      encoderId,
      analysisId: analysis.id,
      windowS: analysis.windowS,
      hopS: analysis.hopS,
      windows: ids.map((id) => {
        const s = catalog.span(id)
        return { startS: s.startS, endS: s.endS }
      }),
    },
    index: { windows: index.size, built: lookup.built, buildSeconds: lookup.buildSeconds, bytes: index.bytes },
    exact: result.exact,
    seconds: (performance.now() - t0) / 1000,
  }
}
