import { describe, expect, it } from 'vitest'
import { averagePrecision, calibrateThreshold, evaluateHead, metricsAtThreshold, prCurve, rocAuc, scoreGroups } from '../../src-main/heads/metrics'
import { Prng } from '../../src-main/numeric/prng'

// Ranking 0.9+ 0.8− 0.7+ 0.6− 0.5+
const S = [0.9, 0.8, 0.7, 0.6, 0.5]
const L = [1, 0, 1, 0, 1]

describe('metrics on hand-computed cases', () => {
  it('AP is the mean precision at each positive: (1/1 + 2/3 + 3/5) / 3 = 34/45', () => {
    expect(averagePrecision(scoreGroups(S, L))).toBeCloseTo(34 / 45, 12)
  })

  it('ROC-AUC counts positive-above-negative pairs: 3 of 6 = 0.5', () => {
    // 0.9 beats both negatives, 0.7 beats 0.6, 0.5 beats none
    expect(rocAuc(scoreGroups(S, L))).toBe(0.5)
  })

  it('tied scores enter together: AP = (1·1/3 + 1·2/4)/2 = 5/12, AUC = (0.5 + 0.5)/4 = 0.25', () => {
    const g = scoreGroups([0.8, 0.8, 0.8, 0.2], [1, 0, 0, 1])
    expect(averagePrecision(g)).toBeCloseTo(5 / 12, 12)
    expect(rocAuc(g)).toBe(0.25)
  })

  it('precision, recall and F1 at a threshold (score ≥ t is positive)', () => {
    // t = 0.65 admits 0.9+, 0.8−, 0.7+: tp 2, fp 1, fn 1
    expect(metricsAtThreshold(scoreGroups(S, L), 0.65)).toEqual({ threshold: 0.65, tp: 2, fp: 1, fn: 1, precision: 2 / 3, recall: 2 / 3, f1: 4 / 6 })
    // t = 0.7 admits the 0.7 score itself
    expect(metricsAtThreshold(scoreGroups(S, L), 0.7).tp).toBe(2)
    // nothing predicted: precision undefined, F1 = 0 as there are positives
    expect(metricsAtThreshold(scoreGroups(S, L), 0.95)).toMatchObject({ tp: 0, fp: 0, precision: null, recall: 0, f1: 0 })
  })

  it('calibrates the lowest threshold reaching a target precision, and says when none does', () => {
    // precision by threshold: 0.9→1, 0.8→1/2, 0.7→2/3, 0.6→2/4, 0.5→3/5
    const g = scoreGroups(S, L)
    expect(calibrateThreshold(g, 0.6)).toEqual({ targetPrecision: 0.6, reached: true, threshold: 0.5, precision: 0.6, recall: 1 })
    expect(calibrateThreshold(g, 0.7)).toEqual({ targetPrecision: 0.7, reached: true, threshold: 0.9, precision: 1, recall: 1 / 3 })
    const never = calibrateThreshold(scoreGroups([0.9, 0.8, 0.7], [0, 1, 0]), 0.9)
    expect(never).toEqual({ targetPrecision: 0.9, reached: false, threshold: 0.8, precision: 0.5, recall: 1 })
    expect(calibrateThreshold(scoreGroups([0.3, 0.2], [0, 0]), 0.5)).toEqual({ targetPrecision: 0.5, reached: false, threshold: null, precision: null, recall: null })
  })

  it('gives null AP/AUC without positives and leaves such classes out of mAP', () => {
    // class 0: the 5-example ranking above; class 1: no positives; class 2: the tie case padded
    const scores: number[] = []
    const targets: number[] = []
    const c2s = [0.8, 0.8, 0.8, 0.2, 0.1]
    const c2l = [1, 0, 0, 1, 0]
    for (let i = 0; i < 5; i++) {
      scores.push(S[i], 0.5, c2s[i])
      targets.push(L[i], 0, c2l[i])
    }
    const ev = evaluateHead('multi-label', scores, targets, 5, 3, { curvePoints: 0 })
    expect(ev.perClass[1].ap).toBeNull()
    expect(ev.perClass[1].auc).toBeNull()
    expect(ev.excludedFromMap).toEqual([1])
    // class 2: groups 0.8 (1 of 3 positive) → 1/3, then 0.2+ → 2/4: AP = 5/12
    expect(ev.perClass[2].ap).toBeCloseTo(5 / 12, 12)
    expect(ev.mAP).toBeCloseTo((34 / 45 + 5 / 12) / 2, 12)
    expect(ev.perClass[0].curve).toBeUndefined()
  })

  it('builds the multi-class confusion matrix from argmax, lowest index on ties', () => {
    const targets = [1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0]
    const scores = [0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 0.3, 0.3, 0.4, 0.4, 0.4, 0.2]
    const ev = evaluateHead('multi-class', scores, targets, 4, 3, { curvePoints: 0 })
    expect(ev.confusion).toEqual([
      [1, 0, 0],
      [1, 0, 1],
      [0, 0, 1],
    ])
    expect(ev.accuracy).toBe(0.5)
  })
})

describe('metrics against brute-force definitions', () => {
  it('AP and AUC match per-positive and per-pair brute force on data with many ties', () => {
    const rng = new Prng(21)
    for (let trial = 0; trial < 5; trial++) {
      const n = 300
      const s = Array.from({ length: n }, () => Math.floor(rng.nextFloat() * 20) / 20)
      const l = s.map((v) => (rng.nextFloat() < 0.2 + 0.6 * v ? 1 : 0))
      const pos = s.filter((_, i) => l[i] === 1)
      const neg = s.filter((_, i) => l[i] === 0)
      // AP: mean over positives of precision among all examples scoring ≥ that positive
      const ap = pos.reduce((acc, t) => acc + pos.filter((v) => v >= t).length / s.filter((v) => v >= t).length, 0) / pos.length
      let pairs = 0
      for (const p of pos) for (const q of neg) pairs += p > q ? 1 : p === q ? 0.5 : 0
      const g = scoreGroups(s, l)
      expect(averagePrecision(g)).toBeCloseTo(ap, 12)
      expect(rocAuc(g)).toBeCloseTo(pairs / (pos.length * neg.length), 12)
    }
  })

  it('thins PR curves to at most 200 points keeping both ends', () => {
    const n = 1000
    const s = Array.from({ length: n }, (_, i) => 1 - i / n)
    const l = s.map((_, i) => (i % 3 === 0 ? 1 : 0))
    const curve = prCurve(scoreGroups(s, l), 200)
    expect(curve.thresholds.length).toBe(200)
    expect(curve.thresholds[0]).toBe(1)
    expect(curve.thresholds[199]).toBe(s[n - 1])
    expect(curve.recall[199]).toBe(1)
    expect(curve.precision[0]).toBe(1)
    for (let i = 1; i < 200; i++) expect(curve.thresholds[i]).toBeLessThan(curve.thresholds[i - 1])
    expect(prCurve(scoreGroups([0.4, 0.3], [1, 0])).thresholds).toEqual([0.4, 0.3])
  })
})
