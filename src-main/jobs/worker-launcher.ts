// How the job host starts a worker process, independent of the shell: child_process.fork under
// plain Node (host, CLI, tests), Electron's utilityProcess in the desktop app.
import type { ParentMessage } from './worker-protocol'

export interface WorkerExit {
  code: number | null
  signal: string | null
}

export interface WorkerProcess {
  readonly pid: number | undefined
  send(message: ParentMessage): void
  /** Each handler is registered once, by the supervisor. */
  onMessage(handler: (message: unknown) => void): void
  onOutput(handler: (stream: 'stdout' | 'stderr', chunk: string) => void): void
  onExit(handler: (exit: WorkerExit) => void): void
  kill(signal: 'SIGTERM' | 'SIGKILL'): void
}

export interface WorkerLauncher {
  /** Starts the worker entry `name` (a file of src-main/workers/). Throws when it cannot start. */
  launch(name: string): WorkerProcess
}

const WORKER_NAME = /^[a-z0-9][a-z0-9-]{0,63}$/

export function assertWorkerName(name: string): void {
  if (!WORKER_NAME.test(name)) throw new Error(`invalid worker name "${name}"`)
}
