// One process per project: a second app, host or worker-owning process opening the same project
// would mark the first one's running jobs interrupted and start its queue twice. The lock file
// names the owner; a lock whose process is gone is taken over.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import { AppError } from '../errors'

export const PROJECT_LOCK_FILE = 'project.lock'

const LockInfo = z.object({ pid: z.number().int(), host: z.string(), since: z.string() })

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

function readOwner(file: string): z.infer<typeof LockInfo> | null {
  try {
    const parsed = LockInfo.safeParse(JSON.parse(readFileSync(file, 'utf8')))
    return parsed.success ? parsed.data : null
  } catch {
    return null
  }
}

/** Takes the project's lock or throws PROJECT_LOCKED; returns the release function. */
export function lockProject(projectDir: string): () => void {
  const file = join(projectDir, PROJECT_LOCK_FILE)
  const me = { pid: process.pid, host: hostname(), since: new Date().toISOString() }
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx')
      writeSync(fd, JSON.stringify(me))
      closeSync(fd)
      return () => {
        if (readOwner(file)?.pid === me.pid) rmSync(file, { force: true })
      }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
      const owner = readOwner(file)
      // Another machine's process cannot be checked (a project on a network share): trust its lock.
      if (owner && owner.pid !== me.pid && (owner.host !== me.host || alive(owner.pid))) {
        throw new AppError('PROJECT_LOCKED', `${projectDir} is open in another OpenBEATs Studio process (pid ${owner.pid} on ${owner.host}, since ${owner.since}); close it there first`, owner)
      }
      rmSync(file, { force: true })
    }
  }
  throw new AppError('PROJECT_LOCKED', `could not lock ${projectDir}`)
}
