// The features and targets of a training set: each recording's embeddings file is read once and
// its example rows are copied into the matrix of their split.
import type { SplitName } from '../../src-shared/contracts'
import { embeddingsFile, readEmbeddings } from '../analysis/embedding-files'
import { throwIfAborted } from '../errors'
import type { TrainingExample, TrainingSet } from './training-set'

export interface SplitData {
  n: number
  dim: number
  classes: number
  /** n × dim embeddings. */
  x: Float32Array
  /** n × classes targets (multi-hot or one-hot). */
  y: Float32Array
  examples: TrainingExample[]
}

export function loadSplits(projectDir: string, set: TrainingSet, signal?: AbortSignal): Record<SplitName, SplitData> {
  const { dim } = set.resolved.analysis
  const classes = set.resolved.classes.length
  const names: SplitName[] = ['train', 'validation', 'test']
  const out = {} as Record<SplitName, SplitData>
  const filled: Record<SplitName, number> = { train: 0, validation: 0, test: 0 }
  for (const name of names) {
    const examples = set.examples.filter((e) => e.split === name)
    out[name] = { n: examples.length, dim, classes, x: new Float32Array(examples.length * dim), y: new Float32Array(examples.length * classes), examples }
  }
  let buffer = new Float32Array(0)
  let i = 0
  while (i < set.examples.length) {
    throwIfAborted(signal)
    const recordingId = set.examples[i].recordingId
    const rec = set.recordings.get(recordingId)
    if (!rec) throw new Error(`training set lists recording ${recordingId} without its window count`)
    if (buffer.length < rec.windows * dim) buffer = new Float32Array(Math.max(rec.windows * dim, 2 * buffer.length))
    const x = readEmbeddings(embeddingsFile(projectDir, set.resolved.analysis.id, recordingId), rec.windows, dim, buffer)
    for (; i < set.examples.length && set.examples[i].recordingId === recordingId; i++) {
      const e = set.examples[i]
      const s = out[e.split]
      const row = filled[e.split]++
      s.x.set(x.subarray(e.window * dim, (e.window + 1) * dim), row * dim)
      for (const c of e.positives) s.y[row * classes + c] = 1
    }
  }
  return out
}
