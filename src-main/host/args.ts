import { parseArgs } from 'node:util'
import type { LogLevel } from '../runtime/logger'

export interface ServeArgs {
  port: number
  host: string
  project?: string
  dataDir?: string
  logLevel: LogLevel
}

export const SERVE_USAGE = `Usage: npm run serve [-- --port N] [--host ADDRESS] [--project DIR] [--data-dir DIR] [--log-level debug|info|warn|error]

  --port N         listen on port N (default: a free port)
  --host ADDRESS   bind to ADDRESS instead of 127.0.0.1 (anyone who can reach it and has the token can use the app)
  --project DIR    open this project at start
  --data-dir DIR   settings and recent projects (default: the app's data folder)`

/** Parses the host's command line; throws with a message meant for the user. */
export function parseServeArgs(argv: string[]): ServeArgs {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      project: { type: 'string' },
      'data-dir': { type: 'string' },
      'log-level': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  })
  const port = values.port === undefined ? 0 : Number(values.port)
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port must be an integer from 0 to 65535, got "${values.port}"`)
  const logLevel = values['log-level'] ?? 'info'
  if (!['debug', 'info', 'warn', 'error'].includes(logLevel)) throw new Error(`--log-level must be debug, info, warn or error, got "${logLevel}"`)
  return {
    port,
    host: values.host ?? '127.0.0.1',
    project: values.project,
    dataDir: values['data-dir'],
    logLevel: logLevel as LogLevel,
  }
}
