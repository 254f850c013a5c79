// Benchmark harness for `npm run bench`. Each `*.bench.ts` file in this folder default-exports an
// async function returning benchmark groups; every group prints as one table in which each case's
// figure is divided by the group's baseline case, measured in the same process.

export interface BenchResult {
  value: number
  unit: string
  note?: string
}

export interface BenchCase {
  name: string
  /** The case the others are divided by (one per group; the first case when none is marked). */
  baseline?: boolean
  run: () => Promise<BenchResult>
}

export interface BenchGroup {
  title: string
  /** What we aim for, printed under the table (e.g. "≥ 15 audio-s/s"). */
  target?: string
  cases: BenchCase[]
}

export type BenchFile = () => Promise<BenchGroup[]>

export interface Timing {
  best: number
  median: number
  runs: number
}

/** Runs fn until minSeconds have passed and at least minRuns runs are done; seconds per run. */
export async function timeIt(fn: () => unknown | Promise<unknown>, opts: { minRuns?: number; minSeconds?: number; warmup?: number } = {}): Promise<Timing> {
  const minRuns = opts.minRuns ?? 3
  const minSeconds = opts.minSeconds ?? 1
  for (let i = 0; i < (opts.warmup ?? 1); i++) await fn()
  const times: number[] = []
  const start = performance.now()
  while (times.length < minRuns || (performance.now() - start) / 1000 < minSeconds) {
    const t0 = performance.now()
    await fn()
    times.push((performance.now() - t0) / 1000)
    if (times.length >= 1000) break
  }
  times.sort((a, b) => a - b)
  return { best: times[0], median: times[Math.floor(times.length / 2)], runs: times.length }
}

export function formatTable(group: BenchGroup, results: BenchResult[]): string {
  const baseIdx = Math.max(0, group.cases.findIndex((c) => c.baseline))
  const base = results[baseIdx]
  const rows = group.cases.map((c, i) => {
    const r = results[i]
    const ratio = base && base.value !== 0 && Number.isFinite(r.value) ? (r.value / base.value).toFixed(2) + '×' : '—'
    const v = Number.isFinite(r.value) ? (Math.abs(r.value) >= 100 ? r.value.toFixed(0) : r.value.toPrecision(3)) : 'n/a'
    return `| ${c.name}${i === baseIdx ? ' (baseline)' : ''} | ${v} | ${r.unit} | ${ratio} | ${r.note ?? ''} |`
  })
  return [
    `### ${group.title}`,
    '',
    '| case | value | unit | ratio to baseline | note |',
    '|---|---|---|---|---|',
    ...rows,
    ...(group.target ? ['', `Target: ${group.target}`] : []),
    '',
  ].join('\n')
}
