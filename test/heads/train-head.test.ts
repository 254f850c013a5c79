import { describe, expect, it } from 'vitest'
import { scoreHead } from '../../src-main/heads/head-scorer'
import { trainHead, type HeadExamples, type TrainHeadOptions } from '../../src-main/heads/train-head'
import { decodeHead, parseTrainedHead } from '../../src-main/heads/trained-head'
import { Prng } from '../../src-main/numeric/prng'
import { refLoss } from './reference'

/** 1-D examples: n/2 at x = +1 with a fraction pPos positive, n/2 at x = −1 with a fraction 1 − pPos. */
function twoPointSet(n: number, pPos: number): HeadExamples {
  const x = new Float32Array(n)
  const y = new Float32Array(n)
  const half = n / 2
  for (let i = 0; i < n; i++) {
    const right = i < half
    x[i] = right ? 1 : -1
    const k = right ? i : i - half
    y[i] = right ? (k < pPos * half ? 1 : 0) : k < (1 - pPos) * half ? 1 : 0
  }
  return { x, y, n, dim: 1 }
}

/** Two overlapping Gaussian classes on a line: negatives ~ N(−1, 1), positives ~ N(+1, 1). */
function gaussianLine(n: number, positiveRate: number, seed: number): HeadExamples {
  const rng = new Prng(seed)
  const x = new Float32Array(n)
  const y = new Float32Array(n)
  for (let i = 0; i < n; i++) {
    const pos = rng.nextFloat() < positiveRate
    y[i] = pos ? 1 : 0
    x[i] = (pos ? 1 : -1) + rng.normal()
  }
  return { x, y, n, dim: 1 }
}

/** Prototype-plus-noise embeddings with multi-hot labels; `scale` sets the prototypes' size against unit noise. */
function prototypes(n: number, dim: number, classes: number, seed: number, multiClass = false, scale = 1): HeadExamples {
  const rng = new Prng(seed)
  const protoRng = new Prng(4242) // same class prototypes in every set
  const protos = Array.from({ length: classes * dim }, () => protoRng.normal() * scale)
  const x = new Float32Array(n * dim)
  const y = new Float32Array(n * classes)
  for (let i = 0; i < n; i++) {
    for (let d = 0; d < dim; d++) x[i * dim + d] = rng.normal()
    const picks = multiClass ? [rng.nextInt(classes)] : Array.from({ length: classes }, (_, c) => c).filter(() => rng.nextFloat() < 0.3)
    for (const c of picks) {
      y[i * classes + c] = 1
      for (let d = 0; d < dim; d++) x[i * dim + d] += protos[c * dim + d]
    }
  }
  return { x, y, n, dim }
}

const base: Pick<TrainHeadOptions, 'seed' | 'threads'> = { seed: 7, threads: 1 }

/** Logit of the trained linear 1-D head at raw x. */
function logitAt(head: ReturnType<typeof decodeHead>, x: number): number {
  const l = head.layers[0]
  return l.bias[0] + l.weights[0] * ((x - head.mean[0]) / head.std[0])
}

describe('trainHead: closed-form cases', () => {
  it('learns a positive weight on separable 1-D data and orders scores by x', async () => {
    const n = 200
    const x = Float32Array.from({ length: n }, (_, i) => (i - n / 2 + 0.5) / 10)
    const y = Float32Array.from(x, (v) => (v > 0 ? 1 : 0))
    const { head } = await trainHead({ x, y, n, dim: 1 }, undefined, { ...base, kind: 'linear', task: 'multi-label', epochs: 50, lr: 0.05 })
    const d = decodeHead(head)
    expect(d.layers[0].weights[0]).toBeGreaterThan(0)
    const p = scoreHead(head, x, n)
    for (let i = 1; i < n; i++) expect(p[i]).toBeGreaterThanOrEqual(p[i - 1])
    expect(p[0]).toBeLessThan(0.1)
    expect(p[n - 1]).toBeGreaterThan(0.9)
  })

  it('reaches the analytic logistic optimum w = logit(0.8) = ln 4, b = 0 without L2', async () => {
    const set = twoPointSet(1000, 0.8)
    const { head } = await trainHead(set, undefined, { ...base, kind: 'linear', task: 'multi-label', weightDecay: 0, batchSize: 1000, epochs: 600, lr: 0.05 })
    const d = decodeHead(head)
    // standardised x is exactly ±1 (mean 0, std 1)
    expect(d.mean[0]).toBe(0)
    expect(d.std[0]).toBe(1)
    expect(d.layers[0].weights[0]).toBeCloseTo(Math.log(4), 3)
    expect(d.layers[0].bias[0]).toBeCloseTo(0, 3)
    expect(scoreHead(head, new Float32Array([1, -1]), 2)[0]).toBeCloseTo(0.8, 4)
  })

  it('with L2 λ stops where σ(w) + λ·w = 0.8 (the penalised optimum)', async () => {
    const lambda = 0.5
    const set = twoPointSet(1000, 0.8)
    const { head } = await trainHead(set, undefined, { ...base, kind: 'linear', task: 'multi-label', weightDecay: lambda, batchSize: 1000, epochs: 600, lr: 0.05 })
    // solve σ(w) + λw = 0.8 by bisection: w ≈ 0.5147
    let lo = 0
    let hi = 2
    for (let i = 0; i < 60; i++) {
      const mid = (lo + hi) / 2
      if (1 / (1 + Math.exp(-mid)) + lambda * mid > 0.8) hi = mid
      else lo = mid
    }
    expect(decodeHead(head).layers[0].weights[0]).toBeCloseTo(lo, 3)
  })

  it('balanced class weights move the decision boundary from ln(9)/2 to 0', async () => {
    // Bayes log-odds for N(±1, 1) with prior π: 2x + ln(π/(1−π)); π = 0.1 puts p = 0.5 at x = ln 9 / 2 ≈ 1.10
    const set = gaussianLine(20000, 0.1, 3)
    const opts = { ...base, kind: 'linear' as const, task: 'multi-label' as const, weightDecay: 0, batchSize: 2000, epochs: 60, lr: 0.05 }
    const plain = decodeHead((await trainHead(set, undefined, { ...opts, classWeights: 'none' })).head)
    const balanced = decodeHead((await trainHead(set, undefined, { ...opts, classWeights: 'balanced' })).head)
    const boundary = (h: typeof plain): number => {
      // logit is affine in x: find its zero
      const a = logitAt(h, 0)
      const b = logitAt(h, 1) - a
      return -a / b
    }
    expect(Math.abs(boundary(plain) - Math.log(9) / 2)).toBeLessThan(0.12)
    expect(Math.abs(boundary(balanced))).toBeLessThan(0.12)
    // and at x = 0.5 the balanced head says "positive" where the plain one does not
    expect(logitAt(balanced, 0.5)).toBeGreaterThan(0)
    expect(logitAt(plain, 0.5)).toBeLessThan(0)
  })
})

describe('trainHead: behaviour', () => {
  it('is deterministic for a seed: same bytes, whatever the thread count', async () => {
    const set = prototypes(300, 24, 4, 1)
    const opts: TrainHeadOptions = { seed: 11, kind: 'mlp', task: 'multi-label', hidden: 10, epochs: 4, batchSize: 32, mixup: 0.4 }
    const a = await trainHead(set, undefined, { ...opts, threads: 1 })
    const b = await trainHead(set, undefined, { ...opts, threads: 2 })
    const c = await trainHead(set, undefined, { ...opts, threads: 1, seed: 12 })
    expect(JSON.stringify(a.head)).toBe(JSON.stringify(b.head))
    expect(a.history.epochs).toEqual(b.history.epochs)
    expect(JSON.stringify(c.head)).not.toBe(JSON.stringify(a.head))
  })

  it('early stopping restores the weights of the best validation epoch', async () => {
    // random labels: the MLP overfits and validation loss rises after the first epochs
    const rng = new Prng(5)
    const mk = (n: number): { x: Float32Array; y: Float32Array; n: number; dim: number } => ({
      x: Float32Array.from({ length: n * 16 }, () => rng.normal()),
      y: Float32Array.from({ length: n * 2 }, () => (rng.nextFloat() < 0.5 ? 1 : 0)),
      n,
      dim: 16,
    })
    const train = mk(120)
    const val = mk(200)
    const epochs: number[] = []
    const { head, history } = await trainHead(train, val, {
      ...base,
      kind: 'mlp',
      task: 'multi-label',
      hidden: 64,
      epochs: 200,
      lr: 0.01,
      batchSize: 16,
      patience: 3,
      onProgress: (p) => p.trainLoss !== undefined && epochs.push(p.epoch),
    })
    expect(history.stoppedEarly).toBe(true)
    expect(history.epochs.length).toBe(history.bestEpoch + 3)
    expect(epochs).toEqual(history.epochs.map((e) => e.epoch))
    const bestVal = Math.min(...history.epochs.map((e) => e.valLoss ?? Infinity))
    expect(history.epochs[history.bestEpoch - 1].valLoss).toBe(bestVal)
    expect(head.trainedWith?.bestEpoch).toBe(history.bestEpoch)
    // the returned head reproduces the best epoch's validation loss
    const p = scoreHead(head, val.x, val.n)
    let loss = 0
    for (let i = 0; i < val.n; i++) {
      const logits = [0, 1].map((c) => Math.log(p[i * 2 + c] / (1 - p[i * 2 + c])))
      loss += refLoss('multi-label', logits, val.y.subarray(i * 2, i * 2 + 2))
    }
    expect(loss / val.n).toBeCloseTo(bestVal, 4)
    expect(history.epochs[history.epochs.length - 1].valLoss).toBeGreaterThan(bestVal)
  })

  it('stops once the validation loss improves by less than 0.5 % for `patience` epochs, keeping the lowest', async () => {
    // Separable classes: the loss keeps creeping down, so only the relative rule can stop it.
    const { head, history } = await trainHead(prototypes(400, 32, 4, 21), prototypes(200, 32, 4, 22), { ...base, kind: 'linear', task: 'multi-label', epochs: 300, patience: 3 })
    const losses = history.epochs.map((e) => e.valLoss as number)
    expect(history.stoppedEarly).toBe(true)
    expect(losses.length).toBeLessThan(300)
    // The last `patience` epochs each stayed above 99.5 % of the best loss before them …
    for (let i = losses.length - 3; i < losses.length; i++) expect(losses[i]).toBeGreaterThanOrEqual(Math.min(...losses.slice(0, i)) * 0.995)
    // … the one before them was real progress …
    const k = losses.length - 4
    expect(losses[k]).toBeLessThan(Math.min(...losses.slice(0, k)) * 0.995)
    // … and the head returned is the epoch with the lowest loss, even a marginally lower one.
    expect(losses[history.bestEpoch - 1]).toBe(Math.min(...losses))
    expect(head.trainedWith?.bestEpoch).toBe(history.bestEpoch)
  })

  it('stops once the validation loss gains less than 1e-4 nats per class an epoch, even while that is still several per cent', async () => {
    // Widely separated classes: the loss heads for zero, falling ~3 % an epoch for as long as the
    // weights may grow, so the relative rule alone would run to the epoch limit.
    const set = (seed: number): HeadExamples => prototypes(400, 32, 4, seed, false, 4)
    const { head, history } = await trainHead(set(31), set(32), { ...base, seed: 3, kind: 'linear', task: 'multi-label', epochs: 300, batchSize: 16, patience: 3 })
    const losses = history.epochs.map((e) => e.valLoss as number)
    expect(history.stoppedEarly).toBe(true)
    expect(losses.length).toBeLessThan(150)
    const floor = 4 * 1e-4 // 4 classes
    for (let i = losses.length - 3; i < losses.length; i++) {
      const before = Math.min(...losses.slice(0, i))
      expect(losses[i]).toBeLessThan(before * 0.995) // relative progress …
      expect(losses[i]).toBeGreaterThanOrEqual(before - floor) // … but under the absolute floor
    }
    const k = losses.length - 4
    expect(losses[k]).toBeLessThan(Math.min(...losses.slice(0, k)) - floor)
    // the loss still fell every epoch, so the last epoch is the best one
    expect(history.bestEpoch).toBe(losses.length)
    expect(head.trainedWith?.bestEpoch).toBe(losses.length)
  })

  it('counts the absolute floor once per example for multi-class heads (one cross-entropy each)', async () => {
    const set = (seed: number): HeadExamples => prototypes(400, 32, 5, seed, true, 4)
    const { history } = await trainHead(set(41), set(42), { ...base, seed: 3, kind: 'linear', task: 'multi-class', epochs: 400, batchSize: 16, patience: 3 })
    const losses = history.epochs.map((e) => e.valLoss as number)
    expect(history.stoppedEarly).toBe(true)
    for (let i = losses.length - 3; i < losses.length; i++) {
      const before = Math.min(...losses.slice(0, i))
      expect(losses[i]).toBeLessThan(before * 0.995)
      expect(losses[i]).toBeGreaterThanOrEqual(before - 1e-4) // not 5 classes × 1e-4
    }
    const k = losses.length - 4
    expect(losses[k]).toBeLessThan(Math.min(...losses.slice(0, k)) - 1e-4)
  })

  it('trains multi-class heads to high held-out accuracy (linear and GELU MLP)', async () => {
    const train = prototypes(600, 32, 5, 2, true)
    const val = prototypes(300, 32, 5, 3, true)
    for (const kind of ['linear', 'mlp'] as const) {
      const { head } = await trainHead(train, val, { ...base, kind, task: 'multi-class', activation: 'gelu', hidden: 16, epochs: 30, lr: 0.01, batchSize: 64 })
      const p = scoreHead(head, val.x, val.n)
      let correct = 0
      for (let i = 0; i < val.n; i++) {
        const row = Array.from(p.subarray(i * 5, i * 5 + 5))
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5)
        if (val.y[i * 5 + row.indexOf(Math.max(...row))] === 1) correct++
      }
      expect(correct / val.n).toBeGreaterThan(0.95)
    }
  })

  it('keeps probabilities finite and in [0, 1] for inputs far outside the training range', async () => {
    const set = twoPointSet(100, 0.9)
    const { head } = await trainHead(set, undefined, { ...base, kind: 'linear', task: 'multi-label', epochs: 20, lr: 0.1 })
    const p = scoreHead(head, new Float32Array([1e6, -1e6, 3e4]), 3)
    expect(p[0]).toBe(1)
    expect(p[1]).toBeGreaterThanOrEqual(0)
    expect(p[1]).toBeLessThan(1e-30)
    expect(Number.isFinite(p[2])).toBe(true)
  })

  it('round-trips the head through JSON and refuses malformed heads', async () => {
    const set = prototypes(50, 8, 3, 4)
    const { head } = await trainHead(set, undefined, { ...base, kind: 'mlp', task: 'multi-label', hidden: 6, epochs: 2 })
    const parsed = parseTrainedHead(JSON.parse(JSON.stringify(head)))
    expect(parsed).toEqual(head)
    expect(Array.from(scoreHead(parsed, set.x, set.n))).toEqual(Array.from(scoreHead(head, set.x, set.n)))
    expect(() => parseTrainedHead({ ...head, dim: 9 })).toThrow(/MODEL_INVALID|expected 9 inputs|layer 0/)
    expect(() => parseTrainedHead({ ...head, kind: 'linear' })).toThrow(/linear head has 1 layer/)
    expect(() => parseTrainedHead({ format: 'x' })).toThrow(/malformed/)
  })

  it('refuses bad training data with TRAINING_DATA and says where', async () => {
    const set = prototypes(20, 4, 2, 5)
    const run = (s: HeadExamples, task: TrainHeadOptions['task'] = 'multi-label'): Promise<unknown> => trainHead(s, undefined, { ...base, kind: 'linear', task, epochs: 1 })
    const x = set.x.slice()
    x[13 * 4 + 2] = Number.NaN
    await expect(run({ ...set, x })).rejects.toMatchObject({ code: 'TRAINING_DATA', message: expect.stringMatching(/embedding 13 .*dimension 2/) })
    await expect(run({ ...set, x: set.x.subarray(1) })).rejects.toMatchObject({ code: 'TRAINING_DATA' })
    const y = set.y.slice()
    y[3] = 2
    await expect(run({ ...set, y })).rejects.toMatchObject({ code: 'TRAINING_DATA', message: expect.stringMatching(/example 1, class 1/) })
    await expect(run(set, 'multi-class')).rejects.toMatchObject({ code: 'TRAINING_DATA', message: expect.stringMatching(/one-hot/) })
    await expect(trainHead(set, undefined, { ...base, kind: 'mlp', task: 'multi-label', hidden: 0 })).rejects.toMatchObject({ code: 'INVALID_REQUEST' })
  })

  it('stops with CANCELLED when the signal fires', async () => {
    const set = prototypes(200, 8, 2, 6)
    const ac = new AbortController()
    const run = trainHead(set, undefined, { ...base, kind: 'linear', task: 'multi-label', epochs: 1000, onProgress: (p) => p.epoch === 2 && p.trainLoss !== undefined && ac.abort(), signal: ac.signal })
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' })
  })
})
