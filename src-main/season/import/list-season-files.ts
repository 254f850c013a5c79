// Every regular file under the import roots, in a stable order (depth-first, names sorted) so a
// resumed import walks the same list. Links are not followed (a link back up the tree would never
// end); hidden entries are skipped: `.Trashes`, `.Spotlight-V100` and the `._name.wav` AppleDouble
// files macOS leaves on SD cards are never recordings.
import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError, throwIfAborted } from '../../errors'

export interface ListedFile {
  root: string
  path: string
}

export interface SeasonListing {
  files: ListedFile[]
  skippedLinks: number
  skippedHidden: number
  unreadableFolders: string[]
}

export async function listSeasonFiles(roots: readonly string[], opts: { signal?: AbortSignal; onProgress?: (listed: number) => void } = {}): Promise<SeasonListing> {
  const out: SeasonListing = { files: [], skippedLinks: 0, skippedHidden: 0, unreadableFolders: [] }
  const seen = new Set<string>()
  for (const root of roots) {
    let info
    try {
      info = await stat(root)
    } catch {
      throw new AppError('NOT_FOUND', `folder ${root} does not exist or cannot be read`, { path: root })
    }
    if (!info.isDirectory()) throw new AppError('INVALID_REQUEST', `${root} is not a folder`, { path: root })
    const stack = [root]
    while (stack.length > 0) {
      throwIfAborted(opts.signal)
      const dir = stack.pop() as string
      let entries
      try {
        entries = await readdir(dir, { withFileTypes: true })
      } catch {
        out.unreadableFolders.push(dir)
        continue
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      const subdirs: string[] = []
      for (const e of entries) {
        const path = join(dir, e.name)
        if (e.name.startsWith('.')) out.skippedHidden += 1
        else if (e.isSymbolicLink()) out.skippedLinks += 1
        else if (e.isDirectory()) subdirs.push(path)
        // Overlapping roots (one inside another) list a file once, under the first root.
        else if (e.isFile() && !seen.has(path)) {
          seen.add(path)
          out.files.push({ root, path })
        }
      }
      for (let i = subdirs.length - 1; i >= 0; i--) stack.push(subdirs[i])
      opts.onProgress?.(out.files.length)
    }
  }
  return out
}
