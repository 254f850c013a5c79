// `npm run serve`: every main-process service plus the built renderer over HTTP + WebSocket.
import { join, resolve } from 'node:path'
import { createRouter } from '../ipc/router'
import { builtWorkerEntries, createForkLauncher } from '../jobs/fork-launcher'
import { defaultDataDir } from '../runtime/data-dir'
import { createStderrLogger } from '../runtime/logger'
import { createMainServices } from '../services/composition'
import { toErrorData } from '../errors'
import { parseServeArgs, SERVE_USAGE } from './args'
import { isLoopback, startHost } from './server'

async function main(): Promise<void> {
  let args
  try {
    args = parseServeArgs(process.argv.slice(2))
  } catch (err) {
    process.stderr.write(`error INVALID_REQUEST: ${err instanceof Error ? err.message : String(err)}\n${SERVE_USAGE}\n`)
    process.exit(2)
  }
  const log = createStderrLogger(args.logLevel)
  // The bundles sit in out/main: workers in out/main/workers, the renderer in out/renderer.
  const services = createMainServices({
    dataDir: args.dataDir ? resolve(args.dataDir) : defaultDataDir(),
    shell: 'host',
    launcher: createForkLauncher({ resolveEntry: builtWorkerEntries(join(__dirname, 'workers')) }),
    log,
  })
  const router = createRouter(services.handlers, { log: log.child('router'), checkResponses: process.env.NODE_ENV !== 'production' })

  if (args.project) {
    try {
      await services.handlers.projects.open({ dir: resolve(args.project) }, { signal: new AbortController().signal, transport: 'host' })
    } catch (err) {
      const e = toErrorData(err)
      process.stderr.write(`error ${e.code}: ${e.message}\n`)
      await services.dispose()
      process.exit(1)
    }
  }

  const host = await startHost({
    router,
    events: services.events,
    media: services.media,
    rendererDir: join(__dirname, '..', 'renderer'),
    log: log.child('host'),
    port: args.port,
    host: args.host,
  })
  if (!isLoopback(args.host)) {
    log.warn(`listening on ${args.host}, not only this machine: anyone who can reach port ${host.port} and has the token can use the app and read files it can read`)
  }

  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info(`${signal}: shutting down (running jobs become interrupted)`)
    const force = setTimeout(() => process.exit(1), 15_000)
    force.unref()
    await host.close()
    await services.dispose()
    process.exit(0)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))

  // The last start-up line; scripts and tests parse it.
  process.stdout.write(`OpenBEATs Studio is running at ${host.url}\n`)
}

main().catch((err) => {
  const e = toErrorData(err)
  process.stderr.write(`error ${e.code}: ${e.message}\n`)
  process.exit(1)
})
