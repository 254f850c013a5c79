// The desktop app: one instance, one hardened window, the shared services behind IPC, the media
// protocol, workers as utility processes, and a quit that stops jobs cleanly first.
import { app, BrowserWindow, type IpcMainEvent, type IpcMainInvokeEvent } from 'electron'
import { join } from 'node:path'
import { IPC_EVENT_CHANNEL } from '../../src-shared/contracts'
import { createRouter } from '../ipc/router'
import { createStderrLogger } from '../runtime/logger'
import { createMainServices, type MainServices } from '../services/composition'
import { pickFolderWithDialog } from './dialogs'
import { registerIpc } from './ipc'
import { handleMediaProtocol, registerMediaScheme } from './protocol'
import { createUtilityLauncher } from './utility-launcher'
import { createMainWindow, isRendererUrl, type WindowOptions } from './window'

const log = createStderrLogger(process.env.OPENBEATS_LOG_LEVEL === 'debug' ? 'debug' : 'info')

registerMediaScheme()

let mainWindow: BrowserWindow | null = null
let services: MainServices | null = null
const disposers: Array<() => void> = []

const windowOptions: WindowOptions = {
  preload: join(__dirname, '..', 'preload', 'index.js'),
  rendererFile: join(__dirname, '..', 'renderer', 'index.html'),
  devServerUrl: app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL,
}

function isTrustedSender(event: IpcMainInvokeEvent | IpcMainEvent): boolean {
  const frame = event.senderFrame
  return mainWindow !== null && event.sender === mainWindow.webContents && frame !== null && frame === event.sender.mainFrame && isRendererUrl(frame.url, windowOptions)
}

function openWindow(): void {
  mainWindow = createMainWindow(windowOptions)
  mainWindow.on('closed', () => {
    mainWindow = null
  })
}

async function start(): Promise<void> {
  const s = createMainServices({
    dataDir: app.getPath('userData'),
    shell: 'electron',
    launcher: createUtilityLauncher(join(__dirname, 'workers')),
    pickFolder: (opts) => pickFolderWithDialog(mainWindow, opts),
    log,
  })
  services = s
  const router = createRouter(s.handlers, { log: log.child('router'), checkResponses: !app.isPackaged })
  disposers.push(handleMediaProtocol(s.media, log.child('media')))
  disposers.push(registerIpc({ router, isTrustedSender, log: log.child('ipc') }))
  disposers.push(s.events.onAny((event, payload) => mainWindow?.webContents.send(IPC_EVENT_CHANNEL, event, payload)))
  openWindow()
}

if (!app.requestSingleInstanceLock()) {
  app.quit()
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return
    if (mainWindow.isMinimized()) mainWindow.restore()
    mainWindow.focus()
  })
  app.on('web-contents-created', (_e, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }))
  })
  app.on('window-all-closed', () => app.quit())
  app.on('activate', () => {
    if (mainWindow === null && services !== null) openWindow()
  })

  let quitting = false
  app.on('before-quit', (event) => {
    if (quitting || services === null) return
    // Stop workers and mark their jobs interrupted before the process goes away.
    event.preventDefault()
    quitting = true
    const s = services
    for (const d of disposers.splice(0).reverse()) d()
    void s.dispose().finally(() => app.exit(0))
  })

  app.whenReady().then(start).catch((err: unknown) => {
    log.error('the app failed to start', { error: err instanceof Error ? err.stack : String(err) })
    app.exit(1)
  })
}
