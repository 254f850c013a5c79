// In-memory cosine index over window embeddings for search by example.
//
// Compact form: each embedding is unit-normalised and stored as int8 codes with one float32 scale
// per row (dim bytes + 8 per window: 1M × 768-d ≈ 0.78 GB instead of 3 GB as float32). A query is
// normalised and quantised to int16, and approximate scores of all rows come from a SIMD integer
// kernel on the helper threads.
//
// Exactness: each row also keeps the norm of its quantisation residual r = |x − x̂|, which bounds
// the approximation error: |cos − approx| ≤ r + r_q·(1 + r) (+ float slack). Rows whose upper bound
// falls below the k-th best lower bound cannot be in the top k; all others are re-scored exactly
// in float64 from the float32 vectors, best upper bound first, until the next upper bound is below
// the k-th exact score. So results equal brute force, ties broken by id.

import { AppError } from '../errors'
import { ComputeContext, defaultThreadCount, type KernelCall } from '../numeric/compute-context'
import { INT8_SCORES, QUANTIZE_ROWS } from '../numeric/kernels'
import { KLargest } from './bounded-heap'
import { exampleQuery, unitVector } from './query-vector'

/** Loads float32 vectors (ids.length × dim, row-major) for exact re-scoring, e.g. from the project database. */
export type VectorLoader = (ids: Int32Array) => Float32Array | Promise<Float32Array>

export interface EmbeddingIndexOptions {
  dim: number
  /**
   * Where exact re-scoring reads float32 vectors: 'memory' keeps a copy of every added vector
   * (4·dim bytes per window), a loader fetches only the candidates.
   */
  exact: 'memory' | VectorLoader
  /** Helper threads for scoring (default: all cores, at most 8). */
  threads?: number
  /** Rows per storage chunk (default 16384). */
  chunkRows?: number
  /** Most candidates re-scored exactly per search (default 50 000); beyond it results are marked inexact. */
  maxExact?: number
}

export interface SearchHit {
  id: number
  /** Cosine similarity, exact (float64 from the float32 vectors). */
  score: number
}

export interface SearchResult {
  /** Best first; equal scores by ascending id. */
  hits: SearchHit[]
  /** Rows re-scored exactly (in decreasing order of their upper bound, until none left could enter the top k). */
  candidates: number
  /** False only when more than maxExact rows could have been in the top k and the surplus was cut by approximate score. */
  exact: boolean
}

export interface SearchOptions {
  /** Ids never returned (e.g. windows already reviewed). */
  exclude?: Iterable<number>
}

interface Chunk {
  codes: number
  scales: number
  resid: number
  scores: number
  floats?: Float32Array
}

const MAX_DIM = 4096 // keeps the int32 accumulators of the integer kernel from overflowing
const STAGING_ROWS = 4096
const RESCORE_BLOCK = 256

export class EmbeddingIndex {
  readonly dim: number
  private readonly dimPad: number
  private readonly chunkRows: number
  private readonly maxExact: number
  private readonly threads: number
  private readonly ctx: ComputeContext
  private readonly chunks: Chunk[] = []
  private ids = new Int32Array(1024)
  private readonly rowOf = new Map<number, number>()
  private count = 0
  private readonly stagingPtr: number
  private readonly queryPtr: number
  private jobPtr = 0
  private jobCapacity = 0
  private queue: Promise<unknown> = Promise.resolve()
  private readonly slack: number
  private disposed = false

  constructor(private readonly opts: EmbeddingIndexOptions) {
    const { dim } = opts
    if (!(Number.isInteger(dim) && dim >= 1 && dim <= MAX_DIM)) throw new AppError('INVALID_REQUEST', `embedding size must be an integer in 1..${MAX_DIM}, got ${dim}`)
    this.dim = dim
    this.dimPad = Math.ceil(dim / 32) * 32
    this.chunkRows = Math.max(64, Math.floor(opts.chunkRows ?? 16384))
    this.maxExact = Math.max(1, Math.floor(opts.maxExact ?? 50_000))
    this.threads = Math.max(1, Math.floor(opts.threads ?? defaultThreadCount()))
    // float32 sums over dimPad/4 terms per lane: relative error ≤ dimPad·2⁻²⁴ on norms and residuals
    this.slack = 2e-6 + this.dimPad * 2 ** -24
    this.ctx = new ComputeContext({ helpers: this.threads, initialBytes: 4 * STAGING_ROWS * this.dimPad })
    this.stagingPtr = this.ctx.alloc(4 * STAGING_ROWS * this.dimPad)
    this.queryPtr = this.ctx.alloc(2 * this.dimPad)
  }

  get size(): number {
    return this.count
  }

  has(id: number): boolean {
    return this.rowOf.has(id)
  }

  /** Bytes held for the index (compute memory plus the float32 copies in 'memory' mode). */
  get bytes(): number {
    const floats = this.chunks.reduce((a, c) => a + (c.floats?.byteLength ?? 0), 0)
    return this.ctx.memory.buffer.byteLength + floats + this.ids.byteLength
  }

  /** Adds windows (ids unique across the index) with their float32 embeddings (ids.length × dim). */
  add(ids: Int32Array | readonly number[], vectors: Float32Array): void {
    const n = ids.length
    if (vectors.length !== n * this.dim) throw new AppError('EMBEDDING_INVALID', `${n} ids need ${n * this.dim} values of ${this.dim}-d embeddings, got ${vectors.length}`)
    const seen = new Set<number>()
    for (let i = 0; i < n; i++) {
      const id = ids[i]
      if (!Number.isInteger(id) || id < -0x80000000 || id > 0x7fffffff) throw new AppError('EMBEDDING_INVALID', `window id ${id} is not a 32-bit integer`)
      if (this.rowOf.has(id) || seen.has(id)) throw new AppError('EMBEDDING_INVALID', `window id ${id} is already in the index`)
      seen.add(id)
    }
    const before = this.count
    try {
      for (let start = 0; start < n; start += STAGING_ROWS) this.addStaged(ids, vectors, start, Math.min(STAGING_ROWS, n - start))
    } catch (err) {
      // all or nothing: forget the rows this call committed
      for (let r = before; r < this.count; r++) this.rowOf.delete(this.ids[r])
      this.count = before
      throw err
    }
  }

  /** Adds database rows whose embedding is a float32 little-endian blob of dim values. */
  addBlobs(rows: Iterable<{ id: number; embedding: Uint8Array }>): number {
    const ids: number[] = []
    const blobs: Uint8Array[] = []
    let added = 0
    const flush = (): void => {
      const vectors = new Float32Array(ids.length * this.dim)
      const bytes = new Uint8Array(vectors.buffer)
      blobs.forEach((b, i) => bytes.set(b, i * this.dim * 4)) // copies: blobs need not be 4-byte aligned
      this.add(ids, vectors)
      added += ids.length
      ids.length = 0
      blobs.length = 0
    }
    for (const r of rows) {
      if (r.embedding.byteLength !== this.dim * 4) {
        throw new AppError('EMBEDDING_INVALID', `window ${r.id}: embedding blob has ${r.embedding.byteLength} bytes, expected ${this.dim * 4} (${this.dim} float32)`)
      }
      ids.push(r.id)
      blobs.push(r.embedding)
      if (ids.length === STAGING_ROWS) flush()
    }
    if (ids.length > 0) flush()
    return added
  }

  /** Top-k windows by cosine similarity to the query vector (length dim). */
  search(query: Float32Array, k: number, opts: SearchOptions = {}): Promise<SearchResult> {
    const run = this.queue.then(() => this.searchNow(query, k, opts))
    this.queue = run.catch(() => undefined)
    return run
  }

  /** Search by example: the query is the normalised mean of the given windows' embeddings. */
  async searchByIds(ids: readonly number[], k: number, opts: SearchOptions = {}): Promise<SearchResult> {
    if (ids.length === 0) throw new AppError('INVALID_REQUEST', 'search by example needs at least one window')
    for (const id of ids) if (!this.rowOf.has(id)) throw new AppError('NOT_FOUND', `window ${id} is not in the search index`)
    const vectors = await this.exactVectors(Int32Array.from(ids, (id) => this.rowOf.get(id) as number))
    return this.search(exampleQuery(vectors, this.dim), k, opts)
  }

  dispose(): void {
    this.disposed = true
    this.ctx.dispose()
    this.chunks.length = 0
    this.rowOf.clear()
    this.count = 0
  }

  private addStaged(ids: Int32Array | readonly number[], vectors: Float32Array, start: number, rows: number): void {
    const { dim, dimPad, ctx } = this
    const staging = ctx.f32(this.stagingPtr, rows * dimPad)
    const src = vectors.subarray(start * dim, (start + rows) * dim)
    if (dim === dimPad) {
      staging.set(src)
    } else {
      staging.fill(0)
      for (let i = 0; i < rows; i++) staging.set(src.subarray(i * dim, (i + 1) * dim), i * dimPad)
    }
    // quantise into the chunks the rows land in, split across threads
    let done = 0
    while (done < rows) {
      const row = this.count + done
      const chunk = this.chunkFor(row)
      const inChunk = row % this.chunkRows
      const take = Math.min(rows - done, this.chunkRows - inChunk)
      const per = Math.ceil(take / Math.min(this.threads, this.ctx.helpers + 1))
      const lists: KernelCall[][] = []
      for (let r = 0; r < take; r += per) {
        const m = Math.min(per, take - r)
        const local = inChunk + r
        lists.push([{ kernel: QUANTIZE_ROWS, args: [this.stagingPtr + 4 * (done + r) * dimPad, m, dimPad, chunk.codes + local * dimPad, chunk.scales + 4 * local, chunk.resid + 4 * local] }])
      }
      // helpers busy with a search in flight: quantise on this thread instead
      if (ctx.isBusy) ctx.call(lists.flat())
      else ctx.parallel(lists)
      const scales = ctx.f32(chunk.scales + 4 * inChunk, take)
      const resid = ctx.f32(chunk.resid + 4 * inChunk, take)
      for (let i = 0; i < take; i++) {
        const at = start + done + i
        const ok = Number.isFinite(scales[i]) && Number.isFinite(resid[i]) && (scales[i] > 0 || isZeroRow(src, (done + i) * dim, dim))
        if (!ok) throw new AppError('EMBEDDING_INVALID', `window ${ids[at]}: embedding has non-finite or out-of-range values`)
      }
      if (chunk.floats) {
        // float copies grow with the chunk, so a small index stays small
        const need = (inChunk + take) * dim
        if (chunk.floats.length < need) {
          const grown = new Float32Array(Math.min(this.chunkRows * dim, Math.max(need, 2 * chunk.floats.length)))
          grown.set(chunk.floats)
          chunk.floats = grown
        }
        chunk.floats.set(src.subarray(done * dim, (done + take) * dim), inChunk * dim)
      }
      done += take
    }
    // commit the rows only once all of them quantised cleanly
    if (this.count + rows > this.ids.length) {
      const grown = new Int32Array(Math.max(this.ids.length * 2, this.count + rows))
      grown.set(this.ids.subarray(0, this.count))
      this.ids = grown
    }
    for (let i = 0; i < rows; i++) {
      const id = ids[start + i]
      this.ids[this.count + i] = id
      this.rowOf.set(id, this.count + i)
    }
    this.count += rows
  }

  private chunkFor(row: number): Chunk {
    const c = Math.floor(row / this.chunkRows)
    while (this.chunks.length <= c) {
      const n = this.chunkRows
      this.chunks.push({
        codes: this.ctx.alloc(n * this.dimPad),
        scales: this.ctx.alloc(4 * n),
        resid: this.ctx.alloc(4 * n),
        scores: this.ctx.alloc(4 * n),
        ...(this.opts.exact === 'memory' ? { floats: new Float32Array(0) } : {}),
      })
    }
    return this.chunks[c]
  }

  private async searchNow(query: Float32Array, k: number, opts: SearchOptions): Promise<SearchResult> {
    const { dim, dimPad, ctx } = this
    if (this.disposed) throw new AppError('CANCELLED', 'search index disposed')
    if (query.length !== dim) throw new AppError('INVALID_REQUEST', `query has ${query.length} values, the index holds ${dim}-d embeddings`)
    if (!(Number.isInteger(k) && k >= 1)) throw new AppError('INVALID_REQUEST', `k must be a positive integer, got ${k}`)
    const n = this.count
    if (n === 0) return { hits: [], candidates: 0, exact: true }
    const qu = unitVector(query)

    // int16 query: q̂ = s_q·d, with its own residual r_q
    let maxAbs = 0
    for (let d = 0; d < dim; d++) maxAbs = Math.max(maxAbs, Math.abs(qu[d]))
    const qScale = Math.fround(maxAbs / 32767)
    const q16 = ctx.i16(this.queryPtr, dimPad)
    q16.fill(0)
    let rq2 = 0
    for (let d = 0; d < dim; d++) {
      const v = Math.max(-32767, Math.min(32767, Math.round(qu[d] / qScale)))
      q16[d] = v
      rq2 += (qu[d] - qScale * v) ** 2
    }
    const rq = Math.sqrt(rq2) * 1.001 + 1e-9

    await this.runScores(n, qScale)

    const excluded = new Uint8Array(n)
    if (opts.exclude) for (const id of opts.exclude) {
      const row = this.rowOf.get(id)
      if (row !== undefined && row < n) excluded[row] = 1
    }
    // |cos − approx| ≤ a·r + b for a row with residual r
    const a = 1.001 * (1 + rq)
    const b = rq + this.slack
    // the k-th best lower bound, then every row whose upper bound reaches it
    const best = new KLargest(k)
    for (let c = 0, base = 0; base < n; c++, base += this.chunkRows) {
      const rows = Math.min(this.chunkRows, n - base)
      const scores = ctx.f32(this.chunks[c].scores, rows)
      const resid = ctx.f32(this.chunks[c].resid, rows)
      let floor = best.threshold
      for (let i = 0; i < rows; i++) {
        const lower = scores[i] - (a * resid[i] + b)
        if (lower > floor && excluded[base + i] === 0) {
          best.push(lower)
          floor = best.threshold
        }
      }
    }
    const floor = best.threshold
    const cand: number[] = []
    const upper: number[] = []
    for (let c = 0, base = 0; base < n; c++, base += this.chunkRows) {
      const rows = Math.min(this.chunkRows, n - base)
      const scores = ctx.f32(this.chunks[c].scores, rows)
      const resid = ctx.f32(this.chunks[c].resid, rows)
      for (let i = 0; i < rows; i++) {
        const u = scores[i] + (a * resid[i] + b)
        if (u >= floor && excluded[base + i] === 0) {
          cand.push(base + i)
          upper.push(u)
        }
      }
    }
    // Re-score in decreasing upper bound until no remaining row can reach the k-th exact score.
    const order = Array.from(cand.keys()).sort((x, y) => upper[y] - upper[x] || this.ids[cand[x]] - this.ids[cand[y]])
    const hits: SearchHit[] = []
    const kth = new KLargest(k)
    let done = 0
    let exact = true
    while (done < order.length && upper[order[done]] >= kth.threshold) {
      if (done >= this.maxExact) {
        exact = false
        break
      }
      const block = order.slice(done, Math.min(order.length, done + RESCORE_BLOCK, this.maxExact))
      const rows = Int32Array.from(block, (i) => cand[i])
      const vectors = await this.exactVectors(rows)
      for (let i = 0; i < rows.length; i++) {
        let dot = 0
        let ss = 0
        const o = i * dim
        for (let d = 0; d < dim; d++) {
          const v = vectors[o + d]
          dot += qu[d] * v
          ss += v * v
        }
        const score = ss > 0 ? dot / Math.sqrt(ss) : 0
        hits.push({ id: this.ids[rows[i]], score })
        kth.push(score)
      }
      done += block.length
    }
    hits.sort((x, y) => y.score - x.score || x.id - y.id)
    return { hits: hits.slice(0, k), candidates: done, exact }
  }

  /** Approximate scores of rows [0, n) into each chunk's score array, on the helper threads. */
  private async runScores(n: number, qScale: number): Promise<void> {
    const threads = Math.max(1, this.ctx.helpers)
    const per = Math.ceil(n / threads)
    const lists: number[][] = []
    for (let t = 0; t < threads; t++) {
      const jobs: number[] = []
      for (let row = t * per; row < Math.min(n, (t + 1) * per); ) {
        const c = Math.floor(row / this.chunkRows)
        const local = row % this.chunkRows
        const take = Math.min(this.chunkRows - local, Math.min(n, (t + 1) * per) - row)
        const chunk = this.chunks[c]
        jobs.push(chunk.codes + local * this.dimPad, take, chunk.scales + 4 * local, chunk.scores + 4 * local)
        row += take
      }
      lists.push(jobs)
    }
    const need = lists.reduce((a, j) => a + j.length, 0)
    if (need > this.jobCapacity) {
      this.jobCapacity = need * 2
      this.jobPtr = this.ctx.alloc(4 * this.jobCapacity)
    }
    const calls: KernelCall[][] = []
    let at = this.jobPtr
    for (const jobs of lists) {
      this.ctx.i32(at, jobs.length).set(jobs)
      calls.push([{ kernel: INT8_SCORES, args: [at, jobs.length / 4, this.queryPtr, this.dimPad, qScale] }])
      at += 4 * jobs.length
    }
    if (this.ctx.helpers > 0) await this.ctx.parallelAsync(calls)
    else this.ctx.call(calls[0])
  }

  /** float32 vectors of the given rows (rows.length × dim). */
  private async exactVectors(rows: Int32Array): Promise<Float32Array> {
    const { dim } = this
    if (this.opts.exact === 'memory') {
      const out = new Float32Array(rows.length * dim)
      for (let i = 0; i < rows.length; i++) {
        const c = this.chunks[Math.floor(rows[i] / this.chunkRows)]
        const local = rows[i] % this.chunkRows
        out.set((c.floats as Float32Array).subarray(local * dim, (local + 1) * dim), i * dim)
      }
      return out
    }
    const ids = Int32Array.from(rows, (r) => this.ids[r])
    const out = await this.opts.exact(ids)
    if (out.length !== ids.length * dim) throw new AppError('EMBEDDING_INVALID', `vector loader returned ${out.length} values for ${ids.length} windows of ${dim}-d embeddings`)
    return out
  }
}

function isZeroRow(v: Float32Array, offset: number, dim: number): boolean {
  for (let d = 0; d < dim; d++) if (v[offset + d] !== 0) return false
  return true
}
