// Importing a season: list the files under the folders, probe them header-only a few at a time,
// write each batch in one transaction, checkpoint after it, and mark recordings whose file has
// gone as missing. Used by the import worker (and directly by tests and the bench).
import type { Database } from 'better-sqlite3'
import { isAbsolute, resolve, sep } from 'node:path'
import { z } from 'zod'
import type { ImportResult, QuarantineEntry } from '../../../src-shared/contracts'
import { AppError, throwIfAborted } from '../../errors'
import { listSeasonFiles, type ListedFile } from './list-season-files'
import { probeRecording, type ProbedFile } from './probe-recording'
import { SeasonStore } from './season-store'

export interface ImportSeasonOptions {
  folders: readonly string[]
  timeExpansion?: number
  signal?: AbortSignal
  onProgress?(done: number, total: number | null, unit: string, message: string): void
  onCheckpoint?(state: ImportCheckpoint): void
  log?(level: 'info' | 'warn', message: string): void
  resumeFrom?: unknown
  /** Files per transaction (and per checkpoint). */
  batchSize?: number
  /** Files probed at once (their reads overlap on slow disks). */
  concurrency?: number
}

const Tallies = z.object({
  files: z.number().int(),
  imported: z.number().int(),
  updated: z.number().int(),
  unchanged: z.number().int(),
  moved: z.number().int(),
  duplicates: z.number().int(),
  quarantined: z.number().int(),
  skipped: z.number().int(),
  sitesCreated: z.number().int(),
  deploymentsCreated: z.number().int(),
  durationS: z.number(),
})
type Tallies = z.infer<typeof Tallies>

export const ImportCheckpoint = z.object({
  version: z.literal(1),
  folders: z.array(z.string()),
  /** The last file of the last committed batch. */
  lastPath: z.string(),
  tallies: Tallies,
})
export type ImportCheckpoint = z.infer<typeof ImportCheckpoint>

const QUARANTINE_LISTED = 500

function emptyTallies(): Tallies {
  return { files: 0, imported: 0, updated: 0, unchanged: 0, moved: 0, duplicates: 0, quarantined: 0, skipped: 0, sitesCreated: 0, deploymentsCreated: 0, durationS: 0 }
}

/** Results in input order, at most `limit` promises in flight. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>, signal?: AbortSignal): Promise<R[]> {
  const out = new Array<R>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      throwIfAborted(signal)
      const i = next++
      out[i] = await fn(items[i])
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

function resumePoint(resumeFrom: unknown, folders: readonly string[], files: readonly ListedFile[]): { start: number; tallies: Tallies } {
  const parsed = ImportCheckpoint.safeParse(resumeFrom)
  if (!parsed.success || parsed.data.folders.join('\n') !== folders.join('\n')) return { start: 0, tallies: emptyTallies() }
  // The listing is sorted, so the committed prefix ends at the last committed path. If that file
  // has gone, start over: re-importing the prefix changes nothing.
  const at = files.findIndex((f) => f.path === parsed.data.lastPath)
  return at < 0 ? { start: 0, tallies: emptyTallies() } : { start: at + 1, tallies: parsed.data.tallies }
}

function under(root: string): string {
  return root.endsWith(sep) ? root : root + sep
}

export async function importSeason(db: Database, opts: ImportSeasonOptions): Promise<ImportResult> {
  if (opts.folders.length === 0) throw new AppError('INVALID_REQUEST', 'import needs at least one folder')
  for (const f of opts.folders) if (!isAbsolute(f)) throw new AppError('INVALID_REQUEST', `folder to import must be an absolute path, got "${f}"`)
  const folders = opts.folders.map((f) => resolve(f))
  const batchSize = opts.batchSize ?? 250
  const concurrency = opts.concurrency ?? 8
  opts.onProgress?.(0, null, 'files', 'Listing files…')
  const listing = await listSeasonFiles(folders, { signal: opts.signal, onProgress: (n) => opts.onProgress?.(n, null, 'files', 'Listing files…') })
  for (const dir of listing.unreadableFolders) opts.log?.('warn', `folder ${dir} could not be read; skipped`)
  const files = listing.files
  const { start, tallies } = resumePoint(opts.resumeFrom, folders, files)
  if (start > 0) opts.log?.('info', `resuming after ${start} of ${files.length} files`)

  const store = new SeasonStore(db)
  const storeBatch = db.transaction((batch: ListedFile[], probed: ProbedFile[], now: string) => {
    probed.forEach((p, i) => {
      if (p.kind === 'other') {
        tallies.skipped += 1
        return
      }
      tallies.files += 1
      const stored = store.store(batch[i].root, p, now)
      if (stored.outcome === 'duplicate') tallies.duplicates += 1
      else tallies[stored.outcome] += 1
      if (stored.outcome !== 'unchanged' && stored.outcome !== 'quarantined') tallies.durationS += stored.durationS
      if (p.kind === 'quarantined' && stored.outcome !== 'unchanged') opts.log?.('warn', `quarantined ${p.path}: ${p.code} ${p.reason}`)
    })
    store.refreshDeploymentSpans()
  })

  opts.onProgress?.(start, files.length, 'files', 'Reading headers…')
  for (let from = start; from < files.length; from += batchSize) {
    throwIfAborted(opts.signal)
    const batch = files.slice(from, from + batchSize)
    let done = from
    const probed = await mapLimit(
      batch,
      concurrency,
      async (f) => {
        const p = await probeRecording(f.path, { defaultTimeExpansion: opts.timeExpansion })
        opts.onProgress?.(++done, files.length, 'files', 'Reading headers…')
        return p
      },
      opts.signal,
    )
    throwIfAborted(opts.signal)
    const createdBefore = [store.sitesCreated, store.deploymentsCreated]
    storeBatch.immediate(batch, probed, new Date().toISOString())
    tallies.sitesCreated += store.sitesCreated - createdBefore[0]
    tallies.deploymentsCreated += store.deploymentsCreated - createdBefore[1]
    opts.onCheckpoint?.({ version: 1, folders, lastPath: batch[batch.length - 1].path, tallies: { ...tallies } })
  }

  const missing = markMissing(db, folders, files)
  if (missing > 0) opts.log?.('warn', `${missing} recording(s) under the folders were not found any more; marked missing`)
  const quarantine = quarantinedUnder(db, folders)
  return { folders, ...tallies, missing, quarantine: quarantine.items, quarantineTotal: quarantine.total }
}

/** Recordings under the roots whose file was not listed: status `missing` (relink or re-import brings them back). */
function markMissing(db: Database, folders: readonly string[], files: readonly ListedFile[]): number {
  const listed = new Set(files.map((f) => f.path))
  const candidates = db.prepare("SELECT id, path FROM recordings WHERE substr(path, 1, ?) = ? AND status <> 'missing'")
  const mark = db.prepare("UPDATE recordings SET status = 'missing', status_reason = ? WHERE id = ?")
  let count = 0
  db.transaction(() => {
    for (const root of folders) {
      const prefix = under(root)
      for (const row of candidates.all(prefix.length, prefix) as Array<{ id: number; path: string }>) {
        if (listed.has(row.path)) continue
        mark.run(`file not found when ${root} was imported again`, row.id)
        count += 1
      }
    }
  }).immediate()
  return count
}

function quarantinedUnder(db: Database, folders: readonly string[]): { items: QuarantineEntry[]; total: number } {
  const items: QuarantineEntry[] = []
  let total = 0
  const select = db.prepare("SELECT id, path, status_code, status_reason FROM recordings WHERE status = 'quarantined' AND substr(path, 1, ?) = ? ORDER BY path")
  const seen = new Set<number>()
  for (const root of folders) {
    const prefix = under(root)
    for (const row of select.all(prefix.length, prefix) as Array<{ id: number; path: string; status_code: string | null; status_reason: string | null }>) {
      if (seen.has(row.id)) continue
      seen.add(row.id)
      total += 1
      if (items.length < QUARANTINE_LISTED) items.push({ recordingId: row.id, path: row.path, code: row.status_code ?? 'AUDIO_CORRUPT', reason: row.status_reason ?? '' })
    }
  }
  return { items, total }
}
