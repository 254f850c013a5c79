import { describe, expect, it } from 'vitest'
import { proposeForReview, type ReviewCandidates } from '../../src-main/heads/active'
import { Prng } from '../../src-main/numeric/prng'

function candidates(n: number, classes: number, dim: number, seed: number, task: ReviewCandidates['task'] = 'multi-label'): ReviewCandidates & { reviewed: Set<number> } {
  const rng = new Prng(seed)
  const scores = Float32Array.from({ length: n * classes }, () => rng.nextFloat())
  if (task === 'multi-class') {
    for (let i = 0; i < n; i++) {
      let s = 0
      for (let c = 0; c < classes; c++) s += scores[i * classes + c]
      for (let c = 0; c < classes; c++) scores[i * classes + c] /= s
    }
  }
  const reviewed = new Set<number>()
  const ids = Array.from({ length: n }, (_, i) => 1000 + i)
  for (const id of ids) if (rng.nextFloat() < 0.5) reviewed.add(id)
  return {
    task,
    scores,
    classes,
    embeddings: Float32Array.from({ length: n * dim }, () => rng.normal()),
    dim,
    ids,
    isReviewed: (id) => reviewed.has(id),
    reviewed,
  }
}

describe('proposeForReview', () => {
  it('never proposes a reviewed window, whatever the data', () => {
    for (let seed = 0; seed < 20; seed++) {
      const task = seed % 2 ? 'multi-class' : 'multi-label'
      const c = candidates(300, 4, 8, seed, task)
      const out = proposeForReview(c, { k: 40, pool: 120 })
      expect(out.length).toBe(40)
      for (const p of out) expect(c.reviewed.has(p.id)).toBe(false)
      expect(new Set(out.map((p) => p.id)).size).toBe(40)
    }
    // everything reviewed: nothing to propose
    const c = candidates(50, 2, 4, 1)
    expect(proposeForReview({ ...c, isReviewed: () => true }, { k: 5 })).toEqual([])
  })

  it('ranks multi-label windows by closeness to 0.5 of their most uncertain class', () => {
    const scores = Float32Array.from([0.9, 0.05, 0.45, 0.99, 0.2, 0.7, 0.5, 0.0])
    const out = proposeForReview(
      { task: 'multi-label', scores, classes: 2, embeddings: new Float32Array(8), dim: 2, ids: [1, 2, 3, 4], isReviewed: () => false },
      { k: 4, diversity: 'none' },
    )
    // u = 1 − |2p − 1|: window 4 → 1 (p 0.5, class 0); 2 → 0.9 (0.45); 3 → 0.6 (0.7, class 1); 1 → 0.2 (0.9)
    expect(out.map((p) => [p.id, p.class])).toEqual([[4, 0], [2, 0], [3, 1], [1, 0]])
    expect(out.map((p) => p.uncertainty)).toEqual([1, expect.closeTo(0.9, 6), expect.closeTo(0.6, 6), expect.closeTo(0.2, 6)])
  })

  it('ranks multi-class windows by the margin of their top two classes', () => {
    const scores = Float32Array.from([0.5, 0.4, 0.1, 0.8, 0.1, 0.1, 0.34, 0.33, 0.33])
    const out = proposeForReview(
      { task: 'multi-class', scores, classes: 3, embeddings: new Float32Array(6), dim: 2, ids: [7, 8, 9], isReviewed: () => false },
      { k: 3, diversity: 'none' },
    )
    expect(out.map((p) => p.id)).toEqual([9, 7, 8])
    expect(out[1].uncertainty).toBeCloseTo(0.9, 6)
    expect(out[1].class).toBe(0)
  })

  it('spreads proposals over distinct regions of embedding space', () => {
    // cluster A (ids 0..9) slightly more uncertain than cluster B (ids 10..19), far apart
    const n = 20
    const dim = 3
    const scores = Float32Array.from({ length: n }, (_, i) => (i < 10 ? 0.5 + i * 0.001 : 0.55 + (i - 10) * 0.001))
    const embeddings = new Float32Array(n * dim)
    for (let i = 0; i < n; i++) embeddings.set(i < 10 ? [1, 0.01 * i, 0] : [0, 0.01 * i, 1], i * dim)
    const c: ReviewCandidates = { task: 'multi-label', scores, classes: 1, embeddings, dim, ids: Array.from({ length: n }, (_, i) => i), isReviewed: () => false }
    expect(proposeForReview(c, { k: 2, diversity: 'none' }).map((p) => p.id)).toEqual([0, 1])
    // every B window is equally far from A (cosine 0): the most uncertain of them, id 10, wins
    expect(proposeForReview(c, { k: 2 }).map((p) => p.id)).toEqual([0, 10])
    expect(proposeForReview(c, { k: 3 }).map((p) => p.id)).toEqual([0, 10, 9])
    expect(proposeForReview(c, { k: 2 })).toEqual(proposeForReview(c, { k: 2 }))
  })

  it('counts only the classes of interest', () => {
    const scores = Float32Array.from([0.5, 0.99, 0.99, 0.6])
    const c: ReviewCandidates = { task: 'multi-label', scores, classes: 2, embeddings: new Float32Array(4), dim: 2, ids: [1, 2], isReviewed: () => false, classesOfInterest: [1] }
    expect(proposeForReview(c, { k: 1 }).map((p) => p.id)).toEqual([2])
  })
})
