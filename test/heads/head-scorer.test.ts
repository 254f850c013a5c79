import { describe, expect, it } from 'vitest'
import { HeadScorer, scoreHead } from '../../src-main/heads/head-scorer'
import { Rescorer } from '../../src-main/heads/rescore'
import { decodeHead, encodeF32, type DecodedHead, type TrainedHead } from '../../src-main/heads/trained-head'
import { Prng } from '../../src-main/numeric/prng'
import { refScore } from './reference'

function randomHead(rng: Prng, opts: { kind: 'linear' | 'mlp'; task: 'multi-label' | 'multi-class'; dim: number; classes: number; hidden?: number; activation?: 'relu' | 'gelu' }): TrainedHead {
  const shapes = opts.kind === 'linear' ? [[opts.dim, opts.classes]] : [[opts.dim, opts.hidden ?? 7], [opts.hidden ?? 7, opts.classes]]
  const f = (n: number, s: number, o = 0): Float32Array => Float32Array.from({ length: n }, () => o + s * rng.normal())
  return {
    format: 'openbeats-head',
    version: 1,
    kind: opts.kind,
    task: opts.task,
    dim: opts.dim,
    classes: opts.classes,
    ...(opts.kind === 'mlp' ? { activation: opts.activation ?? 'relu' } : {}),
    inputMean: encodeF32(f(opts.dim, 0.5)),
    inputStd: encodeF32(Float32Array.from({ length: opts.dim }, () => 0.5 + rng.nextFloat())),
    layers: shapes.map(([i, o]) => ({ inputs: i, outputs: o, weights: encodeF32(f(i * o, 0.4)), bias: encodeF32(f(o, 0.2)) })),
  }
}

describe('HeadScorer', () => {
  const rng = new Prng(31)
  const dim = 30
  const heads = [
    randomHead(rng, { kind: 'linear', task: 'multi-label', dim, classes: 5 }),
    randomHead(rng, { kind: 'mlp', task: 'multi-class', dim, classes: 3, hidden: 9, activation: 'gelu' }),
    randomHead(rng, { kind: 'linear', task: 'multi-class', dim, classes: 2 }),
    randomHead(rng, { kind: 'mlp', task: 'multi-label', dim, classes: 6, hidden: 12, activation: 'relu' }),
  ]
  const decoded: DecodedHead[] = heads.map(decodeHead)
  const n = 150
  const x = Float32Array.from({ length: n * dim }, () => rng.normal())

  it('matches a float64 reference for mixed heads, in head and class order', () => {
    const scorer = new HeadScorer(heads, { threads: 2, maxBatch: 64 })
    try {
      expect(scorer.outputs).toBe(16)
      expect(scorer.offsets).toEqual([0, 5, 8, 10])
      const p = scorer.score(x, n)
      for (let i = 0; i < n; i++) {
        const want = decoded.flatMap((h) => refScore(h, x.subarray(i * dim, (i + 1) * dim)))
        for (let c = 0; c < 16; c++) expect(Math.abs(p[i * 16 + c] - want[c])).toBeLessThan(2e-6)
      }
      // zero-copy input gives the same numbers
      scorer.input(10).set(x.subarray(0, 10 * dim))
      expect(Array.from(scorer.scoreInput(10))).toEqual(Array.from(p.subarray(0, 160)))
    } finally {
      scorer.dispose()
    }
  })

  it('scores a single head the same way alone (scoreHead) as in a set', () => {
    const alone = scoreHead(heads[3], x, n)
    const set = new HeadScorer(heads, { threads: 1 })
    try {
      const all = set.score(x, n)
      for (let i = 0; i < n; i++) for (let c = 0; c < 6; c++) expect(alone[i * 6 + c]).toBeCloseTo(all[i * 16 + 10 + c], 6)
    } finally {
      set.dispose()
    }
  })

  it('refuses heads of different embedding sizes and oversized batches', () => {
    expect(() => new HeadScorer([heads[0], randomHead(rng, { kind: 'linear', task: 'multi-label', dim: 8, classes: 1 })])).toThrow(/takes 8-d/)
    const s = new HeadScorer([heads[0]], { threads: 1, maxBatch: 4 })
    try {
      expect(() => s.input(5)).toThrow(/at most 4/)
    } finally {
      s.dispose()
    }
  })
})

describe('Rescorer', () => {
  it('scores, thresholds and merges windows into events', () => {
    const rng = new Prng(2)
    const dim = 16
    const head = randomHead(rng, { kind: 'linear', task: 'multi-label', dim, classes: 2 })
    const n = 40
    const x = Float32Array.from({ length: n * dim }, () => rng.normal())
    const times = { recording: Array.from({ length: n }, (_, i) => (i < 20 ? 1 : 2)), start: Array.from({ length: n }, (_, i) => (i % 20) * 0.5), end: Array.from({ length: n }, (_, i) => (i % 20) * 0.5 + 1) }
    const r = new Rescorer([head], { thresholds: [0.5, Infinity], events: { maxGap: 0, minDuration: 0, score: 'max' }, threads: 1, maxBatch: 16 })
    try {
      const a = r.process(x.subarray(0, 25 * dim), 25, { recording: times.recording.slice(0, 25), start: times.start.slice(0, 25), end: times.end.slice(0, 25) })
      const b = r.process(x.subarray(25 * dim), 15, { recording: times.recording.slice(25), start: times.start.slice(25), end: times.end.slice(25) })
      const tail = r.flush()
      const p = scoreHead(head, x, n)
      const expectedDets = Array.from({ length: n }, (_, i) => i).filter((i) => p[i * 2] >= 0.5)
      expect([...a.detections.map((d) => d.row), ...b.detections.map((d) => 25 + d.row)]).toEqual(expectedDets)
      expect([...a.detections, ...b.detections].every((d) => d.label === 0)).toBe(true)
      const events = [...a.events, ...b.events, ...tail]
      // every detection lies in exactly one event of its recording, and event windows add up
      expect(events.reduce((s, e) => s + e.windows, 0)).toBe(expectedDets.length)
      for (const i of expectedDets) {
        expect(events.filter((e) => e.recording === times.recording[i] && e.start <= times.start[i] && times.end[i] <= e.end).length).toBe(1)
      }
    } finally {
      r.dispose()
    }
    expect(() => new Rescorer([head], { thresholds: [0.5], events: { maxGap: 0, minDuration: 0, score: 'max' } })).toThrow(/1 thresholds for 2 labels/)
  })
})
