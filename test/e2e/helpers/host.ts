// Starts the built browser host (`node out/main/serve.js`) the way a user runs `npm run serve`,
// and reads the URL it prints as its last start-up line.
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { resolve } from 'node:path'

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..', '..')
const SERVE_ENTRY = resolve(REPO_ROOT, 'out', 'main', 'serve.js')
const READY_LINE = /OpenBEATs Studio is running at (http:\/\/\S+)/

export interface RunningHost {
  /** The URL to open, with ?token=… */
  url: string
  /** http://127.0.0.1:PORT */
  origin: string
  token: string
  port: number
  /** Everything the host printed so far (for failure messages). */
  output(): string
  stop(): Promise<void>
}

export function builtHostExists(): boolean {
  return existsSync(SERVE_ENTRY)
}

function waitForExit(child: ChildProcess, ms: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true)
  return new Promise((done) => {
    const timer = setTimeout(() => done(false), ms)
    child.once('exit', () => {
      clearTimeout(timer)
      done(true)
    })
  })
}

export async function startBuiltHost(opts: { dataDir: string; args?: string[]; timeoutMs?: number }): Promise<RunningHost> {
  if (!builtHostExists()) throw new Error(`${SERVE_ENTRY} is missing: build the app first (npx electron-vite build; npm test does it)`)
  const child = spawn(process.execPath, [SERVE_ENTRY, '--port', '0', '--data-dir', opts.dataDir, ...(opts.args ?? [])], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  const url = await new Promise<string>((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`the host did not print its URL within ${opts.timeoutMs ?? 30_000} ms:\n${output}`)), opts.timeoutMs ?? 30_000)
    const onData = (chunk: Buffer) => {
      output += chunk.toString()
      const match = READY_LINE.exec(output)
      if (match) {
        clearTimeout(timer)
        ready(match[1])
      }
    }
    child.stdout?.on('data', onData)
    child.stderr?.on('data', onData)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      fail(new Error(`the host exited (code ${code}, signal ${signal}) before it was ready:\n${output}`))
    })
  })
  const parsed = new URL(url)
  return {
    url,
    origin: parsed.origin,
    token: parsed.searchParams.get('token') ?? '',
    port: Number(parsed.port),
    output: () => output,
    async stop() {
      child.kill('SIGTERM')
      if (!(await waitForExit(child, 10_000))) {
        child.kill('SIGKILL')
        await waitForExit(child, 5_000)
      }
    },
  }
}
