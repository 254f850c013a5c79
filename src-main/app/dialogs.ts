import { dialog, type BrowserWindow } from 'electron'

/** system.pickFolder in the desktop app: the native folder dialog; null when cancelled. */
export async function pickFolderWithDialog(win: BrowserWindow | null, opts: { title?: string; defaultPath?: string }): Promise<string | null> {
  const options = { title: opts.title, defaultPath: opts.defaultPath, properties: ['openDirectory', 'createDirectory'] as Array<'openDirectory' | 'createDirectory'> }
  const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options)
  return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0]
}
