import Database from 'better-sqlite3'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { ProjectInfo } from '../../src-shared/contracts'
import { PROJECT_LOCK_FILE } from '../../src-main/db/project-lock'
import { latestSchemaVersion } from '../../src-main/db/migrate'
import { AppError } from '../../src-main/errors'
import { createTestServices, tempDir, testContext } from '../helpers/main-services'

const cleanups: Array<() => void | Promise<void>> = []
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c()
})

function setup() {
  const root = tempDir()
  const services = createTestServices({ dataDir: join(root.path, 'data') })
  cleanups.push(root.cleanup, () => services.dispose())
  const changes: Array<ProjectInfo | null> = []
  services.events.on('project.changed', (p) => changes.push(p))
  return { root: root.path, services, changes, p: services.handlers.projects, ctx: testContext() }
}

async function codeOf(promise: Promise<unknown>): Promise<string | null> {
  try {
    await promise
    return null
  } catch (err) {
    return err instanceof AppError ? err.code : `not an AppError: ${String(err)}`
  }
}

describe('projects', () => {
  it('create makes the folder layout, opens it, lists it as recent and emits project.changed', async () => {
    const { root, services, changes, p, ctx } = setup()
    const dir = join(root, 'season-2026')
    const info = await p.create({ dir, name: 'Season 2026' }, ctx)
    expect(info).toMatchObject({ dir, name: 'Season 2026', schemaVersion: latestSchemaVersion(), counts: { recordings: 0, annotations: 0, detections: 0, models: 0, jobs: 0 } })
    expect(Number.isNaN(Date.parse(info.createdAt))).toBe(false)
    for (const f of ['project.sqlite', 'models', 'cache', 'exports', PROJECT_LOCK_FILE]) expect(existsSync(join(dir, f)), f).toBe(true)
    expect(await p.current({}, ctx)).toEqual(info)
    expect(changes).toEqual([info])
    const recent = await p.recent({}, ctx)
    expect(recent).toHaveLength(1)
    expect(recent[0]).toMatchObject({ dir, name: 'Season 2026', exists: true })
    expect(services.session.current()?.dir).toBe(dir)
  })

  it('close releases the project and its lock; open brings it back with the same name', async () => {
    const { root, changes, p, ctx } = setup()
    const dir = join(root, 'p1')
    const created = await p.create({ dir, name: 'P1' }, ctx)
    expect(await p.close({}, ctx)).toBeNull()
    expect(await p.current({}, ctx)).toBeNull()
    expect(existsSync(join(dir, PROJECT_LOCK_FILE))).toBe(false)
    const opened = await p.open({ dir }, ctx)
    expect(opened).toEqual(created)
    expect(changes).toEqual([created, null, created])
  })

  it('opening a second project closes the first; recent lists newest first and survives a restart', async () => {
    const { root, p, ctx } = setup()
    await p.create({ dir: join(root, 'a'), name: 'A' }, ctx)
    await p.create({ dir: join(root, 'b'), name: 'B' }, ctx)
    expect(existsSync(join(root, 'a', PROJECT_LOCK_FILE))).toBe(false)
    await p.open({ dir: join(root, 'a') }, ctx)
    expect((await p.recent({}, ctx)).map((r) => r.name)).toEqual(['A', 'B'])

    const restarted = createTestServices({ dataDir: join(root, 'data') })
    cleanups.push(() => restarted.dispose())
    expect((await restarted.handlers.projects.recent({}, ctx)).map((r) => r.name)).toEqual(['A', 'B'])
  })

  it('marks recent projects whose folder is gone, and forgets them on request', async () => {
    const { root, p, ctx } = setup()
    const dir = join(root, 'gone')
    await p.create({ dir, name: 'Gone' }, ctx)
    await p.close({}, ctx)
    const { rmSync } = await import('node:fs')
    rmSync(dir, { recursive: true })
    expect(await p.recent({}, ctx)).toMatchObject([{ dir, exists: false }])
    expect(await p.forgetRecent({ dir }, ctx)).toBeNull()
    expect(await p.recent({}, ctx)).toEqual([])
    expect(await codeOf(p.open({ dir }, ctx))).toBe('PROJECT_NOT_FOUND')
  })

  it('refuses to create over a project (PROJECT_EXISTS) or in a non-empty folder (FOLDER_NOT_EMPTY)', async () => {
    const { root, p, ctx } = setup()
    const dir = join(root, 'p')
    await p.create({ dir, name: 'P' }, ctx)
    await p.close({}, ctx)
    expect(await codeOf(p.create({ dir, name: 'again' }, ctx))).toBe('PROJECT_EXISTS')
    const busy = join(root, 'busy')
    mkdirSync(busy)
    writeFileSync(join(busy, 'notes.txt'), 'field notes')
    expect(await codeOf(p.create({ dir: busy, name: 'X' }, ctx))).toBe('FOLDER_NOT_EMPTY')
    expect(existsSync(join(busy, 'project.sqlite'))).toBe(false)
  })

  it('refuses relative paths and folders that are not projects', async () => {
    const { root, p, ctx } = setup()
    expect(await codeOf(p.open({ dir: 'relative/path' }, ctx))).toBe('INVALID_REQUEST')
    expect(await codeOf(p.create({ dir: './here', name: 'x' }, ctx))).toBe('INVALID_REQUEST')
    expect(await codeOf(p.open({ dir: root }, ctx))).toBe('PROJECT_NOT_FOUND')
  })

  it('a project open in another live process is refused with PROJECT_LOCKED; a stale lock is taken over', async () => {
    const { root, p, ctx } = setup()
    const dir = join(root, 'shared')
    await p.create({ dir, name: 'Shared' }, ctx)
    await p.close({}, ctx)
    const { hostname } = await import('node:os')
    // The parent of this test process is alive and is not us.
    writeFileSync(join(dir, PROJECT_LOCK_FILE), JSON.stringify({ pid: process.ppid, host: hostname(), since: 'earlier' }))
    expect(await codeOf(p.open({ dir }, ctx))).toBe('PROJECT_LOCKED')
    writeFileSync(join(dir, PROJECT_LOCK_FILE), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), since: 'long ago' }))
    await p.open({ dir }, ctx)
    expect(JSON.parse(readFileSync(join(dir, PROJECT_LOCK_FILE), 'utf8')).pid).toBe(process.pid)
  })

  it('a project from a newer app version is refused with DB_FROM_FUTURE and the current project stays open', async () => {
    const { root, p, ctx } = setup()
    const current = await p.create({ dir: join(root, 'current'), name: 'Current' }, ctx)
    const futureDir = join(root, 'future')
    mkdirSync(futureDir)
    const db = new Database(join(futureDir, 'project.sqlite'))
    db.pragma(`user_version = ${latestSchemaVersion() + 1}`)
    db.close()
    expect(await codeOf(p.open({ dir: futureDir }, ctx))).toBe('DB_FROM_FUTURE')
    expect(await p.current({}, ctx)).toEqual(current)
    expect(existsSync(join(futureDir, PROJECT_LOCK_FILE))).toBe(false)
  })

  it('services that need a project answer NO_PROJECT_OPEN when none is', async () => {
    const { services, ctx } = setup()
    expect(await codeOf(services.handlers.jobs.list({}, ctx))).toBe('NO_PROJECT_OPEN')
    expect(() => services.session.require()).toThrow('no project is open')
  })
})
