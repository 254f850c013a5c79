// Active learning: which unreviewed windows a reviewer should label next.
//
// 1. Uncertainty per window from the head's probabilities: multi-label takes the class whose
//    probability is closest to 0.5, u = 1 − |2p − 1|; multi-class takes the margin between the two
//    most probable classes, u = 1 − (p₁ − p₂). u = 1 is most uncertain.
// 2. The `pool` most uncertain windows not yet reviewed (ties by id).
// 3. Diversity: greedy max–min cosine distance over their embeddings — start from the most
//    uncertain, then repeatedly take the window farthest from everything taken (ties: more
//    uncertain, then lower id). Deterministic; reviewed windows are never candidates.

import { AppError } from '../errors'
import type { HeadTask } from './head-loss'

export interface ReviewCandidates {
  task: HeadTask
  /** n × classes probabilities of the candidate windows. */
  scores: Float32Array
  classes: number
  /** n × dim embeddings of the same windows. */
  embeddings: Float32Array
  dim: number
  /** Window ids, n of them. */
  ids: ArrayLike<number>
  isReviewed: (id: number) => boolean
  /** Only these classes count towards uncertainty (default: all). */
  classesOfInterest?: readonly number[]
}

export interface ProposeOptions {
  k: number
  /** Most-uncertain windows considered for diversity (default max(10·k, 200)). */
  pool?: number
  /** 'none' returns the k most uncertain as they rank (default 'max-min'). */
  diversity?: 'max-min' | 'none'
}

export interface ReviewProposal {
  id: number
  /** In [0, 1]; 1 is most uncertain. */
  uncertainty: number
  /** The class that made the window uncertain (multi-class: the most probable class). */
  class: number
}

export function proposeForReview(c: ReviewCandidates, opts: ProposeOptions): ReviewProposal[] {
  const n = c.ids.length
  if (c.scores.length !== n * c.classes) throw new AppError('INVALID_REQUEST', `review candidates: ${c.scores.length} scores for ${n} windows × ${c.classes} classes`)
  if (c.embeddings.length !== n * c.dim) throw new AppError('INVALID_REQUEST', `review candidates: ${c.embeddings.length} embedding values for ${n} windows × ${c.dim}`)
  if (!(Number.isInteger(opts.k) && opts.k >= 0)) throw new AppError('INVALID_REQUEST', `k must be a non-negative integer, got ${opts.k}`)
  const classes = c.classesOfInterest ?? Array.from({ length: c.classes }, (_, i) => i)
  for (const cl of classes) if (!(Number.isInteger(cl) && cl >= 0 && cl < c.classes)) throw new AppError('INVALID_REQUEST', `class ${cl} is not one of the head's ${c.classes}`)

  const ranked: ReviewProposal[] = []
  const rowOf = new Map<number, number>()
  for (let i = 0; i < n; i++) {
    const id = c.ids[i]
    if (c.isReviewed(id)) continue
    ranked.push({ id, ...uncertaintyOf(c, i, classes) })
    rowOf.set(id, i)
  }
  ranked.sort((a, b) => b.uncertainty - a.uncertainty || a.id - b.id)
  const pool = ranked.slice(0, Math.max(opts.k, opts.pool ?? Math.max(10 * opts.k, 200)))
  if ((opts.diversity ?? 'max-min') === 'none' || pool.length <= opts.k) return pool.slice(0, opts.k)

  // unit embeddings of the pool, float64
  const dim = c.dim
  const unit = new Float64Array(pool.length * dim)
  pool.forEach((p, j) => {
    const o = (rowOf.get(p.id) as number) * dim
    let ss = 0
    for (let d = 0; d < dim; d++) ss += c.embeddings[o + d] ** 2
    const inv = ss > 0 ? 1 / Math.sqrt(ss) : 0
    for (let d = 0; d < dim; d++) unit[j * dim + d] = c.embeddings[o + d] * inv
  })
  const minDist = new Float64Array(pool.length).fill(Infinity)
  const taken = new Uint8Array(pool.length)
  const out: ReviewProposal[] = []
  let next = 0 // the most uncertain
  while (out.length < opts.k) {
    taken[next] = 1
    out.push(pool[next])
    let best = -1
    for (let j = 0; j < pool.length; j++) {
      if (taken[j]) continue
      let dot = 0
      for (let d = 0; d < dim; d++) dot += unit[next * dim + d] * unit[j * dim + d]
      minDist[j] = Math.min(minDist[j], 1 - dot)
      // pool is sorted by uncertainty, so the first of equal distances is the more uncertain
      if (best < 0 || minDist[j] > minDist[best]) best = j
    }
    if (best < 0) break
    next = best
  }
  return out
}

function uncertaintyOf(c: ReviewCandidates, row: number, classes: readonly number[]): { uncertainty: number; class: number } {
  const o = row * c.classes
  if (c.task === 'multi-label') {
    let best = { uncertainty: -1, class: classes[0] ?? 0 }
    for (const cl of classes) {
      const u = 1 - Math.abs(2 * c.scores[o + cl] - 1)
      if (u > best.uncertainty) best = { uncertainty: u, class: cl }
    }
    return best
  }
  let p1 = -Infinity
  let p2 = -Infinity
  let top = classes[0] ?? 0
  for (const cl of classes) {
    const p = c.scores[o + cl]
    if (p > p1) {
      p2 = p1
      p1 = p
      top = cl
    } else if (p > p2) {
      p2 = p
    }
  }
  return { uncertainty: classes.length < 2 ? 0 : 1 - (p1 - p2), class: top }
}
