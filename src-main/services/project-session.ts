// One open project at a time. Services reach the project database only through the session, so
// "no project open" is one error in one place and closing waits for whoever still uses the DB.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { basename, isAbsolute, resolve } from 'node:path'
import type { ProjectInfo } from '../../src-shared/contracts'
import { openProjectDatabase, type SqliteDatabase } from '../db/connection'
import { schemaVersion } from '../db/migrate'
import { PROJECT_SUBDIRS, projectDbPath } from '../db/project-layout'
import { lockProject } from '../db/project-lock'
import { ProjectMetaRepository } from '../db/project-meta-repository'
import { AppError } from '../errors'
import type { Logger } from '../runtime/logger'
import type { Disposer } from './event-bus'

export interface OpenProject {
  readonly dir: string
  readonly db: SqliteDatabase
  readonly meta: ProjectMetaRepository
}

interface Held extends OpenProject {
  unlock(): void
}

type OpenListener = (project: OpenProject) => void
type CloseListener = (project: OpenProject) => Promise<void> | void

export interface ProjectSession {
  create(dir: string, name: string, appVersion: string): Promise<OpenProject>
  open(dir: string): Promise<OpenProject>
  close(): Promise<void>
  current(): OpenProject | null
  /** The open project, or NO_PROJECT_OPEN. */
  require(): OpenProject
  info(): ProjectInfo | null
  onDidOpen(listener: OpenListener): Disposer
  /** Runs (and is awaited) before the database closes: stop workers, flush state. */
  onWillClose(listener: CloseListener): Disposer
  dispose(): Promise<void>
}

function normaliseDir(dir: string): string {
  if (!isAbsolute(dir)) throw new AppError('INVALID_REQUEST', `project folder must be an absolute path, got "${dir}"`)
  return resolve(dir)
}

function nowIso(): string {
  return new Date().toISOString()
}

export function createProjectSession(deps: { log: Logger }): ProjectSession {
  const log = deps.log
  const openListeners = new Set<OpenListener>()
  const closeListeners = new Set<CloseListener>()
  let project: Held | null = null
  // Opening and closing are serialised so two quick calls cannot interleave.
  let chain: Promise<unknown> = Promise.resolve()

  function serialised<T>(fn: () => Promise<T>): Promise<T> {
    const next = chain.then(fn, fn)
    chain = next.catch(() => undefined)
    return next
  }

  async function closeCurrent(): Promise<void> {
    const p = project
    if (!p) return
    for (const listener of [...closeListeners]) {
      try {
        await listener(p)
      } catch (err) {
        log.error('project close listener failed', { dir: p.dir, error: err instanceof Error ? err.message : String(err) })
      }
    }
    project = null
    try {
      p.db.close()
    } catch (err) {
      log.warn('closing the project database failed', { dir: p.dir, error: err instanceof Error ? err.message : String(err) })
    }
    p.unlock()
    log.info('project closed', { dir: p.dir })
  }

  function attach(dir: string, db: SqliteDatabase, unlock: () => void): OpenProject {
    const opened: Held = { dir, db, meta: new ProjectMetaRepository(db), unlock }
    for (const sub of PROJECT_SUBDIRS) mkdirSync(resolve(dir, sub), { recursive: true })
    project = opened
    try {
      for (const listener of [...openListeners]) listener(opened)
    } catch (err) {
      // A project the services cannot attach to is not usable: close it again.
      project = null
      db.close()
      unlock()
      throw err
    }
    log.info('project opened', { dir })
    return opened
  }

  return {
    create(rawDir, name, appVersion) {
      return serialised(async () => {
        const dir = normaliseDir(rawDir)
        if (existsSync(projectDbPath(dir))) throw new AppError('PROJECT_EXISTS', `${dir} is already an OpenBEATs project; open it instead`)
        if (existsSync(dir)) {
          if (!statSync(dir).isDirectory()) throw new AppError('INVALID_REQUEST', `${dir} exists and is not a folder`)
          if (readdirSync(dir).length > 0) throw new AppError('FOLDER_NOT_EMPTY', `${dir} is not empty; choose an empty or new folder for a project`)
        }
        await closeCurrent()
        mkdirSync(dir, { recursive: true })
        const unlock = lockProject(dir)
        let db: SqliteDatabase
        try {
          db = openProjectDatabase(projectDbPath(dir), { create: true })
          const meta = new ProjectMetaRepository(db)
          db.transaction(() => {
            meta.set('name', name)
            meta.set('created_at', nowIso())
            meta.set('created_by_version', appVersion)
          })()
        } catch (err) {
          unlock()
          throw err
        }
        return attach(dir, db, unlock)
      })
    },

    open(rawDir) {
      return serialised(async () => {
        const dir = normaliseDir(rawDir)
        if (project?.dir === dir) return project
        if (!existsSync(projectDbPath(dir))) throw new AppError('PROJECT_NOT_FOUND', `${dir} is not an OpenBEATs project (no ${basename(projectDbPath(dir))})`)
        // Open the new one first: a project that cannot be opened leaves the current one open.
        const unlock = lockProject(dir)
        let db: SqliteDatabase
        try {
          db = openProjectDatabase(projectDbPath(dir))
        } catch (err) {
          unlock()
          throw err
        }
        await closeCurrent()
        return attach(dir, db, unlock)
      })
    },

    close() {
      return serialised(closeCurrent)
    },

    current: () => project,

    require() {
      if (!project) throw new AppError('NO_PROJECT_OPEN', 'no project is open; create or open one first')
      return project
    },

    info() {
      if (!project) return null
      const { dir, db, meta } = project
      return {
        dir,
        name: meta.get('name') ?? basename(dir),
        schemaVersion: schemaVersion(db),
        createdAt: meta.get('created_at') ?? '',
        counts: meta.counts(),
      }
    },

    onDidOpen(listener) {
      openListeners.add(listener)
      return () => {
        openListeners.delete(listener)
      }
    },

    onWillClose(listener) {
      closeListeners.add(listener)
      return () => {
        closeListeners.delete(listener)
      }
    },

    async dispose() {
      await serialised(closeCurrent)
      openListeners.clear()
      closeListeners.clear()
    },
  }
}
