import { homedir } from 'node:os'
import { join } from 'node:path'

const APP_DIR_NAME = 'openbeats-studio'

/**
 * Where settings and the recent-projects list live when no shell says otherwise. It matches
 * Electron's `app.getPath('userData')` for this package name, so the desktop app, the host and the
 * CLI share one set of settings. OPENBEATS_DATA_DIR overrides it (tests, portable installs).
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (env.OPENBEATS_DATA_DIR) return env.OPENBEATS_DATA_DIR
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_DIR_NAME)
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_DIR_NAME)
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), APP_DIR_NAME)
}
