// The windows of one analysis as a dense id space: recordings in id order, each taking a block of
// ids as long as its window count, so a window id is (block start + window index). Search indexes
// and review queues use these ids; the catalog turns them back into recordings and times, and
// reads their embeddings straight from the analysis files.
import { closeSync, openSync, readSync } from 'node:fs'
import type { Database } from 'better-sqlite3'
import { AnalysisRepository, type AnalysisRow } from '../analysis/analysis-repository'
import { embeddingsFile } from '../analysis/embedding-files'
import { windowTimes } from '../analysis/window-grid'
import { AppError } from '../errors'

export interface CatalogRecording {
  recordingId: number
  windows: number
  audioS: number
  /** First window id of the recording. */
  base: number
}

export interface WindowSpan {
  recordingId: number
  window: number
  startS: number
  endS: number
}

const MAX_IDS = 0x7fffffff

export class WindowCatalog {
  readonly recordings: CatalogRecording[]
  readonly total: number
  private readonly byRecording: Map<number, CatalogRecording>

  private constructor(
    readonly analysis: AnalysisRow,
    recordings: CatalogRecording[],
  ) {
    this.recordings = recordings
    this.byRecording = new Map(recordings.map((r) => [r.recordingId, r]))
    const last = recordings[recordings.length - 1]
    this.total = last ? last.base + last.windows : 0
  }

  static load(db: Database, analysis: AnalysisRow): WindowCatalog {
    let base = 0
    const recordings = new AnalysisRepository(db).analysed(analysis.id).map((r) => {
      const rec = { recordingId: r.recordingId, windows: r.windows, audioS: r.audioS, base }
      base += r.windows
      return rec
    })
    if (base > MAX_IDS) throw new AppError('UNSUPPORTED', `analysis ${analysis.id} holds ${base} windows, more than a search index can number`)
    return new WindowCatalog(analysis, recordings)
  }

  recording(recordingId: number): CatalogRecording | undefined {
    return this.byRecording.get(recordingId)
  }

  idOf(recordingId: number, window: number): number {
    const r = this.byRecording.get(recordingId)
    if (!r || window < 0 || window >= r.windows) throw new AppError('NOT_FOUND', `recording ${recordingId} has no window ${window} in analysis ${this.analysis.id}`)
    return r.base + window
  }

  /** The recording and window index of an id (binary search over the blocks). */
  locate(id: number): { recording: CatalogRecording; window: number } {
    let lo = 0
    let hi = this.recordings.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      const r = this.recordings[mid]
      if (id < r.base) hi = mid - 1
      else if (id >= r.base + r.windows) lo = mid + 1
      else return { recording: r, window: id - r.base }
    }
    throw new AppError('NOT_FOUND', `window id ${id} is not in analysis ${this.analysis.id}`)
  }

  span(id: number): WindowSpan {
    const { recording, window } = this.locate(id)
    const t = windowTimes(this.analysis, 1, recording.audioS, window)
    return { recordingId: recording.recordingId, window, startS: t.start[0], endS: t.end[0] }
  }

  /** All window times of a recording. */
  times(recording: CatalogRecording): { start: Float64Array; end: Float64Array } {
    return windowTimes(this.analysis, recording.windows, recording.audioS)
  }

  /** float32 embeddings of the given ids (ids.length × dim), read window by window from the files. */
  readVectors(projectDir: string, ids: ArrayLike<number>): Float32Array {
    const dim = this.analysis.dim
    const out = new Float32Array(ids.length * dim)
    const bytes = new Uint8Array(out.buffer)
    const order = Array.from({ length: ids.length }, (_, i) => i).sort((a, b) => ids[a] - ids[b])
    let fd: number | null = null
    let open: number | null = null
    try {
      for (const i of order) {
        const { recording, window } = this.locate(ids[i])
        if (open !== recording.recordingId) {
          if (fd !== null) closeSync(fd)
          fd = null
          const path = embeddingsFile(projectDir, this.analysis.id, recording.recordingId)
          try {
            fd = openSync(path, 'r')
          } catch {
            throw new AppError('NOT_FOUND', `embeddings file ${path} is missing: analyse the recording again`)
          }
          open = recording.recordingId
        }
        const want = dim * 4
        const n = readSync(fd as number, bytes, i * want, want, window * want)
        if (n !== want) throw new AppError('EMBEDDING_INVALID', `embeddings of recording ${recording.recordingId} end before window ${window}`)
      }
    } finally {
      if (fd !== null) closeSync(fd)
    }
    return out
  }
}
