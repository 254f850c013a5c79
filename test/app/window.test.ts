import { pathToFileURL } from 'node:url'
import { beforeEach, describe, expect, it, vi } from 'vitest'

const electron = await vi.hoisted(async () => {
  const { EventEmitter } = await import('node:events')
  class FakeContents extends EventEmitter {
    windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null
    setWindowOpenHandler(h: (details: { url: string }) => { action: string }) {
      this.windowOpenHandler = h
    }
  }
  const created: Array<{ options: Record<string, unknown>; webContents: FakeContents; loaded: string[] }> = []
  class BrowserWindow extends EventEmitter {
    webContents = new FakeContents()
    loaded: string[] = []
    constructor(options: Record<string, unknown>) {
      super()
      created.push({ options, webContents: this.webContents, loaded: this.loaded })
    }
    loadFile(f: string) {
      this.loaded.push(f)
      return Promise.resolve()
    }
    loadURL(u: string) {
      this.loaded.push(u)
      return Promise.resolve()
    }
    show() {}
  }
  const session = {
    headersListener: null as null | ((d: { responseHeaders?: Record<string, string[]> }, cb: (r: { responseHeaders: Record<string, string[]> }) => void) => void),
    permissionRequest: null as null | ((wc: unknown, permission: string, cb: (granted: boolean) => void) => void),
    permissionCheck: null as null | (() => boolean),
  }
  const defaultSession = {
    webRequest: { onHeadersReceived: (l: typeof session.headersListener) => (session.headersListener = l) },
    setPermissionRequestHandler: (h: typeof session.permissionRequest) => (session.permissionRequest = h),
    setPermissionCheckHandler: (h: typeof session.permissionCheck) => (session.permissionCheck = h),
  }
  return { BrowserWindow, created, session, defaultSession }
})

vi.mock('electron', () => ({ BrowserWindow: electron.BrowserWindow, session: { defaultSession: electron.defaultSession } }))

const { createMainWindow, isRendererUrl } = await import('../../src-main/app/window')

const opts = { preload: '/app/out/preload/index.js', rendererFile: '/app/out/renderer/index.html' }

describe('main window', () => {
  beforeEach(() => {
    electron.created.length = 0
  })

  it('isolates the page: context isolation, sandbox, no Node, web security, no webviews', () => {
    createMainWindow(opts)
    const prefs = electron.created[0].options.webPreferences
    expect(prefs).toMatchObject({
      preload: opts.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    })
    expect(electron.created[0].loaded).toEqual([opts.rendererFile])
  })

  it('denies window.open, navigation elsewhere, webviews and every permission', () => {
    createMainWindow(opts)
    const wc = electron.created[0].webContents
    expect(wc.windowOpenHandler?.({ url: 'https://example.org' })).toEqual({ action: 'deny' })

    const navigate = (url: string) => {
      const event = { preventDefault: vi.fn() }
      wc.emit('will-navigate', event, url)
      return event.preventDefault.mock.calls.length > 0
    }
    expect(navigate('https://evil.example/')).toBe(true)
    expect(navigate('file:///etc/passwd')).toBe(true)
    expect(navigate(pathToFileURL(opts.rendererFile).href + '#/jobs')).toBe(false)

    const webview = { preventDefault: vi.fn() }
    wc.emit('will-attach-webview', webview)
    expect(webview.preventDefault).toHaveBeenCalled()

    const granted = vi.fn()
    electron.session.permissionRequest?.({}, 'media', granted)
    expect(granted).toHaveBeenCalledWith(false)
    expect(electron.session.permissionCheck?.()).toBe(false)
  })

  it('adds a strict CSP header to every response', () => {
    createMainWindow(opts)
    let headers: Record<string, string[]> = {}
    electron.session.headersListener?.({ responseHeaders: { 'X-Other': ['1'] } }, (r) => (headers = r.responseHeaders))
    expect(headers['X-Other']).toEqual(['1'])
    const csp = headers['Content-Security-Policy'][0]
    expect(csp).toContain("default-src 'self'")
    expect(csp).toContain("script-src 'self';")
    expect(csp).toContain("media-src 'self' blob: openbeats-media:")
    expect(csp).toContain("object-src 'none'")
    expect(csp).not.toContain('unsafe-eval')
  })

  it('with the dev server, trusts only its origin', () => {
    const dev = { ...opts, devServerUrl: 'http://localhost:5173' }
    createMainWindow(dev)
    expect(electron.created[0].loaded).toEqual(['http://localhost:5173'])
    expect(isRendererUrl('http://localhost:5173/#/jobs', dev)).toBe(true)
    expect(isRendererUrl('http://localhost:5174/', dev)).toBe(false)
    expect(isRendererUrl('not a url', dev)).toBe(false)
  })
})
