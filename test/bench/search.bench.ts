// Search by example: exact cosine top-100 over 100k and 1M stored 768-d windows.
import { EmbeddingIndex } from '../../src-main/search/embedding-index'
import { Prng } from '../../src-main/numeric/prng'
import { timeIt, type BenchGroup, type BenchResult } from './harness'

const DIM = 768
const CLUSTERS = 64
const centres = (() => {
  const rng = new Prng(5)
  return Float32Array.from({ length: CLUSTERS * DIM }, () => rng.normal())
})()

/** Window `id`'s embedding, regenerated on demand: a cluster centre plus hashed noise (stands in for a database read). */
function fillVector(id: number, out: Float32Array, offset: number): void {
  let s = (Math.imul(id + 1, 0x9e3779b1) ^ 0x85ebca6b) | 1
  const c = (id % CLUSTERS) * DIM
  for (let d = 0; d < DIM; d++) {
    s ^= s << 13
    s ^= s >>> 17
    s ^= s << 5
    out[offset + d] = centres[c + d] + 1.2 * ((s >>> 0) / 4294967296 - 0.5)
  }
}

function buildIndex(n: number): { index: EmbeddingIndex; seconds: number } {
  const index = new EmbeddingIndex({
    dim: DIM,
    exact: (ids) => {
      const out = new Float32Array(ids.length * DIM)
      ids.forEach((id, i) => fillVector(id, out, i * DIM))
      return out
    },
  })
  const batch = 16384
  const vectors = new Float32Array(batch * DIM)
  const ids = new Int32Array(batch)
  let seconds = 0
  for (let start = 0; start < n; start += batch) {
    const rows = Math.min(batch, n - start)
    for (let i = 0; i < rows; i++) {
      ids[i] = start + i
      fillVector(start + i, vectors, i * DIM)
    }
    const t0 = performance.now()
    index.add(ids.subarray(0, rows), vectors.subarray(0, rows * DIM))
    seconds += (performance.now() - t0) / 1000
  }
  return { index, seconds }
}

async function measure(n: number): Promise<BenchResult> {
  const { index, seconds } = buildIndex(n)
  try {
    const rng = new Prng(n)
    const query = new Float32Array(DIM)
    let candidates = 0
    let runs = 0
    const t = await timeIt(
      async () => {
        fillVector(rng.nextInt(n), query, 0)
        for (let d = 0; d < DIM; d++) query[d] += 0.3 * rng.normal()
        const r = await index.search(query, 100)
        if (!r.exact || r.hits.length !== 100) throw new Error('search returned an inexact or short result')
        candidates += r.candidates
        runs++
      },
      { minRuns: 15, minSeconds: 2, warmup: 2 },
    )
    const mb = index.bytes / 2 ** 20
    return {
      value: t.median * 1000,
      unit: 'ms',
      note: `best ${(t.best * 1000).toFixed(0)} ms; ${Math.round(candidates / runs)} rows re-scored exactly per query; index ${mb.toFixed(0)} MiB, built in ${seconds.toFixed(1)} s`,
    }
  } finally {
    index.dispose()
  }
}

export default async function search(): Promise<BenchGroup[]> {
  return [
    {
      title: 'Search by example: exact cosine top-100, 768-d (int8 scan on helper threads + float64 re-scoring)',
      target: '≤ 300 ms per query at 1M windows on 2 cores',
      cases: [
        { name: '100k windows', baseline: true, run: () => measure(100_000) },
        { name: '1M windows', run: () => measure(1_000_000) },
      ],
    },
  ]
}
