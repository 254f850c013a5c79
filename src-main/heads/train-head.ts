// Trains a linear or one-hidden-layer classifier head on frozen embeddings: standardised inputs,
// mini-batch Adam, optional embedding mixup, class weighting, early stopping on a validation set
// that restores the best epoch. Deterministic for a seed, whatever the thread count.

import { AppError, throwIfAborted } from '../errors'
import { ComputeContext, defaultThreadCount } from '../numeric/compute-context'
import { fillRowPtrs } from '../numeric/gemm'
import { Prng } from '../numeric/prng'
import { Adam } from './adam'
import { lossWeights, priorBias, type ClassWeighting } from './class-weights'
import { HeadLoss, type HeadTask } from './head-loss'
import { HeadNetwork, pad4 } from './head-network'
import { StandardisedInputs } from './standardised-inputs'
import { BatchBuffers, BatchMixer } from './training-batches'
import { encodeF32, type HeadActivation, type HeadKind, type TrainedHead } from './trained-head'

export interface HeadExamples {
  /** n × dim embeddings, row-major. */
  x: Float32Array
  n: number
  dim: number
  /** n × classes targets in [0, 1]: multi-hot (multi-label) or one-hot (multi-class). */
  y: Float32Array
}

export type { ClassWeighting } from './class-weights'

export interface TrainHeadOptions {
  kind: HeadKind
  task: HeadTask
  seed: number
  /** Hidden units of an MLP head (default 128). */
  hidden?: number
  activation?: HeadActivation
  /** Maximum epochs (default 30). */
  epochs?: number
  /** Adam learning rate (default 3e-3 for linear heads, 1e-3 for MLPs). */
  lr?: number
  batchSize?: number
  /** L2 coefficient on weights, not biases (default 1e-4). */
  weightDecay?: number
  /**
   * 'balanced': multi-label weighs positives of class c by n/(2·pos_c) and negatives by
   * n/(2·neg_c); multi-class weighs class c by n/(C_present·n_c). An array gives per-class
   * weights: on positives only (multi-label, like a pos_weight) or per class (multi-class).
   */
  classWeights?: ClassWeighting
  /** Mixup α: each example is mixed with a batch partner by λ ~ Beta(α, α); 0 turns it off (default). */
  mixup?: number
  /**
   * Epochs without real progress before stopping (default 3): progress is a validation loss 0.5 %
   * below the best, and at least 1e-4 nats below it per class (multi-label) or per example
   * (multi-class). Needs a validation set.
   */
  patience?: number
  /** Threads for the matrix products (default: all cores, at most 8). */
  threads?: number
  signal?: AbortSignal
  onProgress?: (p: TrainingProgress) => void
}

/** Reported at most every 100 ms within an epoch (fraction only) and at the end of each epoch (with losses). */
export interface TrainingProgress {
  /** The epoch in progress or just finished, from 1. */
  epoch: number
  /** Maximum epochs (early stopping may end sooner). */
  epochs: number
  /** Share of the maximum epochs done, in [0, 1]. */
  fraction: number
  /** Set at the end of an epoch. */
  trainLoss?: number
  valLoss?: number
}

export interface TrainingEpoch {
  epoch: number
  /** Mean weighted loss per example over the epoch's batches (with mixup targets when mixing). */
  trainLoss: number
  /** Mean weighted loss per validation example after the epoch. */
  valLoss?: number
}

export interface TrainingHistory {
  epochs: TrainingEpoch[]
  /** The epoch whose weights the head holds (the last one without a validation set). */
  bestEpoch: number
  stoppedEarly: boolean
  seconds: number
}

export interface TrainHeadResult {
  head: TrainedHead
  history: TrainingHistory
}

const MAX_EVAL_BATCH = 4096
const SEGMENT = 8
const YIELD_MS = 100

export async function trainHead(train: HeadExamples, val: HeadExamples | undefined, opts: TrainHeadOptions): Promise<TrainHeadResult> {
  const t0 = performance.now()
  const classes = checkExamples(train, 'training', opts.task)
  if (val) {
    const vc = checkExamples(val, 'validation', opts.task)
    if (val.dim !== train.dim || vc !== classes) {
      throw new AppError('TRAINING_DATA', `validation set is ${val.dim}-d with ${vc} classes, training set ${train.dim}-d with ${classes}`)
    }
  }
  const o = resolveOptions(opts, classes)
  const { dim, n } = train
  throwIfAborted(opts.signal)

  const weights = lossWeights(opts.task, train.y, n, classes, o.classWeights)
  const rng = new Prng(opts.seed)
  const kp = pad4(dim)
  const evalBatch = Math.min(MAX_EVAL_BATCH, Math.max(o.batchSize, 1024))
  const maxBatch = Math.max(o.batchSize, evalBatch)
  const valN = val?.n ?? 0
  const ctx = new ComputeContext({
    helpers: o.threads - 1,
    initialBytes: 4 * kp * (n + valN + 2 * maxBatch) + 4 * maxBatch * 4 * (3 * pad4(o.hidden) + 3 * pad4(classes)),
  })
  try {
    // Training rows are stored in a seeded random order, and epochs shuffle segments of
    // SEGMENT consecutive stored rows: batches are as random as a full shuffle would make them
    // (rows of a segment always share a batch), while gathering reads long contiguous runs.
    const storedOrder = new Int32Array(n)
    for (let i = 0; i < n; i++) storedOrder[i] = i
    rng.shuffle(storedOrder)
    const inputs = new StandardisedInputs(ctx, dim, kp, o.threads)
    const xPtr = inputs.load(train.x, n, 'training', storedOrder)
    const vPtr = val ? inputs.load(val.x, val.n, 'validation') : 0
    throwIfAborted(opts.signal)
    const net = new HeadNetwork(ctx, { kind: opts.kind, dim, classes, hidden: o.hidden, activation: o.activation }, maxBatch, o.threads)
    net.initialize(rng, priorBias(opts.task, train.y, n, classes, weights))
    const loss = new HeadLoss(ctx, opts.task, classes, net.cp, weights, maxBatch)
    const adam = new Adam(ctx, net.params.length, { lr: o.lr, weightDecay: o.weightDecay, decayRanges: net.decayRanges })

    // Each batch is gathered into one contiguous buffer first: the matrix kernels run markedly
    // faster on it than on rows scattered over the whole training set.
    const batch = new BatchBuffers(ctx, maxBatch, kp)
    const yPtr = loss.loadTargets(train.y, n, storedOrder)
    const vyPtr = val ? loss.loadTargets(val.y, val.n) : 0
    const mixer = o.mixup > 0 ? new BatchMixer(ctx, o.mixup) : undefined
    const segments = new Int32Array(Math.ceil(n / SEGMENT))
    for (let i = 0; i < segments.length; i++) segments[i] = i
    const order = new Int32Array(n)

    const history: TrainingEpoch[] = []
    const minAbsoluteImprovement = MIN_ABSOLUTE_IMPROVEMENT * (opts.task === 'multi-label' ? classes : 1)
    let best = { loss: Infinity, epoch: 0, params: net.params.slice() }
    let stale = 0
    let stoppedEarly = false
    let lastYield = performance.now()
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      rng.shuffle(segments)
      let at = 0
      for (const seg of segments) for (let r = seg * SEGMENT, end = Math.min(n, r + SEGMENT); r < end; r++) order[at++] = r
      let lossSum = 0
      for (let start = 0; start < n; start += o.batchSize) {
        if (performance.now() - lastYield > YIELD_MS) {
          // let cancellation (and anything else waiting on this event loop) through
          await new Promise<void>((resolve) => setImmediate(resolve))
          lastYield = performance.now()
          throwIfAborted(opts.signal)
          opts.onProgress?.({ epoch, epochs: o.epochs, fraction: (epoch - 1 + start / n) / o.epochs })
        }
        const rows = Math.min(o.batchSize, n - start)
        const picked = order.subarray(start, start + rows)
        if (mixer) {
          mixer.mix(rng, picked, xPtr, kp, train.y, storedOrder, loss, batch)
        } else {
          batch.gather(xPtr, picked)
          fillRowPtrs(batch.targetSources(rows), yPtr, net.cp, picked)
          loss.gatherTargetRows(batch.targetSourcesAddr, rows)
        }
        net.forward(batch.rowsAddr, rows)
        lossSum += loss.run(net.zPtr, rows, net.dzPtr, 1 / rows)
        net.backward(batch.rowsAddr, rows)
        adam.step(net.paramPtr, net.gradPtr)
      }
      if (!Number.isFinite(lossSum)) throw new AppError('TRAINING_DATA', `training diverged at epoch ${epoch} (loss is not finite); lower the learning rate`)
      const record: TrainingEpoch = { epoch, trainLoss: lossSum / n }
      if (val) {
        let total = 0
        for (let start = 0; start < val.n; start += evalBatch) {
          const rows = Math.min(evalBatch, val.n - start)
          fillRowPtrs(batch.sources(rows), vPtr + 4 * start * kp, kp)
          fillRowPtrs(batch.targetSources(rows), vyPtr + 4 * start * net.cp, net.cp)
          loss.gatherTargetRows(batch.targetSourcesAddr, rows)
          net.forward(batch.sourcesAddr, rows)
          total += loss.run(net.zPtr, rows, net.dzPtr, 0)
        }
        record.valLoss = total / val.n
        // The best parameters are kept whenever the loss is lower, but only a real improvement
        // resets the patience. On overlapping classes the loss levels off and the relative rule
        // ends training; on separable ones it keeps falling by a few per cent an epoch towards
        // zero for as long as the weights are allowed to grow, long after every score sits on the
        // right side of any threshold (mAP 1 from the first epochs), and only the absolute
        // floor stops it.
        if (record.valLoss < Math.min(best.loss * (1 - MIN_RELATIVE_IMPROVEMENT), best.loss - minAbsoluteImprovement)) stale = 0
        else stale++
        if (record.valLoss < best.loss) best = { loss: record.valLoss, epoch, params: net.params.slice() }
      } else {
        best = { loss: record.trainLoss, epoch, params: best.params }
      }
      history.push(record)
      opts.onProgress?.({ epoch, epochs: o.epochs, fraction: epoch / o.epochs, trainLoss: record.trainLoss, ...(record.valLoss === undefined ? {} : { valLoss: record.valLoss }) })
      if (val && stale >= o.patience) {
        stoppedEarly = epoch < o.epochs
        break
      }
      await new Promise<void>((resolve) => setImmediate(resolve))
      lastYield = performance.now()
      throwIfAborted(opts.signal)
    }
    if (val) net.params.set(best.params)

    const layers = net.exportLayers()
    const head: TrainedHead = {
      format: 'openbeats-head',
      version: 1,
      kind: opts.kind,
      task: opts.task,
      dim,
      classes,
      ...(opts.kind === 'mlp' ? { activation: o.activation } : {}),
      inputMean: encodeF32(inputs.mean),
      inputStd: encodeF32(inputs.std),
      layers: layers.map((l) => ({ inputs: l.inputs, outputs: l.outputs, weights: encodeF32(l.weights), bias: encodeF32(l.bias) })),
      trainedWith: {
        seed: opts.seed,
        epochsRun: history.length,
        bestEpoch: best.epoch,
        lr: o.lr,
        batchSize: o.batchSize,
        weightDecay: o.weightDecay,
        mixup: o.mixup,
        classWeights: o.classWeights,
      },
    }
    return { head, history: { epochs: history, bestEpoch: best.epoch, stoppedEarly, seconds: (performance.now() - t0) / 1000 } }
  } finally {
    ctx.dispose()
  }
}

interface ResolvedOptions {
  hidden: number
  activation: HeadActivation
  epochs: number
  lr: number
  batchSize: number
  weightDecay: number
  classWeights: ClassWeighting
  mixup: number
  patience: number
  threads: number
}

/** A validation loss this much lower (relative) than the best so far counts as progress for early stopping … */
const MIN_RELATIVE_IMPROVEMENT = 0.005
/**
 * … when it is also this much lower in nats for each binary decision the loss adds up: one per
 * class for multi-label heads (the loss sums the classes' binary cross-entropies), one per
 * example for multi-class heads. A change this small in a per-decision log-loss moves no score
 * measurably (at a loss of 1e-3 the right answer's probability is already 0.999).
 */
const MIN_ABSOLUTE_IMPROVEMENT = 1e-4

function resolveOptions(opts: TrainHeadOptions, classes: number): ResolvedOptions {
  const o: ResolvedOptions = {
    hidden: opts.kind === 'mlp' ? (opts.hidden ?? 128) : 0,
    activation: opts.activation ?? 'relu',
    epochs: opts.epochs ?? 30,
    lr: opts.lr ?? (opts.kind === 'linear' ? 3e-3 : 1e-3),
    batchSize: opts.batchSize ?? 256,
    weightDecay: opts.weightDecay ?? 1e-4,
    classWeights: opts.classWeights ?? 'none',
    mixup: opts.mixup ?? 0,
    patience: opts.patience ?? 3,
    threads: Math.max(1, Math.floor(opts.threads ?? defaultThreadCount())),
  }
  const bad = (what: string): never => {
    throw new AppError('INVALID_REQUEST', `head training option ${what}`)
  }
  if (!Number.isInteger(opts.seed)) bad(`seed must be an integer, got ${opts.seed}`)
  if (opts.kind === 'mlp' && !(Number.isInteger(o.hidden) && o.hidden >= 1 && o.hidden <= 4096)) bad(`hidden must be an integer in 1..4096, got ${o.hidden}`)
  if (!(Number.isInteger(o.epochs) && o.epochs >= 1)) bad(`epochs must be a positive integer, got ${o.epochs}`)
  if (!(o.lr > 0 && Number.isFinite(o.lr))) bad(`lr must be positive, got ${o.lr}`)
  if (!(Number.isInteger(o.batchSize) && o.batchSize >= 1 && o.batchSize <= 65536)) bad(`batchSize must be an integer in 1..65536, got ${o.batchSize}`)
  if (!(o.weightDecay >= 0 && Number.isFinite(o.weightDecay))) bad(`weightDecay must be ≥ 0, got ${o.weightDecay}`)
  if (!(o.mixup >= 0 && Number.isFinite(o.mixup))) bad(`mixup must be ≥ 0, got ${o.mixup}`)
  if (!(Number.isInteger(o.patience) && o.patience >= 1)) bad(`patience must be a positive integer, got ${o.patience}`)
  if (Array.isArray(o.classWeights)) {
    if (o.classWeights.length !== classes) bad(`classWeights has ${o.classWeights.length} values for ${classes} classes`)
    if (!o.classWeights.every((w) => w > 0 && Number.isFinite(w))) bad('classWeights must all be positive')
  }
  return o
}

/** Checks shapes and values; returns the class count. */
function checkExamples(s: HeadExamples, what: string, task: HeadTask): number {
  const fail = (msg: string): never => {
    throw new AppError('TRAINING_DATA', `${what} set: ${msg}`)
  }
  if (!(Number.isInteger(s.n) && s.n >= 1)) fail(`needs at least one example, got n = ${s.n}`)
  if (!(Number.isInteger(s.dim) && s.dim >= 1)) fail(`bad embedding size ${s.dim}`)
  if (s.x.length !== s.n * s.dim) fail(`x has ${s.x.length} values, expected n × dim = ${s.n * s.dim}`)
  const classes = s.y.length / s.n
  if (!Number.isInteger(classes) || classes < 1) fail(`y has ${s.y.length} values, not a multiple of n = ${s.n}`)
  if (task === 'multi-class' && classes < 2) fail('multi-class heads need at least 2 classes')
  for (let i = 0; i < s.n; i++) {
    let sum = 0
    for (let c = 0; c < classes; c++) {
      const v = s.y[i * classes + c]
      if (!(v >= 0 && v <= 1)) fail(`target of example ${i}, class ${c} is ${v}, outside [0, 1]`)
      sum += v
    }
    if (task === 'multi-class' && Math.abs(sum - 1) > 1e-5) fail(`targets of example ${i} sum to ${sum}; multi-class targets are one-hot`)
  }
  return classes
}
