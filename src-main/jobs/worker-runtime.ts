// The child side of the worker protocol. A worker entry is one call:
//   runWorker({ name: 'scan-folder', params: ScanFolderParams, run: async (ctx) => result })
// The runtime does the handshake, turns `cancel` (and SIGTERM, and the parent going away) into
// ctx.signal, throttles progress, and reports the result or the error before exiting.
import type { z } from 'zod'
import { toErrorData } from '../errors'
import { throttle } from './throttle'
import { ParentMessage, WORKER_PROTOCOL_VERSION, type ChildMessage, type InitMessage } from './worker-protocol'

export interface WorkerContext<P> {
  jobId: number
  projectDir: string
  params: P
  /** The state of the last `checkpoint()` of an earlier attempt, or null on a first run. */
  resumeFrom: unknown
  signal: AbortSignal
  progress(done: number, total: number | null, unit: string, message?: string): void
  log(level: 'debug' | 'info' | 'warn' | 'error', message: string): void
  /** Records that the work up to `state` is committed; a resumed attempt gets it back. */
  checkpoint(state: unknown): void
}

export interface WorkerSpec<P> {
  name: string
  params: z.ZodType<P>
  run(ctx: WorkerContext<P>): Promise<unknown>
}

interface ParentChannel {
  send(message: ChildMessage): Promise<void>
  onMessage(handler: (message: unknown) => void): void
  onDisconnect(handler: () => void): void
}

/** Electron's utilityProcess gives the child `process.parentPort` instead of process.send. */
interface ParentPortLike {
  on(event: 'message', listener: (e: { data: unknown }) => void): void
  postMessage(message: unknown): void
}

function connectToParent(): ParentChannel | null {
  const port = (process as unknown as { parentPort?: ParentPortLike }).parentPort
  if (port) {
    return {
      // utilityProcess has no delivery callback; a short pause lets the message leave before exit.
      send: (m) => {
        port.postMessage(m)
        return new Promise((r) => setTimeout(r, 50))
      },
      onMessage: (h) => port.on('message', (e) => h(e.data)),
      onDisconnect: () => {},
    }
  }
  const send = process.send?.bind(process)
  if (!send) return null
  return {
    send: (m) => new Promise((resolve) => {
      if (!process.connected) return resolve()
      send(m, undefined, undefined, () => resolve())
    }),
    onMessage: (h) => process.on('message', h),
    onDisconnect: (h) => process.on('disconnect', h),
  }
}

const PROGRESS_INTERVAL_MS = 50
const INIT_TIMEOUT_MS = 60_000
const TERM_GRACE_MS = 2_000

export function runWorker<P>(spec: WorkerSpec<P>): void {
  const connected = connectToParent()
  if (!connected) {
    process.stderr.write(`${spec.name}: this is an OpenBEATs Studio worker; the app starts it as a child process\n`)
    process.exitCode = 2
    return
  }
  const channel: ParentChannel = connected
  const controller = new AbortController()
  let init: InitMessage | null = null
  let exiting = false
  const progress = throttle((m: ChildMessage) => void channel.send(m), PROGRESS_INTERVAL_MS)

  const exit = async (message: ChildMessage, code: number) => {
    if (exiting) return
    exiting = true
    progress.flush()
    await channel.send(message)
    process.exit(code)
  }

  const stopSoon = (why: string) => {
    controller.abort()
    setTimeout(() => {
      process.stderr.write(`[worker ${spec.name} pid ${process.pid}] still running ${TERM_GRACE_MS} ms after ${why}; exiting\n`)
      process.exit(143)
    }, TERM_GRACE_MS).unref()
  }

  process.on('SIGTERM', () => stopSoon('SIGTERM'))
  // Ctrl-C in a terminal reaches the whole process group; the app decides what happens to its
  // workers (on shutdown their jobs become interrupted, not crashed), so the worker ignores it.
  process.on('SIGINT', () => {})
  channel.onDisconnect(() => stopSoon('the app went away'))

  const initTimer = setTimeout(() => {
    process.stderr.write(`[worker ${spec.name} pid ${process.pid}] no init message from the app within ${INIT_TIMEOUT_MS} ms\n`)
    process.exit(2)
  }, INIT_TIMEOUT_MS)

  channel.onMessage((raw) => {
    const parsed = ParentMessage.safeParse(raw)
    if (!parsed.success) {
      process.stderr.write(`[worker ${spec.name}] ignored an invalid message from the app\n`)
      return
    }
    const msg = parsed.data
    if (msg.t === 'cancel') {
      controller.abort()
      return
    }
    if (init) return
    init = msg
    clearTimeout(initTimer)
    void start(msg)
  })

  async function start(msg: InitMessage): Promise<void> {
    process.stderr.write(`[worker ${spec.name} pid ${process.pid}] job ${msg.jobId} started${msg.resumeFrom ? ' (resuming)' : ''}\n`)
    const params = spec.params.safeParse(msg.params)
    if (!params.success) {
      await exit({ t: 'error', code: 'INVALID_REQUEST', message: `invalid params for ${spec.name}: ${params.error.issues.map((i) => i.message).join('; ')}` }, 1)
      return
    }
    const ctx: WorkerContext<P> = {
      jobId: msg.jobId,
      projectDir: msg.projectDir,
      params: params.data,
      resumeFrom: msg.resumeFrom ?? null,
      signal: controller.signal,
      progress: (done, total, unit, message) => progress.push({ t: 'progress', done, total, unit, message: message ?? null }),
      log: (level, message) => void channel.send({ t: 'log', level, message: message.slice(0, 20_000) }),
      checkpoint: (state) => {
        // Progress reported before the checkpoint must not arrive after it.
        progress.flush()
        void channel.send({ t: 'checkpoint', state })
      },
    }
    try {
      const value = await spec.run(ctx)
      await exit({ t: 'result', value: value ?? null }, 0)
    } catch (err) {
      const data = toErrorData(err)
      await exit({ t: 'error', code: data.code, message: data.message.slice(0, 20_000), ...(data.details === undefined ? {} : { details: data.details }) }, 1)
    }
  }

  void channel.send({ t: 'ready', protocol: WORKER_PROTOCOL_VERSION, worker: spec.name, pid: process.pid })
}
