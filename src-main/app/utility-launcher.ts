// Workers in the desktop app run as Electron utility processes (Chromium-supervised Node
// processes); the job host sees the same WorkerLauncher as under plain Node.
import { utilityProcess } from 'electron'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { AppError } from '../errors'
import { assertWorkerName, type WorkerLauncher } from '../jobs/worker-launcher'

export function createUtilityLauncher(workersDir: string): WorkerLauncher {
  return {
    launch(name) {
      assertWorkerName(name)
      const file = join(workersDir, `${name}.js`)
      if (!existsSync(file)) throw new AppError('WORKER_CRASHED', `worker ${name} cannot start: ${file} does not exist`)
      const child = utilityProcess.fork(file, [], { stdio: 'pipe', serviceName: `OpenBEATs Studio ${name} worker` })
      let exited = false
      child.once('exit', () => {
        exited = true
      })
      return {
        get pid() {
          return child.pid
        },
        send(message) {
          if (!exited) child.postMessage(message)
        },
        onMessage(handler) {
          child.on('message', (m: unknown) => handler(m))
        },
        onOutput(handler) {
          child.stdout?.setEncoding('utf8').on('data', (c: string) => handler('stdout', c))
          child.stderr?.setEncoding('utf8').on('data', (c: string) => handler('stderr', c))
        },
        onExit(handler) {
          // utilityProcess reports only a code; a signal death shows as a non-zero code.
          child.once('exit', (code: number) => handler({ code, signal: null }))
        },
        kill(signal) {
          if (exited) return
          if (signal === 'SIGTERM' || child.pid === undefined) child.kill()
          else {
            try {
              process.kill(child.pid, 'SIGKILL')
            } catch {
              // already gone
            }
          }
        },
      }
    },
  }
}
