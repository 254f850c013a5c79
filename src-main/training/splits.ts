// Assigns whole groups (recordings, sites or days) to train / validation / test, so no window of a
// group lands in two splits. Iterative stratification over groups (after Sechidis et al. 2011):
// the class with the fewest positives left is placed first, each of its groups going to the split
// that still lacks the largest share of its target for that class, then the groups without
// positives fill the example counts.
// Groups are visited in a seeded random order, so a seed gives one assignment.
import type { SplitName } from '../../src-shared/contracts'
import { Prng } from '../numeric/prng'

export interface GroupStats {
  key: string
  examples: number
  /** Positive windows per class. */
  positives: readonly number[]
}

export interface SplitShares {
  validation: number
  test: number
}

const SPLITS: readonly SplitName[] = ['train', 'validation', 'test']

export function assignSplits(groups: readonly GroupStats[], classes: number, shares: SplitShares, seed: number): Map<string, SplitName> {
  const out = new Map<string, SplitName>()
  if (groups.length === 0) return out
  const share = [Math.max(0, 1 - shares.validation - shares.test), shares.validation, shares.test]
  const order = [...groups].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  const perm = new Prng(seed).shuffle(Int32Array.from(order.keys()))
  const visit = Array.from(perm, (i) => order[i])
  if (groups.length === 1 || share[0] >= 1) {
    for (const g of visit) out.set(g.key, 'train')
    return out
  }

  const totalExamples = visit.reduce((s, g) => s + g.examples, 0)
  const wantExamples = share.map((f) => f * totalExamples)
  const totals = Array.from({ length: classes }, (_, c) => visit.reduce((s, g) => s + g.positives[c], 0))
  const want = share.map((f) => totals.map((t) => f * t))
  const left = [...totals]
  const place = (g: GroupStats, s: number): void => {
    out.set(g.key, SPLITS[s])
    wantExamples[s] -= g.examples
    for (let c = 0; c < classes; c++) {
      want[s][c] -= g.positives[c]
      left[c] -= g.positives[c]
    }
  }
  const bestSplit = (score: (s: number) => number): number => {
    let best = -1
    for (let s = 0; s < 3; s++) {
      if (share[s] <= 0) continue
      if (best < 0 || score(s) > score(best) || (score(s) === score(best) && wantExamples[s] > wantExamples[best])) best = s
    }
    return best
  }

  for (;;) {
    let rarest = -1
    for (let c = 0; c < classes; c++) if (left[c] > 0 && (rarest < 0 || left[c] < left[rarest])) rarest = c
    if (rarest < 0) break
    for (const g of visit) {
      if (out.has(g.key) || g.positives[rarest] === 0) continue
      // Relative need, so a class with few groups reaches the small splits too.
      place(g, bestSplit((s) => want[s][rarest] / (share[s] * totals[rarest])))
    }
  }
  for (const g of visit) if (!out.has(g.key)) place(g, bestSplit((s) => wantExamples[s]))

  // A split that was asked for but got nothing takes the smallest training group, while training keeps one.
  for (let s = 1; s < 3; s++) {
    if (share[s] <= 0 || visit.some((g) => out.get(g.key) === SPLITS[s])) continue
    const train = visit.filter((g) => out.get(g.key) === 'train').sort((a, b) => a.examples - b.examples || (a.key < b.key ? -1 : 1))
    if (train.length >= 2) out.set(train[0].key, SPLITS[s])
  }
  return out
}
