// The server-side folder browser behind system.listDir: the browser host cannot use a native
// dialog, so the UI walks the server's folders through this.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, isAbsolute, join, parse, resolve } from 'node:path'
import type { DirEntry, DirListing } from '../../src-shared/contracts'
import { projectDbPath } from '../db/project-layout'
import { AppError } from '../errors'

const MAX_ENTRIES = 5_000

export function listDirectory(path: string | undefined, showFiles = false): DirListing {
  const dir = resolve(path ?? homedir())
  if (path !== undefined && !isAbsolute(path)) throw new AppError('INVALID_REQUEST', `folder must be an absolute path, got "${path}"`)
  let names: string[]
  try {
    if (!statSync(dir).isDirectory()) throw new AppError('INVALID_REQUEST', `${dir} is not a folder`)
    names = readdirSync(dir)
  } catch (err) {
    if (err instanceof AppError) throw err
    throw new AppError('NOT_FOUND', `folder ${dir} does not exist or cannot be read`)
  }
  const entries: DirEntry[] = []
  for (const name of names) {
    // Hidden entries are noise in a picker for recordings and projects.
    if (name.startsWith('.')) continue
    const p = join(dir, name)
    let isDir: boolean
    try {
      isDir = statSync(p).isDirectory()
    } catch {
      continue
    }
    if (!isDir && !showFiles) continue
    entries.push({ name, path: p, isDir, isProject: isDir && existsSync(projectDbPath(p)) })
    if (entries.length >= MAX_ENTRIES) break
  }
  entries.sort((a, b) => (a.isDir === b.isDir ? a.name.localeCompare(b.name) : a.isDir ? -1 : 1))
  const root = parse(dir).root
  return { path: dir, parent: dir === root ? null : dirname(dir), entries }
}
