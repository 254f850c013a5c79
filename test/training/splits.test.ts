import { describe, expect, it } from 'vitest'
import { assignSplits, type GroupStats } from '../../src-main/training/splits'
import { Prng } from '../../src-main/numeric/prng'

function groups(n: number, classes: number, seed = 3): GroupStats[] {
  const rng = new Prng(seed)
  return Array.from({ length: n }, (_, i) => ({
    key: `recording:${i + 1}`,
    examples: 20 + rng.nextInt(60),
    positives: Array.from({ length: classes }, (_, c) => (rng.nextFloat() < 0.5 - 0.1 * c ? 1 + rng.nextInt(10) : 0)),
  }))
}

describe('splitting groups into train, validation and test', () => {
  it('puts every group in exactly one split', () => {
    const g = groups(40, 3)
    const a = assignSplits(g, 3, { validation: 0.2, test: 0.1 }, 1)
    expect([...a.keys()].sort()).toEqual(g.map((x) => x.key).sort())
    for (const v of a.values()) expect(['train', 'validation', 'test']).toContain(v)
  })

  it('gives the same assignment for a seed and another one for another seed', () => {
    const g = groups(40, 3)
    const a = assignSplits(g, 3, { validation: 0.25, test: 0 }, 5)
    const b = assignSplits([...g].reverse(), 3, { validation: 0.25, test: 0 }, 5)
    const c = assignSplits(g, 3, { validation: 0.25, test: 0 }, 6)
    expect([...b.entries()].sort()).toEqual([...a.entries()].sort())
    expect([...c.entries()].sort()).not.toEqual([...a.entries()].sort())
  })

  it('holds out about the asked share of examples and of every class', () => {
    const g = groups(200, 3, 11)
    const a = assignSplits(g, 3, { validation: 0.25, test: 0 }, 2)
    const total = g.reduce((s, x) => s + x.examples, 0)
    const held = g.filter((x) => a.get(x.key) === 'validation')
    expect(held.reduce((s, x) => s + x.examples, 0) / total).toBeGreaterThan(0.18)
    expect(held.reduce((s, x) => s + x.examples, 0) / total).toBeLessThan(0.32)
    for (let c = 0; c < 3; c++) {
      const all = g.reduce((s, x) => s + x.positives[c], 0)
      const inVal = held.reduce((s, x) => s + x.positives[c], 0)
      expect(inVal / all).toBeGreaterThan(0.15)
      expect(inVal / all).toBeLessThan(0.35)
    }
    expect(g.some((x) => a.get(x.key) === 'test')).toBe(false)
  })

  it('places a class that only two groups have in both training and validation', () => {
    const g: GroupStats[] = [
      { key: 'a', examples: 50, positives: [5, 1] },
      { key: 'b', examples: 50, positives: [5, 0] },
      { key: 'c', examples: 50, positives: [5, 1] },
      { key: 'd', examples: 50, positives: [5, 0] },
    ]
    for (let seed = 0; seed < 10; seed++) {
      const a = assignSplits(g, 2, { validation: 0.25, test: 0 }, seed)
      expect(new Set([a.get('a'), a.get('c')])).toEqual(new Set(['train', 'validation']))
    }
  })

  it('keeps a single group for training, and gives an asked-for split a group when two or more exist', () => {
    expect([...assignSplits([{ key: 'only', examples: 9, positives: [1] }], 1, { validation: 0.5, test: 0 }, 1).values()]).toEqual(['train'])
    const two = assignSplits(
      [
        { key: 'x', examples: 100, positives: [0] },
        { key: 'y', examples: 5, positives: [0] },
      ],
      1,
      { validation: 0.01, test: 0 },
      1,
    )
    expect(new Set(two.values())).toEqual(new Set(['train', 'validation']))
  })
})
