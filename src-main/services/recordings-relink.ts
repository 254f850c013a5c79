// A season folder moved (another disk, a renamed parent): every recording under `fromDir` is looked
// for at the same relative path under `toDir` and accepted only when its fingerprint matches, so
// annotations and detections stay on the right audio. If the moved folder was already imported
// again at its new place, the fresh duplicate row gives its annotations to the old one and goes.
import { existsSync } from 'node:fs'
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path'
import type { Database } from 'better-sqlite3'
import { AppError, throwIfAborted } from '../errors'
import { fingerprintFile } from '../season/import/probe-recording'

export interface RelinkResult {
  relinked: number
  notFound: number
  fingerprintMismatch: number
  /** Ids of the recordings whose path changed. */
  recordingIds: number[]
}

export async function relinkRecordings(db: Database, fromDir: string, toDir: string, signal?: AbortSignal): Promise<RelinkResult> {
  for (const [name, dir] of [['fromDir', fromDir], ['toDir', toDir]] as const) {
    if (!isAbsolute(dir)) throw new AppError('INVALID_REQUEST', `${name} must be an absolute path, got "${dir}"`)
  }
  const from = resolve(fromDir)
  const to = resolve(toDir)
  if (!existsSync(to)) throw new AppError('NOT_FOUND', `folder ${to} does not exist`)
  const prefix = from.endsWith(sep) ? from : from + sep
  const rows = db.prepare('SELECT id, path, fingerprint, status FROM recordings WHERE substr(path, 1, ?) = ? ORDER BY id').all(prefix.length, prefix) as Array<{ id: number; path: string; fingerprint: string; status: string }>
  const atPath = db.prepare('SELECT id, fingerprint FROM recordings WHERE path = ?')
  const adopt = db.prepare('UPDATE annotations SET recording_id = ? WHERE recording_id = ?')
  const drop = db.prepare('DELETE FROM recordings WHERE id = ?')
  const move = db.prepare("UPDATE recordings SET path = ?, file_name = ?, status = CASE status WHEN 'missing' THEN 'ok' ELSE status END, status_reason = CASE status WHEN 'missing' THEN NULL ELSE status_reason END WHERE id = ?")
  const result: RelinkResult = { relinked: 0, notFound: 0, fingerprintMismatch: 0, recordingIds: [] }
  for (const row of rows) {
    throwIfAborted(signal)
    const target = join(to, relative(from, row.path))
    if (!existsSync(target)) {
      result.notFound += 1
      continue
    }
    if ((await fingerprintFile(target)) !== row.fingerprint) {
      result.fingerprintMismatch += 1
      continue
    }
    db.transaction(() => {
      const other = atPath.get(target) as { id: number; fingerprint: string } | undefined
      if (other && other.id !== row.id) {
        adopt.run(row.id, other.id)
        drop.run(other.id)
      }
      move.run(target, basename(target), row.id)
    })()
    result.relinked += 1
    result.recordingIds.push(row.id)
  }
  return result
}
