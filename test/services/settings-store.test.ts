import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { DEFAULT_SETTINGS } from '../../src-shared/contracts'
import { createMemoryLogger } from '../../src-main/runtime/logger'
import { createSettingsStore, SETTINGS_FILE } from '../../src-main/services/settings-store'
import { tempDir } from '../helpers/main-services'

const dirs: Array<{ cleanup(): void }> = []
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()))
function dataDir(): string {
  const d = tempDir()
  dirs.push(d)
  return d.path
}

describe('settings store', () => {
  it('starts from the defaults and persists updates across restarts', () => {
    const dir = dataDir()
    const log = createMemoryLogger()
    const store = createSettingsStore({ dataDir: dir, log })
    expect(store.get()).toEqual(DEFAULT_SETTINGS)
    expect(store.update({ theme: 'dark', inferenceThreads: 4 })).toEqual({ ...DEFAULT_SETTINGS, theme: 'dark', inferenceThreads: 4 })
    const again = createSettingsStore({ dataDir: dir, log })
    expect(again.get()).toEqual({ ...DEFAULT_SETTINGS, theme: 'dark', inferenceThreads: 4 })
    expect(JSON.parse(readFileSync(join(dir, SETTINGS_FILE), 'utf8'))).toEqual({ ...DEFAULT_SETTINGS, theme: 'dark', inferenceThreads: 4 })
    expect(log.records.filter((r) => r.level === 'warn')).toEqual([])
  })

  it.each([
    ['not JSON', '{ theme: dark'],
    ['a value outside the schema', JSON.stringify({ theme: 'neon' })],
    ['an array', '[1,2]'],
    ['a wrong type', JSON.stringify({ inferenceThreads: 'eight' })],
  ])('recovers from a corrupt file (%s): defaults, a warning, the old file kept aside', (_why, content) => {
    const dir = dataDir()
    writeFileSync(join(dir, SETTINGS_FILE), content)
    const log = createMemoryLogger()
    const store = createSettingsStore({ dataDir: dir, log })
    expect(store.get()).toEqual(DEFAULT_SETTINGS)
    const warnings = log.records.filter((r) => r.level === 'warn')
    expect(warnings).toHaveLength(1)
    expect(warnings[0].message).toMatch(/settings file .*settings\.json is invalid/)
    expect(existsSync(join(dir, SETTINGS_FILE))).toBe(false)
    const aside = readdirSync(dir).filter((f) => f.startsWith(`${SETTINGS_FILE}.corrupt-`))
    expect(aside).toHaveLength(1)
    expect(readFileSync(join(dir, aside[0]), 'utf8')).toBe(content)
    // The next update writes a good file again.
    store.update({ theme: 'light' })
    expect(createSettingsStore({ dataDir: dir, log: createMemoryLogger() }).get().theme).toBe('light')
  })

  it('fills in fields a settings file from an older version does not have', () => {
    const dir = dataDir()
    writeFileSync(join(dir, SETTINGS_FILE), JSON.stringify({ theme: 'dark' }))
    expect(createSettingsStore({ dataDir: dir, log: createMemoryLogger() }).get()).toEqual({ ...DEFAULT_SETTINGS, theme: 'dark' })
  })

  it('rejects an update that breaks the schema and keeps the old value', () => {
    const store = createSettingsStore({ dataDir: dataDir(), log: createMemoryLogger() })
    expect(() => store.update({ inferenceThreads: 0 })).toThrow()
    expect(store.get().inferenceThreads).toBeNull()
  })
})
