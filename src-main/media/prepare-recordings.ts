// The media-cache job's work: build the first-view cache (peaks and the default spectrogram) of
// many recordings ahead of time, so even hour-long files open at once. One recording at a time,
// longest work reported in audio seconds; a resumed job skips what the last attempt finished.
import type { SqliteDatabase } from '../db/connection'
import { throwIfAborted } from '../errors'
import { cachedParts, recordingCacheDir, writeOverview, type CachedRecording } from './media-cache'
import { computeOverview } from './overview'
import { DEFAULT_FFT_SIZE } from './spectrogram-grid'

export const DEFAULT_MIN_DURATION_S = 600

export interface PrepareOptions {
  recordingIds?: number[]
  deploymentIds?: number[]
  minDurationS?: number
  fftSize?: number
  signal?: AbortSignal
  /** The id of the last recording an earlier attempt finished. */
  resumeFrom?: unknown
  onProgress?: (doneSeconds: number, totalSeconds: number, unit: string, message?: string) => void
  onCheckpoint?: (lastRecordingId: number) => void
  log?: (level: 'info' | 'warn', message: string) => void
}

export interface PrepareResult {
  recordings: number
  built: number
  alreadyCached: number
  failed: number
  audioSeconds: number
}

interface Row extends CachedRecording {
  durationS: number
}

function selectRecordings(db: SqliteDatabase, opts: PrepareOptions): Row[] {
  // Named recordings are prepared whatever their length; otherwise only the long ones need it.
  const where = ["status = 'ok'", 'duration_s >= ?']
  const params: Array<number | string> = [opts.minDurationS ?? (opts.recordingIds ? 0 : DEFAULT_MIN_DURATION_S)]
  if (opts.recordingIds) {
    where.push('id IN (SELECT value FROM json_each(?))')
    params.push(JSON.stringify(opts.recordingIds))
  }
  if (opts.deploymentIds) {
    where.push('deployment_id IN (SELECT value FROM json_each(?))')
    params.push(JSON.stringify(opts.deploymentIds))
  }
  return db.prepare(`SELECT id, path, fingerprint, duration_s AS durationS FROM recordings WHERE ${where.join(' AND ')} ORDER BY id`).all(...params) as Row[]
}

export async function prepareMediaCache(db: SqliteDatabase, projectDir: string, opts: PrepareOptions = {}): Promise<PrepareResult> {
  const fftSize = opts.fftSize ?? DEFAULT_FFT_SIZE
  const after = typeof opts.resumeFrom === 'number' ? opts.resumeFrom : 0
  const rows = selectRecordings(db, opts)
  const totalSeconds = rows.reduce((s, r) => s + r.durationS, 0)
  const result: PrepareResult = { recordings: rows.length, built: 0, alreadyCached: 0, failed: 0, audioSeconds: 0 }
  let done = 0
  for (const rec of rows) {
    throwIfAborted(opts.signal)
    if (rec.id <= after) {
      done += rec.durationS
      result.alreadyCached += 1
      continue
    }
    const have = cachedParts(projectDir, rec, fftSize)
    if (have.peaks && have.spectrogram) {
      result.alreadyCached += 1
    } else {
      opts.onProgress?.(done, totalSeconds, 'audio-s', `Recording ${rec.id}`)
      try {
        const base = done
        const overview = await computeOverview(
          rec.path,
          { peaks: !have.peaks, fftSizes: have.spectrogram ? [] : [fftSize] },
          { signal: opts.signal, onProgress: (f, total) => opts.onProgress?.(base + (rec.durationS * f) / Math.max(f, total, 1), totalSeconds, 'audio-s', `Recording ${rec.id}`) },
        )
        await writeOverview(recordingCacheDir(projectDir, rec), rec.fingerprint, overview)
        result.built += 1
        result.audioSeconds += rec.durationS
      } catch (err) {
        throwIfAborted(opts.signal)
        // One unreadable file must not stop the rest: its first open will say what is wrong.
        result.failed += 1
        opts.log?.('warn', `recording ${rec.id} (${rec.path}): ${err instanceof Error ? err.message : String(err)}`)
      }
    }
    done += rec.durationS
    opts.onProgress?.(done, totalSeconds, 'audio-s')
    opts.onCheckpoint?.(rec.id)
  }
  return result
}
