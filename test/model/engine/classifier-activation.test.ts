import { expect, it } from 'vitest'
import { classifierProbabilities } from '../../../src-main/model/engine/classifier-activation'

it('applies softmax per row and sigmoid per value', () => {
  const logits = Float32Array.from([0, Math.log(3), 1000, 1000, -5, 2])
  const soft = classifierProbabilities(logits, 2, 'softmax')
  expect(Array.from(soft).map((v) => +v.toFixed(6))).toEqual([0.25, 0.75, 0.5, 0.5, +(1 / (1 + Math.exp(7))).toFixed(6), +(1 / (1 + Math.exp(-7))).toFixed(6)])
  const sig = classifierProbabilities(Float32Array.from([0, 2, -2]), 3, 'sigmoid')
  expect(Array.from(sig).map((v) => +v.toFixed(6))).toEqual([0.5, +(1 / (1 + Math.exp(-2))).toFixed(6), +(1 / (1 + Math.exp(2))).toFixed(6)])
})
