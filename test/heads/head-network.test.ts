import { afterAll, describe, expect, it } from 'vitest'
import { HeadLoss, type HeadTask } from '../../src-main/heads/head-loss'
import { HeadNetwork } from '../../src-main/heads/head-network'
import type { DecodedLayer, HeadActivation, HeadKind } from '../../src-main/heads/trained-head'
import { ComputeContext } from '../../src-main/numeric/compute-context'
import { fillRowPtrs } from '../../src-main/numeric/gemm'
import { Prng } from '../../src-main/numeric/prng'
import { refLogits, refLoss, type RefLayer } from './reference'

const contexts: ComputeContext[] = []
afterAll(() => contexts.forEach((c) => c.dispose()))

const dim = 6
const classes = 3
const hidden = 5
const rows = 7

function randomLayers(rng: Prng, kind: HeadKind): DecodedLayer[] {
  const shapes = kind === 'linear' ? [[dim, classes]] : [[dim, hidden], [hidden, classes]]
  return shapes.map(([inputs, outputs]) => ({
    inputs,
    outputs,
    weights: Float32Array.from({ length: inputs * outputs }, () => rng.normal() * 0.8),
    bias: Float32Array.from({ length: outputs }, () => rng.normal() * 0.3),
  }))
}

describe('head network gradients against float64 finite differences', () => {
  const cases: { task: HeadTask; kind: HeadKind; activation: HeadActivation }[] = [
    { task: 'multi-label', kind: 'linear', activation: 'relu' },
    { task: 'multi-class', kind: 'linear', activation: 'relu' },
    { task: 'multi-label', kind: 'mlp', activation: 'relu' },
    { task: 'multi-class', kind: 'mlp', activation: 'gelu' },
    { task: 'multi-label', kind: 'mlp', activation: 'gelu' },
  ]
  for (const { task, kind, activation } of cases) {
    it(`${kind} ${kind === 'mlp' ? activation + ' ' : ''}${task}`, () => {
      const rng = new Prng(17)
      const ctx = new ComputeContext()
      contexts.push(ctx)
      const net = new HeadNetwork(ctx, { kind, dim, classes, hidden, activation }, 16, 1)
      const layers = randomLayers(rng, kind)
      net.loadLayers(layers)
      const x = Array.from({ length: rows }, () => Array.from({ length: dim }, () => rng.normal()))
      const xPtr = ctx.alloc(4 * rows * net.kp)
      const xv = ctx.f32(xPtr, rows * net.kp)
      xv.fill(0)
      x.forEach((r, i) => xv.set(r, i * net.kp))
      const rowPtrs = ctx.alloc(4 * rows)
      fillRowPtrs(ctx.i32(rowPtrs, rows), xPtr, net.kp)
      const y = new Float32Array(rows * classes)
      for (let i = 0; i < rows; i++) {
        if (task === 'multi-class') y[i * classes + rng.nextInt(classes)] = 1
        else for (let c = 0; c < classes; c++) y[i * classes + c] = rng.nextFloat() < 0.5 ? 1 : 0
      }
      const pos = [1.5, 0.7, 2]
      const neg = [0.5, 1.2, 1]
      const loss = new HeadLoss(ctx, task, classes, net.cp, { pos: Float64Array.from(pos), neg: Float64Array.from(neg) }, 16)
      loss.gatherTargets(y, rows)
      net.forward(rowPtrs, rows)
      const got = loss.run(net.zPtr, rows, net.dzPtr, 1 / rows)
      net.backward(rowPtrs, rows)
      const grads = net.gradientLayers()

      const meanLoss = (ls: readonly RefLayer[]): number => {
        let total = 0
        for (let i = 0; i < rows; i++) total += refLoss(task, refLogits(ls, activation, x[i]), y.subarray(i * classes, (i + 1) * classes), pos, neg)
        return total / rows
      }
      expect(Math.abs(got / rows - meanLoss(layers))).toBeLessThan(1e-5 * meanLoss(layers))

      const h = 1e-4
      let checked = 0
      layers.forEach((l, li) => {
        for (const part of ['weights', 'bias'] as const) {
          const arr = l[part]
          for (let i = 0; i < arr.length; i++) {
            const perturbed = (delta: number): RefLayer[] =>
              layers.map((m, mi) => {
                if (mi !== li) return m
                const copy = { inputs: m.inputs, outputs: m.outputs, weights: Array.from(m.weights), bias: Array.from(m.bias) }
                copy[part][i] += delta
                return copy
              })
            const numeric = (meanLoss(perturbed(h)) - meanLoss(perturbed(-h))) / (2 * h)
            const analytic = grads[li][part][i]
            expect(Math.abs(analytic - numeric)).toBeLessThan(2e-5 + 2e-3 * Math.abs(numeric))
            checked++
          }
        }
      })
      expect(checked).toBe(kind === 'linear' ? dim * classes + classes : dim * hidden + hidden + hidden * classes + classes)
    })
  }
})
