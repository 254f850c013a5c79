import { afterAll, describe, expect, it } from 'vitest'
import { Prng } from '../../src-main/numeric/prng'
import { KLargest } from '../../src-main/search/bounded-heap'
import { EmbeddingIndex, type EmbeddingIndexOptions } from '../../src-main/search/embedding-index'
import { exampleQuery } from '../../src-main/search/query-vector'

const indexes: EmbeddingIndex[] = []
afterAll(() => indexes.forEach((i) => i.dispose()))
function makeIndex(opts: EmbeddingIndexOptions): EmbeddingIndex {
  const i = new EmbeddingIndex(opts)
  indexes.push(i)
  return i
}

/** Clustered embeddings: a few centres plus noise, so many neighbours have close scores. */
function clustered(n: number, dim: number, seed: number, spread = 0.3): Float32Array {
  const rng = new Prng(seed)
  const centres = Array.from({ length: 8 }, () => Array.from({ length: dim }, () => rng.normal()))
  const out = new Float32Array(n * dim)
  for (let i = 0; i < n; i++) {
    const c = centres[rng.nextInt(8)]
    const scale = 0.5 + rng.nextFloat() * 3 // norms differ: cosine must not care
    for (let d = 0; d < dim; d++) out[i * dim + d] = scale * (c[d] + spread * rng.normal())
  }
  return out
}

/** Brute-force cosine top-k in float64, ties by id. */
function bruteForce(vectors: Float32Array, ids: number[], dim: number, query: ArrayLike<number>, k: number, exclude = new Set<number>()): { id: number; score: number }[] {
  let qn = 0
  for (let d = 0; d < dim; d++) qn += query[d] * query[d]
  qn = Math.sqrt(qn)
  const all = ids
    .map((id, i) => {
      let dot = 0
      let ss = 0
      for (let d = 0; d < dim; d++) {
        dot += (query[d] / qn) * vectors[i * dim + d]
        ss += vectors[i * dim + d] ** 2
      }
      return { id, score: ss > 0 ? dot / Math.sqrt(ss) : 0 }
    })
    .filter((h) => !exclude.has(h.id))
  all.sort((a, b) => b.score - a.score || a.id - b.id)
  return all.slice(0, k)
}

function expectSameHits(got: { id: number; score: number }[], want: { id: number; score: number }[]): void {
  expect(got.map((h) => h.id)).toEqual(want.map((h) => h.id))
  got.forEach((h, i) => expect(Math.abs(h.score - want[i].score)).toBeLessThan(1e-6))
}

describe('EmbeddingIndex: exact top-k', () => {
  for (const { dim, threads } of [{ dim: 64, threads: 1 }, { dim: 100, threads: 2 }]) {
    it(`equals float64 brute force on clustered data (${dim}-d, ${threads} helper thread(s))`, async () => {
      const n = 3000
      const vectors = clustered(n, dim, dim)
      const ids = Array.from({ length: n }, (_, i) => 10 * i + 3)
      const index = makeIndex({ dim, exact: 'memory', threads, chunkRows: 1000 })
      index.add(ids.slice(0, 1234), vectors.subarray(0, 1234 * dim))
      index.add(Int32Array.from(ids.slice(1234)), vectors.subarray(1234 * dim))
      expect(index.size).toBe(n)
      const rng = new Prng(1)
      for (const k of [1, 10, 100]) {
        const q = Float32Array.from({ length: dim }, (_, d) => vectors[(k * 7) * dim + d] + 0.2 * rng.normal())
        const r = await index.search(q, k)
        expect(r.exact).toBe(true)
        expect(r.candidates).toBeGreaterThanOrEqual(k)
        expect(r.candidates).toBeLessThan(n)
        expectSameHits(r.hits, bruteForce(vectors, ids, dim, q, k))
      }
    })
  }

  it('returns the query window itself first when searching by its id', async () => {
    const dim = 48
    const n = 500
    const vectors = clustered(n, dim, 5, 0.05)
    const index = makeIndex({ dim, exact: 'memory', threads: 1 })
    index.add(Array.from({ length: n }, (_, i) => i), vectors)
    for (const id of [0, 17, 499]) {
      const r = await index.searchByIds([id], 5)
      expect(r.hits[0].id).toBe(id)
      expect(r.hits[0].score).toBeCloseTo(1, 12)
    }
    // several windows: the mean of their unit vectors
    const pair = await index.searchByIds([3, 4], 3)
    const q = exampleQuery(Float32Array.from([...vectors.subarray(3 * dim, 4 * dim), ...vectors.subarray(4 * dim, 5 * dim)]), dim)
    expectSameHits(pair.hits, bruteForce(vectors, Array.from({ length: n }, (_, i) => i), dim, q, 3))
  })

  it('never returns excluded ids and otherwise matches brute force', async () => {
    const dim = 32
    const n = 800
    const vectors = clustered(n, dim, 9)
    const ids = Array.from({ length: n }, (_, i) => i)
    const index = makeIndex({ dim, exact: 'memory', threads: 1 })
    index.add(ids, vectors)
    const q = vectors.slice(40 * dim, 41 * dim)
    const top = bruteForce(vectors, ids, dim, q, 20)
    const exclude = new Set(top.slice(0, 10).map((h) => h.id))
    const r = await index.search(q, 20, { exclude })
    for (const h of r.hits) expect(exclude.has(h.id)).toBe(false)
    expectSameHits(r.hits, bruteForce(vectors, ids, dim, q, 20, exclude))
  })

  it('accepts new windows while searches are in flight, each search seeing a consistent index', async () => {
    const dim = 32
    const n = 3000
    const vectors = clustered(n, dim, 21)
    const ids = Array.from({ length: n }, (_, i) => i)
    const index = makeIndex({ dim, exact: 'memory', threads: 2, chunkRows: 512 })
    index.add(ids.slice(0, 1000), vectors.subarray(0, 1000 * dim))
    const q = vectors.slice(2500 * dim, 2501 * dim)
    const pending: Promise<{ hits: { id: number; score: number }[] }>[] = []
    for (let start = 1000; start < n; start += 250) {
      pending.push(index.search(q, 5))
      await new Promise((resolve) => setImmediate(resolve))
      index.add(ids.slice(start, start + 250), vectors.subarray(start * dim, (start + 250) * dim))
    }
    // each result is the brute-force answer over some prefix of the additions
    const answers = Array.from({ length: 9 }, (_, i) => JSON.stringify(bruteForce(vectors.subarray(0, (1000 + 250 * i) * dim), ids.slice(0, 1000 + 250 * i), dim, q, 5).map((h) => h.id)))
    for (const r of await Promise.all(pending)) expect(answers).toContain(JSON.stringify(r.hits.map((h) => h.id)))
    const after = await index.search(q, 5)
    expect(after.hits[0]).toEqual({ id: 2500, score: expect.closeTo(1, 12) })
  })

  it('returns every window, sorted, when k exceeds the index size', async () => {
    const dim = 16
    const vectors = clustered(30, dim, 2)
    const ids = Array.from({ length: 30 }, (_, i) => 100 - i)
    const index = makeIndex({ dim, exact: 'memory', threads: 1 })
    index.add(ids, vectors)
    const r = await index.search(vectors.slice(0, dim), 1000)
    expect(r.hits.length).toBe(30)
    expectSameHits(r.hits, bruteForce(vectors, ids, dim, vectors.slice(0, dim), 1000))
  })

  it('breaks ties by ascending id and scores zero vectors 0', async () => {
    const dim = 8
    const v = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8])
    const vectors = new Float32Array(5 * dim)
    for (const i of [0, 1, 3]) vectors.set(v.map((x) => x * (i + 1)), i * dim) // same direction, different norms
    vectors.set(v.map((x, d) => (d % 2 ? -x : x)), 2 * dim)
    // row 4 stays all zeros
    const index = makeIndex({ dim, exact: 'memory', threads: 1 })
    index.add([50, 20, 10, 40, 30], vectors)
    const r = await index.search(v, 5)
    expect(r.hits.map((h) => h.id)).toEqual([20, 40, 50, 30, 10])
    expect(r.hits[0].score).toBeCloseTo(1, 12)
    expect(r.hits[3]).toEqual({ id: 30, score: 0 })
  })

  it('re-scores through a loader with only the candidates, matching memory mode', async () => {
    const dim = 40
    const n = 2000
    const vectors = clustered(n, dim, 13)
    const ids = Array.from({ length: n }, (_, i) => i * 2)
    const loaded: number[] = []
    const withLoader = makeIndex({
      dim,
      threads: 1,
      exact: (want) => {
        loaded.push(want.length)
        const out = new Float32Array(want.length * dim)
        want.forEach((id, i) => out.set(vectors.subarray((id / 2) * dim, (id / 2 + 1) * dim), i * dim))
        return out
      },
    })
    withLoader.add(ids, vectors)
    const inMemory = makeIndex({ dim, exact: 'memory', threads: 1 })
    inMemory.add(ids, vectors)
    const q = vectors.slice(5 * dim, 6 * dim)
    const a = await withLoader.search(q, 25)
    const b = await inMemory.search(q, 25)
    expect(a.hits).toEqual(b.hits)
    expect(loaded).toEqual([a.candidates])
  })

  it('reads float32 blobs from database rows, aligned or not', async () => {
    const dim = 12
    const vectors = clustered(10, dim, 4)
    const index = makeIndex({ dim, exact: 'memory', threads: 1 })
    const rows = Array.from({ length: 10 }, (_, i) => {
      const backing = new Uint8Array(dim * 4 + 1)
      backing.set(new Uint8Array(vectors.buffer, i * dim * 4, dim * 4), 1)
      return { id: i + 1, embedding: backing.subarray(1) } // odd byte offset
    })
    expect(index.addBlobs(rows)).toBe(10)
    const r = await index.searchByIds([4], 1)
    expect(r.hits[0]).toEqual({ id: 4, score: expect.closeTo(1, 12) })
    expect(() => index.addBlobs([{ id: 99, embedding: new Uint8Array(7) }])).toThrow(/99: embedding blob has 7 bytes, expected 48/)
  })

  it('refuses bad embeddings and duplicate ids without adding anything', async () => {
    const dim = 8
    const index = makeIndex({ dim, exact: 'memory', threads: 1, chunkRows: 64 })
    index.add([1, 2], new Float32Array(16).fill(1))
    const bad = new Float32Array(5000 * dim).fill(0.5)
    bad[4500 * dim + 3] = Number.NaN // in the second staging batch
    expect(() => index.add(Array.from({ length: 5000 }, (_, i) => 10 + i), bad)).toThrow(expect.objectContaining({ code: 'EMBEDDING_INVALID', message: expect.stringMatching(/window 4510/) }))
    expect(index.size).toBe(2)
    expect(index.has(10)).toBe(false)
    expect(() => index.add([2], new Float32Array(dim).fill(1))).toThrow(/already in the index/)
    expect(() => index.add([3, 3], new Float32Array(2 * dim).fill(1))).toThrow(/already in the index/)
    await expect(index.search(new Float32Array(dim), 1)).rejects.toMatchObject({ code: 'EMBEDDING_INVALID' })
    await expect(index.search(new Float32Array(3), 1)).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
    // the index still works
    index.add([3], Float32Array.from({ length: dim }, (_, d) => d))
    expect((await index.search(Float32Array.from({ length: dim }, (_, d) => d), 1)).hits[0].id).toBe(3)
  })
})

describe('EmbeddingIndex lifecycle', () => {
  it('rejects a search in flight when the index is disposed', async () => {
    const dim = 64
    const index = new EmbeddingIndex({ dim, exact: 'memory', threads: 1 })
    index.add(Array.from({ length: 20000 }, (_, i) => i), clustered(20000, dim, 3))
    const pending = index.search(new Float32Array(dim).fill(1), 3)
    index.dispose()
    await expect(pending).rejects.toMatchObject({ code: expect.stringMatching(/CANCELLED|INTERNAL/) })
  })
})

describe('KLargest', () => {
  it('tracks the k-th largest value of a stream', () => {
    const rng = new Prng(8)
    const values = Array.from({ length: 1000 }, () => rng.normal())
    const h = new KLargest(37)
    values.forEach((v, i) => {
      h.push(v)
      const sorted = values.slice(0, i + 1).sort((a, b) => b - a)
      expect(h.threshold).toBe(i + 1 < 37 ? -Infinity : sorted[36])
    })
  })
})
