// history.jsonl: what a trainer job records for its charts, and how it is read back.
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it, vi } from 'vitest'
import { HistoryLog, readHistory } from '../../src-main/trainer/history'
import { tempDir } from '../helpers/main-services'

const tmp = tempDir('obs-trainer-history-')
afterAll(() => tmp.cleanup())

const progress = (step: number, total = 100) => ({ type: 'progress' as const, step, total, epoch: 0, loss: 1 / (step + 1), lr: 1e-4, samples_per_s: 30 })

describe('training history', () => {
  it('keeps a point per second and the last step, metrics without per-class detail, and checkpoints', () => {
    vi.useFakeTimers({ now: 1_000_000 })
    try {
      const path = join(tmp.path, 'a.jsonl')
      const log = new HistoryLog(path)
      log.progress(progress(0))
      vi.advanceTimersByTime(400)
      log.progress(progress(1))
      vi.advanceTimersByTime(700)
      log.progress(progress(2))
      log.metrics({ type: 'metrics', split: 'val', values: { mAP: 0.5, per_class: { a: { ap: 0.5 } } }, epoch: 0, step: 2 })
      log.checkpoint({ type: 'checkpoint', path: '/x/last.pt', step: 2, epoch: 1, kind: 'epoch' })
      vi.advanceTimersByTime(100)
      log.progress(progress(100))
      appendFileSync(path, '{"k":"p","at":12') // a line cut by a crash
      const h = readHistory(path, 9)
      expect(h.jobId).toBe(9)
      expect(h.points).toEqual([
        { step: 0, epoch: 0, loss: 1, lr: 1e-4, samplesPerS: 30, t: 0 },
        { step: 2, epoch: 0, loss: 1 / 3, lr: 1e-4, samplesPerS: 30, t: 1.1 },
        { step: 100, epoch: 0, loss: 1 / 101, lr: 1e-4, samplesPerS: 30, t: 1.2 },
      ])
      expect(h.metrics).toEqual([{ split: 'val', epoch: 0, step: 2, values: { mAP: 0.5 } }])
      expect(h.checkpoints).toEqual([{ step: 2, epoch: 1, kind: 'epoch' }])
    } finally {
      vi.useRealTimers()
    }
  })

  it('thins long histories to at most the requested points, keeping the last', () => {
    const path = join(tmp.path, 'b.jsonl')
    for (let i = 0; i < 5000; i++) appendFileSync(path, JSON.stringify({ k: 'p', at: i * 1000, step: i, epoch: null, loss: null, lr: null, sps: null }) + '\n')
    const h = readHistory(path, 1, 2000)
    expect(h.points.length).toBeLessThanOrEqual(2001)
    expect(h.points[0].step).toBe(0)
    expect(h.points[1].step).toBe(3)
    expect(h.points.at(-1)?.step).toBe(4999)
  })

  it('is empty for a job that has not started', () => {
    expect(readHistory(join(tmp.path, 'none.jsonl'), 3)).toEqual({ jobId: 3, points: [], metrics: [], checkpoints: [] })
  })
})
