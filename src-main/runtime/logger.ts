// One small logging interface for every main-process module, so tests can capture what was logged
// and the shells decide where lines go (stderr for the host and CLI, a file later for Electron).

export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

export type LogFields = Record<string, unknown>

export interface Logger {
  debug(message: string, fields?: LogFields): void
  info(message: string, fields?: LogFields): void
  warn(message: string, fields?: LogFields): void
  error(message: string, fields?: LogFields): void
  /** A logger whose lines carry `scope` (e.g. 'router', 'jobs'). */
  child(scope: string): Logger
}

export interface LogRecord {
  level: LogLevel
  scope: string
  message: string
  fields?: LogFields
}

const LEVEL_ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 }

function formatFields(fields: LogFields | undefined): string {
  if (!fields || Object.keys(fields).length === 0) return ''
  try {
    return ' ' + JSON.stringify(fields)
  } catch {
    return ' [unserialisable fields]'
  }
}

/** A logger built on a sink; `minLevel` drops chattier lines. */
export function createLogger(sink: (record: LogRecord) => void, minLevel: LogLevel = 'info', scope = ''): Logger {
  const write = (level: LogLevel) => (message: string, fields?: LogFields) => {
    if (LEVEL_ORDER[level] < LEVEL_ORDER[minLevel]) return
    sink(fields === undefined ? { level, scope, message } : { level, scope, message, fields })
  }
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    child: (s) => createLogger(sink, minLevel, scope ? `${scope}.${s}` : s),
  }
}

/** Lines on stderr: stdout stays free for the things a user or script reads (URLs, --json). */
export function createStderrLogger(minLevel: LogLevel = 'info'): Logger {
  return createLogger((r) => {
    const scope = r.scope ? ` [${r.scope}]` : ''
    process.stderr.write(`${new Date().toISOString()} ${r.level.toUpperCase()}${scope} ${r.message}${formatFields(r.fields)}\n`)
  }, minLevel)
}

/** Keeps records in memory (tests assert on them). */
export function createMemoryLogger(minLevel: LogLevel = 'debug'): Logger & { records: LogRecord[] } {
  const records: LogRecord[] = []
  return Object.assign(createLogger((r) => records.push(r), minLevel), { records })
}

export const silentLogger: Logger = createLogger(() => {}, 'error')
