// The desktop entry point with the electron module mocked at the boundary: single instance,
// start-up wiring, and a quit that disposes the services before exiting.
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { IPC_EVENT_CHANNEL, ipcCallChannel, methodIds } from '../../src-shared/contracts'
import { tempDir } from '../helpers/main-services'

const e = await vi.hoisted(async () => {
  const { EventEmitter } = await import('node:events')
  const state = {
    lock: true,
    userData: '',
    app: new EventEmitter() as InstanceType<typeof EventEmitter> & Record<string, unknown>,
    windows: [] as Array<InstanceType<typeof EventEmitter> & { webContents: InstanceType<typeof EventEmitter> & { sent: unknown[][] }; focused: number }>,
    handled: new Set<string>(),
    ipcHandlers: new Map<string, (event: unknown, arg: unknown) => Promise<unknown>>(),
    quit: 0,
    exitCodes: [] as number[],
    ready: null as null | (() => void),
  }
  class BrowserWindow extends EventEmitter {
    webContents = Object.assign(new EventEmitter(), {
      sent: [] as unknown[][],
      setWindowOpenHandler: () => {},
      send: (...args: unknown[]) => state.windows[0]?.webContents.sent.push(args),
    })
    focused = 0
    constructor() {
      super()
      state.windows.push(this as unknown as (typeof state.windows)[number])
    }
    loadFile() {
      return Promise.resolve()
    }
    loadURL() {
      return Promise.resolve()
    }
    show() {}
    isMinimized() {
      return false
    }
    restore() {}
    focus() {
      this.focused += 1
    }
  }
  const app = Object.assign(state.app, {
    isPackaged: false,
    requestSingleInstanceLock: () => state.lock,
    quit: () => {
      state.quit += 1
    },
    exit: (code: number) => state.exitCodes.push(code),
    getPath: () => state.userData,
    whenReady: () => new Promise<void>((resolve) => (state.ready = resolve)),
  })
  return { state, app, BrowserWindow }
})

vi.mock('electron', () => ({
  app: e.app,
  BrowserWindow: e.BrowserWindow,
  session: { defaultSession: { webRequest: { onHeadersReceived: () => {} }, setPermissionRequestHandler: () => {}, setPermissionCheckHandler: () => {} } },
  protocol: {
    registerSchemesAsPrivileged: () => {},
    handle: (s: string) => e.state.handled.add(s),
    unhandle: (s: string) => e.state.handled.delete(s),
  },
  ipcMain: {
    handle: (c: string, h: (event: unknown, arg: unknown) => Promise<unknown>) => e.state.ipcHandlers.set(c, h),
    removeHandler: (c: string) => e.state.ipcHandlers.delete(c),
    on: () => {},
    removeListener: () => {},
  },
  dialog: { showOpenDialog: async () => ({ canceled: true, filePaths: [] }) },
  utilityProcess: { fork: () => { throw new Error('no workers in this test') } },
}))

const dirs: Array<{ cleanup(): void }> = []

beforeEach(() => {
  vi.resetModules()
  const d = tempDir()
  dirs.push(d)
  Object.assign(e.state, { lock: true, userData: join(d.path, 'userData'), windows: [], quit: 0, exitCodes: [], ready: null })
  e.state.handled.clear()
  e.state.ipcHandlers.clear()
  e.state.app.removeAllListeners()
})
afterEach(() => dirs.splice(0).forEach((d) => d.cleanup()))

async function flush(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r))
}

describe('desktop app entry', () => {
  it('quits at once when another instance holds the lock', async () => {
    e.state.lock = false
    await import('../../src-main/app/main')
    expect(e.state.quit).toBe(1)
    expect(e.state.ready).toBeNull()
  })

  it('on ready: one window, the media protocol, one IPC handler per method, and events forwarded to the window', async () => {
    await import('../../src-main/app/main')
    expect(e.state.windows).toHaveLength(0)
    e.state.ready?.()
    await flush()
    expect(e.state.windows).toHaveLength(1)
    expect([...e.state.handled]).toEqual(['openbeats-media'])
    expect([...e.state.ipcHandlers.keys()].sort()).toEqual(methodIds().map(ipcCallChannel).sort())

    // A call from the window's main frame runs; the project.changed event comes back to the window.
    const wc = e.state.windows[0].webContents as unknown as Record<string, unknown>
    const rendererUrl = pathToFileURL(resolve(__dirname, '..', '..', 'src-main', 'renderer', 'index.html')).href
    wc.mainFrame = { url: rendererUrl }
    wc.id = 1
    const create = e.state.ipcHandlers.get(ipcCallChannel('projects.create')) as (event: unknown, arg: unknown) => Promise<unknown>
    const projectDir = join(e.state.userData, '..', 'project')
    const result = await create({ sender: wc, senderFrame: wc.mainFrame }, { callId: 'c1', payload: { dir: projectDir, name: 'Desk' } })
    expect(result).toMatchObject({ ok: true, value: { dir: projectDir, name: 'Desk' } })
    expect(e.state.windows[0].webContents.sent).toContainEqual([IPC_EVENT_CHANNEL, 'project.changed', expect.objectContaining({ name: 'Desk' })])
    const otherFrame = { url: rendererUrl }
    expect(await create({ sender: wc, senderFrame: otherFrame }, { callId: 'c2', payload: { dir: projectDir, name: 'x' } })).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } })

    e.state.app.emit('second-instance')
    expect(e.state.windows[0].focused).toBe(1)
    e.state.app.emit('before-quit', { preventDefault: () => {} })
    await flush()
  })

  it('before-quit holds the quit, disposes the services, then exits 0', async () => {
    await import('../../src-main/app/main')
    e.state.ready?.()
    await flush()
    const event = { preventDefault: vi.fn() }
    e.state.app.emit('before-quit', event)
    expect(event.preventDefault).toHaveBeenCalledTimes(1)
    await flush()
    expect(e.state.exitCodes).toEqual([0])
    expect(e.state.handled.size).toBe(0)
    expect(e.state.ipcHandlers.size).toBe(0)
    // A second before-quit (from app.exit's own quit) passes through.
    const again = { preventDefault: vi.fn() }
    e.state.app.emit('before-quit', again)
    expect(again.preventDefault).not.toHaveBeenCalled()
    expect(e.state.windows[0].webContents.sent.filter((s) => s[0] === IPC_EVENT_CHANNEL)).toEqual([])
  })
})
