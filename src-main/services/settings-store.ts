// User settings: one JSON file in the data folder, validated on every load. A file that does not
// parse is set aside (renamed, not deleted) and the defaults are used, with a warning.
import { existsSync, readFileSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import { DEFAULT_SETTINGS, Settings } from '../../src-shared/contracts'
import { writeJsonFileAtomic } from '../runtime/json-file'
import type { Logger } from '../runtime/logger'

export const SETTINGS_FILE = 'settings.json'

export interface SettingsStore {
  get(): Settings
  update(patch: Partial<Settings>): Settings
}

function loadSettings(file: string, log: Logger): Settings {
  if (!existsSync(file)) return { ...DEFAULT_SETTINGS }
  let reason: string
  try {
    const raw: unknown = JSON.parse(readFileSync(file, 'utf8'))
    // Fields added by later versions get their defaults; unknown fields are dropped.
    const merged = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? { ...DEFAULT_SETTINGS, ...raw } : raw
    const parsed = Settings.safeParse(merged)
    if (parsed.success) return parsed.data
    reason = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')
  } catch (err) {
    reason = err instanceof Error ? err.message : String(err)
  }
  const aside = `${file}.corrupt-${Date.now()}`
  try {
    renameSync(file, aside)
  } catch {
    // Keeping the defaults matters more than keeping the broken file.
  }
  log.warn(`settings file ${file} is invalid (${reason}); using defaults, the old file is kept as ${aside}`)
  return { ...DEFAULT_SETTINGS }
}

export function createSettingsStore(deps: { dataDir: string; log: Logger }): SettingsStore {
  const file = join(deps.dataDir, SETTINGS_FILE)
  let current = loadSettings(file, deps.log)
  return {
    get: () => ({ ...current }),
    update(patch) {
      current = Settings.parse({ ...current, ...patch })
      writeJsonFileAtomic(file, current)
      return { ...current }
    },
  }
}
