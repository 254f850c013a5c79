// Starts workers with child_process.fork. Built app: out/main/workers/<name>.js. Running from the
// TypeScript sources (vitest, tsx): src-main/workers/<name>.ts through the tsx loader.
import { fork, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { AppError } from '../errors'
import { assertWorkerName, type WorkerLauncher, type WorkerProcess } from './worker-launcher'
import type { ParentMessage } from './worker-protocol'

export interface WorkerEntry {
  file: string
  execArgv: string[]
  cwd?: string
}

export type WorkerEntryResolver = (name: string) => WorkerEntry

/** Bundled workers next to the entry that built the services (`join(__dirname, 'workers')`). */
export function builtWorkerEntries(workersDir: string): WorkerEntryResolver {
  return (name) => ({ file: join(workersDir, `${name}.js`), execArgv: [] })
}

const REPO_ROOT = resolve(__dirname, '..', '..')

/** TypeScript worker sources run through tsx (which resolves from the repository root). */
export function sourceWorkerEntries(workersDir: string = join(REPO_ROOT, 'src-main', 'workers')): WorkerEntryResolver {
  return (name) => ({ file: join(workersDir, `${name}.ts`), execArgv: ['--import', 'tsx'], cwd: REPO_ROOT })
}

/**
 * Built workers when this code runs from a bundle, the TypeScript sources when it runs under tsx
 * or vitest (this module is itself a .ts file then).
 */
export function defaultWorkerEntries(builtWorkersDir: string): WorkerEntryResolver {
  return __filename.endsWith('.ts') ? sourceWorkerEntries() : builtWorkerEntries(builtWorkersDir)
}

function wrap(child: ChildProcess): WorkerProcess {
  return {
    get pid() {
      return child.pid
    },
    send(message: ParentMessage) {
      // A worker that already exited cannot take messages; its exit is reported separately.
      if (child.connected) child.send(message, (err) => void err)
    },
    onMessage(handler) {
      child.on('message', (m) => handler(m))
    },
    onOutput(handler) {
      child.stdout?.setEncoding('utf8').on('data', (c: string) => handler('stdout', c))
      child.stderr?.setEncoding('utf8').on('data', (c: string) => handler('stderr', c))
    },
    onExit(handler) {
      child.once('exit', (code, signal) => handler({ code, signal }))
    },
    kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal)
    },
  }
}

export function createForkLauncher(opts: { resolveEntry: WorkerEntryResolver; env?: NodeJS.ProcessEnv }): WorkerLauncher {
  return {
    launch(name) {
      assertWorkerName(name)
      const entry = opts.resolveEntry(name)
      if (!existsSync(entry.file)) throw new AppError('WORKER_CRASHED', `worker ${name} cannot start: ${entry.file} does not exist (is the app built?)`)
      const child = fork(entry.file, [], {
        execArgv: entry.execArgv,
        cwd: entry.cwd,
        env: { ...process.env, ...opts.env },
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        serialization: 'json',
      })
      // An 'error' event without a listener would throw in the parent; the exit handler reports it.
      child.on('error', () => {})
      return wrap(child)
    },
  }
}
