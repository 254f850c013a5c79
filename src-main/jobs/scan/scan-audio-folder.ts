// Walks a folder tree and counts audio files by container format and size. Two passes: list every
// regular file (cheap, gives the total for the progress bar), then read each file's first bytes.
// The list is sorted so a resumed scan sees the same order and can skip what was already checked.
import { open, readdir, stat } from 'node:fs/promises'
import { isAbsolute, join } from 'node:path'
import { z } from 'zod'
import { FileTally, type ScanFolderResult } from '../../../src-shared/contracts'
import { AppError, throwIfAborted } from '../../errors'
import { AUDIO_FORMATS, detectAudioFormat, hasAudioExtension, id3TagLength, SIGNATURE_BYTES, type AudioFormat } from './audio-signature'

type Tally = FileTally
const Tally = FileTally

const ScanTotals = z.object({
  audio: Tally,
  byFormat: z.record(z.string(), Tally),
  /** Files named like audio whose header is not a known audio container (empty, corrupt, AppleDouble). */
  unrecognised: Tally,
  other: Tally,
  unreadable: z.number().int().min(0),
})
type ScanTotals = z.infer<typeof ScanTotals>

export const ScanCheckpoint = z.object({ version: z.literal(1), folder: z.string(), nextIndex: z.number().int().min(0), totals: ScanTotals })
export type ScanCheckpoint = z.infer<typeof ScanCheckpoint>

export interface ScanHooks {
  signal?: AbortSignal
  onProgress?(done: number, total: number | null, unit: string, message: string): void
  /** Called every `checkpointEvery` files with state a later call can resume from. */
  onCheckpoint?(state: ScanCheckpoint): void
  checkpointEvery?: number
  resumeFrom?: unknown
}

interface Listed {
  path: string
  name: string
  size: number
}

function emptyTotals(): ScanTotals {
  return { audio: { files: 0, bytes: 0 }, byFormat: {}, unrecognised: { files: 0, bytes: 0 }, other: { files: 0, bytes: 0 }, unreadable: 0 }
}

function add(t: Tally, bytes: number): void {
  t.files += 1
  t.bytes += bytes
}

async function listFiles(root: string, hooks: ScanHooks): Promise<{ files: Listed[]; skippedLinks: number; unreadable: number }> {
  const files: Listed[] = []
  let skippedLinks = 0
  let unreadable = 0
  const stack = [root]
  while (stack.length > 0) {
    throwIfAborted(hooks.signal)
    const dir = stack.pop() as string
    let entries
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch (err) {
      if (dir === root) throw err
      unreadable += 1
      continue
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    const subdirs: string[] = []
    for (const e of entries) {
      const p = join(dir, e.name)
      // Links are not followed: a link back up the tree would never end.
      if (e.isSymbolicLink()) skippedLinks += 1
      else if (e.isDirectory()) subdirs.push(p)
      else if (e.isFile()) {
        try {
          files.push({ path: p, name: e.name, size: (await stat(p)).size })
        } catch {
          unreadable += 1
        }
      }
    }
    // Reverse so the stack pops them in name order (depth-first, sorted).
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i])
    hooks.onProgress?.(files.length, null, 'files', 'Listing files…')
  }
  return { files, skippedLinks, unreadable }
}

async function readSignature(path: string): Promise<AudioFormat | null> {
  const handle = await open(path, 'r')
  try {
    const head = Buffer.alloc(SIGNATURE_BYTES)
    const { bytesRead } = await handle.read(head, 0, SIGNATURE_BYTES, 0)
    const h = head.subarray(0, bytesRead)
    const tag = id3TagLength(h)
    if (tag === 0) return detectAudioFormat(h)
    const after = Buffer.alloc(8)
    const r = await handle.read(after, 0, 8, tag)
    return detectAudioFormat(h, after.subarray(0, r.bytesRead))
  } finally {
    await handle.close()
  }
}

function resumeState(resumeFrom: unknown, folder: string, fileCount: number): { start: number; totals: ScanTotals } {
  const parsed = ScanCheckpoint.safeParse(resumeFrom)
  if (parsed.success && parsed.data.folder === folder && parsed.data.nextIndex <= fileCount) {
    return { start: parsed.data.nextIndex, totals: parsed.data.totals }
  }
  return { start: 0, totals: emptyTotals() }
}

export async function scanAudioFolder(folder: string, hooks: ScanHooks = {}): Promise<ScanFolderResult> {
  if (!isAbsolute(folder)) throw new AppError('INVALID_REQUEST', `folder to scan must be an absolute path, got "${folder}"`)
  let info
  try {
    info = await stat(folder)
  } catch {
    throw new AppError('NOT_FOUND', `folder ${folder} does not exist or cannot be read`)
  }
  if (!info.isDirectory()) throw new AppError('INVALID_REQUEST', `${folder} is not a folder`)

  const listed = await listFiles(folder, hooks)
  const files = listed.files
  const every = hooks.checkpointEvery ?? 200
  const { start, totals } = resumeState(hooks.resumeFrom, folder, files.length)
  const unreadableInListing = listed.unreadable

  hooks.onProgress?.(start, files.length, 'files', 'Checking file headers…')
  for (let i = start; i < files.length; i++) {
    throwIfAborted(hooks.signal)
    const f = files[i]
    let format: AudioFormat | null = null
    try {
      format = f.size === 0 ? null : await readSignature(f.path)
    } catch {
      totals.unreadable += 1
    }
    if (format) {
      add(totals.audio, f.size)
      add((totals.byFormat[format] ??= { files: 0, bytes: 0 }), f.size)
    } else if (hasAudioExtension(f.name)) add(totals.unrecognised, f.size)
    else add(totals.other, f.size)

    const done = i + 1
    hooks.onProgress?.(done, files.length, 'files', 'Checking file headers…')
    if (done % every === 0 && done < files.length) hooks.onCheckpoint?.({ version: 1, folder, nextIndex: done, totals: structuredClone(totals) })
  }

  const byFormat: Record<string, Tally> = {}
  for (const f of AUDIO_FORMATS) if (totals.byFormat[f]) byFormat[f] = totals.byFormat[f]
  return {
    folder,
    files: files.length,
    bytes: files.reduce((s, f) => s + f.size, 0),
    ...totals,
    byFormat,
    unreadable: totals.unreadable + unreadableInListing,
    skippedLinks: listed.skippedLinks,
  }
}
