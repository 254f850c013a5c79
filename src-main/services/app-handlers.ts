import type { AppInfo, Contract, DomainHandlers } from '../../src-shared/contracts'
import { AppError } from '../errors'
import type { MainCallContext } from '../ipc/router'
import { APP_NAME, APP_VERSION } from '../runtime/app-version'
import { listDirectory } from './folder-browser'
import type { SettingsStore } from './settings-store'

export type FolderPicker = (opts: { title?: string; defaultPath?: string }) => Promise<string | null>

export function createAppHandlers(deps: { shell: AppInfo['shell']; dataDir: string; pickFolder?: FolderPicker }): DomainHandlers<Contract['app'], MainCallContext> {
  return {
    info: async () => ({
      name: APP_NAME,
      version: APP_VERSION,
      platform: process.platform,
      shell: deps.shell,
      capabilities: { nativeDialogs: deps.pickFolder !== undefined },
      dataDir: deps.dataDir,
    }),
  }
}

export function createSettingsHandlers(store: SettingsStore): DomainHandlers<Contract['settings'], MainCallContext> {
  return {
    get: async () => store.get(),
    update: async (patch) => store.update(patch),
  }
}

export function createSystemHandlers(deps: { pickFolder?: FolderPicker }): DomainHandlers<Contract['system'], MainCallContext> {
  return {
    pickFolder: async (req) => {
      if (!deps.pickFolder) throw new AppError('UNSUPPORTED', 'no native folder dialog here; use the folder browser (system.listDir)')
      return deps.pickFolder(req)
    },
    listDir: async (req) => listDirectory(req.path, req.showFiles ?? false),
  }
}
