// Supervises one worker process for one job attempt: the ready/init handshake with a timeout, typed
// messages in, the stderr tail, cancel escalation (message → SIGTERM → SIGKILL), and exactly one
// outcome once the process is gone. Nothing a worker does can throw into the caller.
import type { AppErrorData } from '../../src-shared/errors'
import { isErrorCode } from '../../src-shared/errors'
import type { Logger } from '../runtime/logger'
import { OutputTail } from './output-tail'
import type { WorkerExit, WorkerLauncher, WorkerProcess } from './worker-launcher'
import { ChildMessage, WORKER_PROTOCOL_VERSION, type InitMessage, type ProgressMessage } from './worker-protocol'

export interface SupervisorTiming {
  /** From start to the worker's `ready`. */
  handshakeMs: number
  /** From the cancel message to SIGTERM. */
  cancelGraceMs: number
  /** From SIGTERM to SIGKILL. */
  killGraceMs: number
  /** A worker that reported its result but does not exit is killed after this. */
  exitAfterResultMs: number
}

export const DEFAULT_SUPERVISOR_TIMING: SupervisorTiming = {
  handshakeMs: 30_000,
  cancelGraceMs: 5_000,
  killGraceMs: 3_000,
  exitAfterResultMs: 3_000,
}

export type WorkerOutcome =
  | { kind: 'result'; value: unknown }
  | { kind: 'error'; error: AppErrorData }
  | { kind: 'crashed'; exit: WorkerExit }
  | { kind: 'protocol'; message: string }

export interface WorkerListeners {
  onProgress(progress: ProgressMessage): void
  onLog(level: 'debug' | 'info' | 'warn' | 'error', message: string): void
  onCheckpoint(state: unknown): void
}

export interface SupervisedWorker {
  readonly pid: number | undefined
  /** Resolves after the process has exited. */
  readonly done: Promise<{ outcome: WorkerOutcome; stderrTail: string; exit: WorkerExit }>
  /** Cooperative cancel, escalating to signals if the worker does not stop. */
  cancel(): void
  kill(): void
}

export function superviseWorker(
  launcher: WorkerLauncher,
  workerName: string,
  init: InitMessage,
  listeners: WorkerListeners,
  opts: { timing: SupervisorTiming; log: Logger },
): SupervisedWorker {
  const { timing, log } = opts
  const tail = new OutputTail()
  const timers = new Set<NodeJS.Timeout>()
  let reported: WorkerOutcome | null = null
  let protocolError: string | null = null
  let ready = false
  let cancelling = false

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t)
      fn()
    }, ms)
    timers.add(t)
  }

  const proc: WorkerProcess = launcher.launch(workerName)
  const pid = proc.pid

  const failProtocol = (message: string) => {
    if (protocolError || reported) return
    protocolError = message
    log.warn('worker protocol error', { worker: workerName, pid, jobId: init.jobId, message })
    proc.kill('SIGKILL')
  }

  const done = new Promise<{ outcome: WorkerOutcome; stderrTail: string; exit: WorkerExit }>((resolve) => {
    proc.onExit((exit) => {
      for (const t of timers) clearTimeout(t)
      timers.clear()
      const outcome: WorkerOutcome = reported ?? (protocolError ? { kind: 'protocol', message: protocolError } : { kind: 'crashed', exit })
      resolve({ outcome, stderrTail: tail.toString(), exit })
    })
  })

  proc.onOutput((stream, chunk) => {
    if (stream === 'stderr') tail.push(chunk)
    else listeners.onLog('info', chunk.trimEnd().slice(0, 4000))
  })

  proc.onMessage((raw) => {
    const parsed = ChildMessage.safeParse(raw)
    if (!parsed.success) {
      failProtocol(`worker ${workerName} sent an invalid message: ${parsed.error.issues[0]?.message ?? 'unknown shape'}`)
      return
    }
    const msg = parsed.data
    if (reported || protocolError) return
    if (msg.t === 'ready') {
      if (ready) return
      if (msg.protocol !== WORKER_PROTOCOL_VERSION) {
        failProtocol(`worker ${workerName} speaks protocol ${msg.protocol}, expected ${WORKER_PROTOCOL_VERSION}`)
        return
      }
      ready = true
      proc.send(init)
      if (cancelling) proc.send({ t: 'cancel' })
      return
    }
    if (!ready) {
      failProtocol(`worker ${workerName} sent "${msg.t}" before the handshake`)
      return
    }
    switch (msg.t) {
      case 'progress':
        listeners.onProgress(msg)
        break
      case 'log':
        listeners.onLog(msg.level, msg.message)
        break
      case 'checkpoint':
        listeners.onCheckpoint(msg.state)
        break
      case 'result':
        reported = { kind: 'result', value: msg.value }
        later(timing.exitAfterResultMs, () => proc.kill('SIGKILL'))
        break
      case 'error':
        reported = {
          kind: 'error',
          error: {
            code: isErrorCode(msg.code) ? msg.code : 'INTERNAL',
            message: msg.message,
            ...(msg.details === undefined ? {} : { details: msg.details }),
          },
        }
        later(timing.exitAfterResultMs, () => proc.kill('SIGKILL'))
        break
    }
  })

  later(timing.handshakeMs, () => {
    if (!ready) failProtocol(`worker ${workerName} did not answer within ${timing.handshakeMs} ms of starting`)
  })

  return {
    pid,
    done,
    cancel() {
      if (cancelling) return
      cancelling = true
      if (ready) proc.send({ t: 'cancel' })
      later(timing.cancelGraceMs, () => {
        log.info('worker did not stop after cancel; sending SIGTERM', { worker: workerName, pid })
        proc.kill('SIGTERM')
        later(timing.killGraceMs, () => {
          log.warn('worker did not stop after SIGTERM; sending SIGKILL', { worker: workerName, pid })
          proc.kill('SIGKILL')
        })
      })
    },
    kill() {
      proc.kill('SIGKILL')
    },
  }
}
