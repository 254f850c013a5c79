// The one application window, locked down: isolated, sandboxed preload, no Node in the page, a
// strict CSP (header and meta), no navigation away, no new windows, no webviews, no permissions.
import { BrowserWindow, session, type Session, type WebContents } from 'electron'
import { pathToFileURL } from 'node:url'
import { desktopContentSecurityPolicy } from './csp'

export interface WindowOptions {
  preload: string
  /** The built renderer's index.html … */
  rendererFile: string
  /** … or the Vite dev server (npm run dev). */
  devServerUrl?: string
}

/** The origin a trusted page is loaded from (file:// or the dev server). */
export function rendererOrigin(opts: WindowOptions): string {
  return opts.devServerUrl ? new URL(opts.devServerUrl).origin : 'file://'
}

export function isRendererUrl(url: string, opts: WindowOptions): boolean {
  if (opts.devServerUrl) {
    try {
      return new URL(url).origin === new URL(opts.devServerUrl).origin
    } catch {
      return false
    }
  }
  return url.split(/[?#]/)[0] === pathToFileURL(opts.rendererFile).href
}

export function hardenSession(ses: Session, csp: string): void {
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } })
  })
  ses.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))
  ses.setPermissionCheckHandler(() => false)
}

export function hardenContents(contents: WebContents, opts: WindowOptions): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  const blockForeign = (event: { preventDefault(): void }, url: string) => {
    if (!isRendererUrl(url, opts)) event.preventDefault()
  }
  contents.on('will-navigate', blockForeign)
  contents.on('will-redirect', blockForeign)
  contents.on('will-attach-webview', (event) => event.preventDefault())
}

export function createMainWindow(opts: WindowOptions): BrowserWindow {
  hardenSession(session.defaultSession, desktopContentSecurityPolicy(opts.devServerUrl))
  const win = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 900,
    minHeight: 600,
    show: false,
    title: 'OpenBEATs Studio',
    webPreferences: {
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  })
  hardenContents(win.webContents, opts)
  win.once('ready-to-show', () => win.show())
  if (opts.devServerUrl) void win.loadURL(opts.devServerUrl)
  else void win.loadFile(opts.rendererFile)
  return win
}
