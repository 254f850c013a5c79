import { describe, expect, it } from 'vitest'
import { EventMerger, detectionsAbove, mergeDetections, type EventRule } from '../../src-main/heads/detection-events'
import { Prng } from '../../src-main/numeric/prng'

const W = [
  { start: 0, end: 1, score: 0.9 },
  { start: 0.5, end: 1.5, score: 0.8 },
  { start: 3, end: 4, score: 0.7 },
]

describe('mergeDetections', () => {
  it('merges overlapping windows and splits at gaps over maxGap', () => {
    const rule: EventRule = { maxGap: 1, minDuration: 0, score: 'max' }
    // gap 0.5 − 1 < 0 merges; 3 − 1.5 = 1.5 > 1 splits
    expect(mergeDetections(W, rule)).toEqual([
      { start: 0, end: 1.5, score: 0.9, windows: 2 },
      { start: 3, end: 4, score: 0.7, windows: 1 },
    ])
    expect(mergeDetections(W, { ...rule, maxGap: 1.5, score: 'mean' })).toEqual([{ start: 0, end: 4, score: expect.closeTo(0.8, 12), windows: 3 }])
  })

  it('drops events shorter than minDuration', () => {
    expect(mergeDetections(W, { maxGap: 1, minDuration: 1.2, score: 'max' })).toEqual([{ start: 0, end: 1.5, score: 0.9, windows: 2 }])
  })

  it('refuses windows out of time order', () => {
    expect(() => mergeDetections([W[1], W[0]], { maxGap: 1, minDuration: 0, score: 'max' })).toThrow(/time order/)
  })
})

describe('detectionsAbove', () => {
  it('keeps scores at or above each label threshold', () => {
    const scores = [0.5, 0.2, 0.49, 0.9]
    expect(detectionsAbove(scores, 2, 2, [0.5, 0.3])).toEqual([
      { row: 0, label: 0, score: 0.5 },
      { row: 1, label: 1, score: 0.9 },
    ])
  })
})

describe('EventMerger', () => {
  it('gives the same events as mergeDetections however the stream is batched', () => {
    const rng = new Prng(3)
    const labels = 3
    const thresholds = [0.5, 0.7, 0.9]
    const rule: EventRule = { maxGap: 0.6, minDuration: 0.4, score: 'mean' }
    // 3 recordings of overlapping 1 s windows with a 0.5 s hop
    const rec: number[] = []
    const start: number[] = []
    const end: number[] = []
    const scores: number[] = []
    for (const r of [12, 5, 40]) {
      for (let w = 0; w < 200; w++) {
        rec.push(r)
        start.push(w * 0.5)
        end.push(w * 0.5 + 1)
        for (let c = 0; c < labels; c++) scores.push(rng.nextFloat())
      }
    }
    const expected = []
    for (const r of [12, 5, 40]) {
      for (let c = 0; c < labels; c++) {
        const dets = rec.flatMap((rr, i) => (rr === r && scores[i * labels + c] >= thresholds[c] ? [{ start: start[i], end: end[i], score: scores[i * labels + c] }] : []))
        expected.push(...mergeDetections(dets, rule).map((e) => ({ recording: r, label: c, ...e })))
      }
    }
    const key = (e: { recording: number; label: number; start: number }): string => `${e.recording}/${e.label}/${e.start}`
    for (const batch of [1, 7, 256, 600]) {
      const m = new EventMerger(labels, thresholds, rule)
      const got = []
      for (let s = 0; s < rec.length; s += batch) {
        const e = Math.min(rec.length, s + batch)
        got.push(...m.push(scores.slice(s * labels, e * labels), { recording: rec.slice(s, e), start: start.slice(s, e), end: end.slice(s, e) }))
      }
      got.push(...m.flush())
      expect(got.map(key).sort()).toEqual(expected.map(key).sort())
      const byKey = new Map(expected.map((e) => [key(e), e]))
      for (const g of got) {
        const w = byKey.get(key(g))
        expect(g).toEqual({ ...w, score: expect.closeTo(w?.score ?? NaN, 12) })
      }
    }
  })

  it('closes events at a recording change and refuses a recording that comes back or goes backwards in time', () => {
    const m = new EventMerger(1, [0.5], { maxGap: 10, minDuration: 0, score: 'max' })
    expect(m.push([0.9], { recording: [1], start: [0], end: [1] })).toEqual([])
    expect(m.push([0.8], { recording: [2], start: [0.5], end: [1.5] })).toEqual([{ recording: 1, label: 0, start: 0, end: 1, score: 0.9, windows: 1 }])
    expect(() => m.push([0.1], { recording: [2], start: [0.2], end: [1.2] })).toThrow(/time order/)
    expect(() => new EventMerger(1, [0.5], { maxGap: 1, minDuration: 0, score: 'max' }).push([0.1, 0.1, 0.1], { recording: [1, 2, 1], start: [0, 0, 1], end: [1, 1, 2] })).toThrow(/not contiguous/)
  })
})
