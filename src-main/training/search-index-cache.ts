// The search index of one analysis, built lazily from the embedding files on the first search and
// kept until the analysis changes (recordings analysed, re-analysed or removed) or the project
// closes. One index is held at a time: at a million 768-d windows it takes about 0.8 GB.
import type { Database } from 'better-sqlite3'
import type { AnalysisRow } from '../analysis/analysis-repository'
import { embeddingsFile, readEmbeddings } from '../analysis/embedding-files'
import { throwIfAborted } from '../errors'
import { EmbeddingIndex } from '../search/embedding-index'
import { WindowCatalog } from './window-catalog'

export interface CachedIndex {
  index: EmbeddingIndex
  catalog: WindowCatalog
  buildSeconds: number
}

export interface IndexLookup extends CachedIndex {
  /** True when this lookup built the index. */
  built: boolean
}

interface Entry {
  key: string
  ready: Promise<CachedIndex>
}

/** Changes whenever the analysis gains, loses or re-embeds a recording. */
export function analysisStamp(db: Database, analysisId: number): string {
  const r = db
    .prepare("SELECT count(*) AS n, coalesce(sum(windows), 0) AS w, coalesce(max(analysed_at), '') AS at FROM analysed_recordings WHERE analysis_id = ? AND status = 'done'")
    .get(analysisId) as { n: number; w: number; at: string }
  return `${r.n}:${r.w}:${r.at}`
}

export async function buildSearchIndex(db: Database, projectDir: string, analysis: AnalysisRow, opts: { threads?: number; signal?: AbortSignal } = {}): Promise<CachedIndex> {
  const t0 = performance.now()
  const catalog = WindowCatalog.load(db, analysis)
  const index = new EmbeddingIndex({
    dim: analysis.dim,
    exact: (ids) => catalog.readVectors(projectDir, ids),
    ...(opts.threads === undefined ? {} : { threads: opts.threads }),
  })
  try {
    let buffer = new Float32Array(0)
    let sinceYield = 0
    for (const rec of catalog.recordings) {
      if (rec.windows === 0) continue
      throwIfAborted(opts.signal)
      if (buffer.length < rec.windows * analysis.dim) buffer = new Float32Array(Math.max(rec.windows * analysis.dim, 2 * buffer.length))
      const x = readEmbeddings(embeddingsFile(projectDir, analysis.id, rec.recordingId), rec.windows, analysis.dim, buffer)
      index.add(Int32Array.from({ length: rec.windows }, (_, w) => rec.base + w), x)
      // Yield now and then so other calls are served while a large index builds.
      sinceYield += rec.windows
      if (sinceYield >= 16_384) {
        sinceYield = 0
        await new Promise((resolve) => setImmediate(resolve))
      }
    }
  } catch (err) {
    index.dispose()
    throw err
  }
  return { index, catalog, buildSeconds: (performance.now() - t0) / 1000 }
}

export class SearchIndexCache {
  private entry: Entry | null = null

  constructor(private readonly opts: { threads?: number } = {}) {}

  async get(db: Database, projectDir: string, analysis: AnalysisRow, signal?: AbortSignal): Promise<IndexLookup> {
    const key = `${projectDir}\n${analysis.id}\n${analysisStamp(db, analysis.id)}`
    if (this.entry?.key === key) {
      const ready = await this.entry.ready
      return { ...ready, built: false }
    }
    this.clear()
    // The build is not tied to the first caller's signal: a second caller may be waiting on it.
    const ready = buildSearchIndex(db, projectDir, analysis, { threads: this.opts.threads })
    const entry: Entry = { key, ready }
    this.entry = entry
    ready.catch(() => {
      if (this.entry === entry) this.entry = null
    })
    throwIfAborted(signal)
    return { ...(await ready), built: true }
  }

  /** Drops the index (project closed, or memory wanted back). */
  clear(): void {
    const old = this.entry
    this.entry = null
    if (old) old.ready.then((c) => c.index.dispose(), () => undefined)
  }
}
