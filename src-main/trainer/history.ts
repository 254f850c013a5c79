// history.jsonl: the trainer's progress, metrics and checkpoint lines as the job saw them, one
// compact JSON object per line, appended across attempts. The trainer domain reads it back, thinned,
// for the loss and metric charts.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { z } from 'zod'
import type { TrainerHistory, TrainingMetrics, TrainingPoint } from '../../src-shared/contracts'
import type { CheckpointLine, MetricsLine, ProgressLine } from './protocol'

const MAX_POINTS = 2_000

const Entry = z.discriminatedUnion('k', [
  z.object({ k: z.literal('p'), at: z.number(), step: z.number(), epoch: z.number().nullable(), loss: z.number().nullable(), lr: z.number().nullable(), sps: z.number().nullable() }),
  z.object({ k: z.literal('m'), at: z.number(), split: z.string(), epoch: z.number().nullable(), step: z.number().nullable(), values: z.record(z.string(), z.unknown()) }),
  z.object({ k: z.literal('c'), at: z.number(), step: z.number().nullable(), epoch: z.number().nullable(), kind: z.string() }),
])

/** At most one progress point per this many ms (plus the last step): a 10-hour run stays a few MB. */
const POINT_INTERVAL_MS = 1_000

export class HistoryLog {
  private lastPointAt = -Infinity

  constructor(private readonly path: string) {
    mkdirSync(dirname(path), { recursive: true })
  }

  progress(p: ProgressLine): void {
    const at = Date.now()
    if (at - this.lastPointAt < POINT_INTERVAL_MS && p.step !== p.total) return
    this.lastPointAt = at
    this.append({ k: 'p', at, step: p.step, epoch: p.epoch ?? null, loss: p.loss ?? null, lr: p.lr ?? null, sps: p.samples_per_s ?? null })
  }

  metrics(m: MetricsLine): void {
    this.append({ k: 'm', at: Date.now(), split: m.split, epoch: m.epoch ?? null, step: m.step ?? null, values: m.values })
  }

  checkpoint(c: CheckpointLine): void {
    this.append({ k: 'c', at: Date.now(), step: c.step ?? null, epoch: c.epoch ?? null, kind: c.kind })
  }

  private append(entry: z.infer<typeof Entry>): void {
    appendFileSync(this.path, JSON.stringify(entry) + '\n')
  }
}

/** Every k-th point so at most `max` remain, always with the last one. */
function thin<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points
  const every = Math.ceil(points.length / max)
  const out = points.filter((_, i) => i % every === 0)
  if (out.at(-1) !== points.at(-1)) out.push(points[points.length - 1])
  return out
}

/** The history of a job; empty when it has none yet. Per-class metric detail is left out. */
export function readHistory(path: string, jobId: number, maxPoints = MAX_POINTS): TrainerHistory {
  const points: TrainingPoint[] = []
  const metrics: TrainingMetrics[] = []
  const checkpoints: TrainerHistory['checkpoints'] = []
  if (existsSync(path)) {
    let first: number | null = null
    for (const text of readFileSync(path, 'utf8').split('\n')) {
      if (!text) continue
      let json: unknown
      try {
        json = JSON.parse(text)
      } catch {
        continue // a line cut by a crash
      }
      const e = Entry.safeParse(json)
      if (!e.success) continue
      const entry = e.data
      first ??= entry.at
      if (entry.k === 'p') points.push({ step: entry.step, epoch: entry.epoch, loss: entry.loss, lr: entry.lr, samplesPerS: entry.sps, t: (entry.at - first) / 1000 })
      else if (entry.k === 'm') {
        const { per_class: _perClass, ...values } = entry.values
        metrics.push({ split: entry.split, epoch: entry.epoch, step: entry.step, values })
      } else checkpoints.push({ step: entry.step, epoch: entry.epoch, kind: entry.kind })
    }
  }
  return { jobId, points: thin(points, maxPoints), metrics, checkpoints }
}
