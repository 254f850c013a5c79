// The demo's classifier head: trained with trainHead on the stored window embeddings of the first
// day's recordings, labelled from the truth (a window is a positive of a species when one of its
// calls lies at least half inside it — half of the call, or half of the window for calls longer
// than the window; less overlap gives a partial target), thresholds chosen per species for the
// best F1 on out-of-fold scores, then registered like any in-app head.
import type { Database } from 'better-sqlite3'
import { AnalysisRepository } from '../analysis/analysis-repository'
import { embeddingsFile, readEmbeddings } from '../analysis/embedding-files'
import { windowTimes } from '../analysis/window-grid'
import { AppError } from '../errors'
import { scoreGroups, metricsAtThreshold } from '../heads/metrics'
import { scoreHead } from '../heads/head-scorer'
import { trainHead, type HeadExamples } from '../heads/train-head'
import { registerHead, type RegisteredHead } from '../services/models-register'
import type { TruthCall } from './demo-season'

export interface DemoHeadInput {
  db: Database
  projectDir: string
  analysisId: number
  encoderId: number
  labelSetId: number
  /** Species codes in class order, and the project label of each. */
  species: readonly string[]
  labelIds: readonly number[]
  /** Recordings to learn from, with their truth calls. */
  training: readonly { recordingId: number; calls: readonly TruthCall[] }[]
  seed: number
  signal?: AbortSignal
}

export interface DemoHeadResult extends RegisteredHead {
  thresholds: number[]
  metrics: Record<string, unknown>
}

/** Window targets (windows × species) from the truth calls of one recording. */
export function windowTargets(calls: readonly TruthCall[], species: readonly string[], grid: { windowS: number; hopS: number }, windows: number): Float32Array {
  const { start, end } = windowTimes(grid, windows, Infinity)
  const y = new Float32Array(windows * species.length)
  for (const c of calls) {
    const k = species.indexOf(c.species)
    if (k < 0) continue
    for (let w = 0; w < windows; w++) {
      const overlap = Math.min(end[w], c.endS) - Math.max(start[w], c.startS)
      if (overlap <= 0) continue
      // Soft targets: a window holding half the call (or half a window of a long one) or more is a
      // full positive; less, a partial one rather than a false negative.
      const i = w * species.length + k
      y[i] = Math.max(y[i], Math.min(1, overlap / (0.5 * Math.min(c.endS - c.startS, end[w] - start[w]))))
    }
  }
  return y
}

function examplesOf(db: Database, projectDir: string, analysisId: number, recordings: DemoHeadInput['training'], species: readonly string[]): HeadExamples {
  const analyses = new AnalysisRepository(db)
  const analysis = analyses.get(analysisId)
  const done = new Map(analyses.analysed(analysisId, recordings.map((r) => r.recordingId)).map((r) => [r.recordingId, r]))
  const parts: { x: Float32Array; y: Float32Array; n: number }[] = []
  for (const r of recordings) {
    const a = done.get(r.recordingId)
    if (!a) throw new AppError('TRAINING_DATA', `recording ${r.recordingId} has no embeddings in analysis ${analysisId}`)
    const x = readEmbeddings(embeddingsFile(projectDir, analysisId, r.recordingId), a.windows, analysis.dim)
    parts.push({ x, y: windowTargets(r.calls, species, analysis, a.windows), n: a.windows })
  }
  const n = parts.reduce((s, p) => s + p.n, 0)
  const x = new Float32Array(n * analysis.dim)
  const y = new Float32Array(n * species.length)
  let row = 0
  for (const p of parts) {
    x.set(p.x, row * analysis.dim)
    y.set(p.y, row * species.length)
    row += p.n
  }
  return { x, y, n, dim: analysis.dim }
}

/** Thresholds 0.05…0.95 maximising each class's window-level F1 (0.5 for a class without positives). */
function bestThresholds(scores: Float32Array, y: Float32Array, n: number, classes: number): number[] {
  return Array.from({ length: classes }, (_, c) => {
    const g = scoreGroups(scores, y, classes, c, n)
    if (g.totalPositives === 0) return 0.5
    let best = { t: 0.5, f1: -1 }
    for (let i = 1; i < 20; i++) {
      const t = i / 20
      const f1 = metricsAtThreshold(g, t).f1 ?? 0
      if (f1 > best.f1) best = { t, f1 }
    }
    return best.t
  })
}

const TRAINING = { kind: 'mlp', task: 'multi-label', hidden: 64, classWeights: 'balanced', threads: 1 } as const

export async function trainDemoHead(input: DemoHeadInput): Promise<DemoHeadResult> {
  const { species } = input
  const C = species.length
  // Thresholds need scores of windows the head did not learn from: K-fold by recording gives every
  // training window an out-of-fold score (a single held-back split is too small on a small demo).
  const K = Math.min(4, input.training.length)
  if (K < 2) throw new AppError('TRAINING_DATA', 'the demo head needs at least 2 training recordings')
  const folds = Array.from({ length: K }, (_, k) => examplesOf(input.db, input.projectDir, input.analysisId, input.training.filter((_, i) => i % K === k), species))
  const total = folds.reduce((s, f) => s + f.n, 0)
  const oofScores = new Float32Array(total * C)
  const oofTargets = new Float32Array(total * C)
  const bestEpochs: number[] = []
  let row = 0
  for (let k = 0; k < K; k++) {
    const train = concat(folds.filter((_, j) => j !== k))
    const { head, history } = await trainHead(train, folds[k], { ...TRAINING, seed: input.seed + k, epochs: 60, patience: 8, signal: input.signal })
    bestEpochs.push(history.bestEpoch)
    oofScores.set(scoreHead(head, folds[k].x, folds[k].n), row * C)
    oofTargets.set(folds[k].y, row * C)
    row += folds[k].n
  }
  const thresholds = bestThresholds(oofScores, oofTargets, total, C)
  const epochs = Math.max(1, [...bestEpochs].sort((a, b) => a - b)[Math.floor(K / 2)])
  const { head } = await trainHead(concat(folds), undefined, { ...TRAINING, seed: input.seed, epochs, signal: input.signal })

  const metrics: Record<string, unknown> = { trainExamples: total, epochs, crossValidation: `${K}-fold by recording` }
  species.forEach((code, c) => {
    metrics[`f1_${code}`] = metricsAtThreshold(scoreGroups(oofScores, oofTargets, C, c, total), thresholds[c]).f1
  })
  const analysis = new AnalysisRepository(input.db).get(input.analysisId)
  const registered = registerHead(input.db, input.projectDir, {
    name: 'Demo species head',
    encoderId: input.encoderId,
    labelSetId: input.labelSetId,
    labelIds: input.labelIds,
    head,
    windowS: analysis.windowS,
    hopS: analysis.hopS,
    thresholds,
    source: { source: 'demo', trainer: 'trainHead (MLP, 64 hidden units)', seed: input.seed, trainedOn: `${input.training.length} recordings of the first day`, trainedAt: new Date().toISOString() },
    metrics,
  })
  return { ...registered, thresholds, metrics }
}

function concat(parts: readonly HeadExamples[]): HeadExamples {
  const n = parts.reduce((s, p) => s + p.n, 0)
  const dim = parts[0].dim
  const classes = parts[0].y.length / Math.max(1, parts[0].n)
  const x = new Float32Array(n * dim)
  const y = new Float32Array(n * classes)
  let row = 0
  for (const p of parts) {
    x.set(p.x, row * dim)
    y.set(p.y, row * classes)
    row += p.n
  }
  return { x, y, n, dim }
}
