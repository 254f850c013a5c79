// The recent-projects list shown on the Projects view; a small validated JSON file in the data
// folder, newest first.
import { existsSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { z } from 'zod'
import type { RecentProject } from '../../src-shared/contracts'
import { projectDbPath } from '../db/project-layout'
import { writeJsonFileAtomic } from '../runtime/json-file'
import type { Logger } from '../runtime/logger'

export const RECENT_PROJECTS_FILE = 'recent-projects.json'
const MAX_RECENT = 20

const StoredRecent = z.array(z.object({ dir: z.string().min(1), name: z.string(), openedAt: z.string() }))
type StoredRecent = z.infer<typeof StoredRecent>

export interface RecentProjectsStore {
  list(): RecentProject[]
  touch(dir: string, name: string): void
  forget(dir: string): void
}

export function createRecentProjectsStore(deps: { dataDir: string; log: Logger }): RecentProjectsStore {
  const file = join(deps.dataDir, RECENT_PROJECTS_FILE)

  function load(): StoredRecent {
    if (!existsSync(file)) return []
    try {
      const parsed = StoredRecent.safeParse(JSON.parse(readFileSync(file, 'utf8')))
      if (parsed.success) return parsed.data
      deps.log.warn(`recent projects file ${file} is invalid; starting an empty list`)
    } catch (err) {
      deps.log.warn(`recent projects file ${file} cannot be read (${err instanceof Error ? err.message : String(err)}); starting an empty list`)
    }
    return []
  }

  let entries = load()

  return {
    list: () => entries.map((e) => ({ ...e, exists: existsSync(projectDbPath(e.dir)) })),
    touch(dir, name) {
      const key = resolve(dir)
      entries = [{ dir: key, name, openedAt: new Date().toISOString() }, ...entries.filter((e) => e.dir !== key)].slice(0, MAX_RECENT)
      writeJsonFileAtomic(file, entries)
    },
    forget(dir) {
      const key = resolve(dir)
      const next = entries.filter((e) => e.dir !== key)
      if (next.length === entries.length) return
      entries = next
      writeJsonFileAtomic(file, entries)
    },
  }
}
