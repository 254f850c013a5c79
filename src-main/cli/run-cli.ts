// `openbeats-studio COMMAND [ARGS]`: argument parsing, help, and the error convention every
// command shares — failures print `error CODE: message` on stderr; exit code 2 for usage errors,
// 130 when interrupted, 1 otherwise.
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { toErrorData } from '../errors'
import { createForkLauncher, defaultWorkerEntries } from '../jobs/fork-launcher'
import { APP_VERSION } from '../runtime/app-version'
import { defaultDataDir } from '../runtime/data-dir'
import { createStderrLogger } from '../runtime/logger'
import { createMainServices, type MainServices } from '../services/composition'
import type { CliCommand, CliIO, CommandContext } from './command'
import { COMMANDS } from './commands'

export const EXIT_OK = 0
export const EXIT_FAILURE = 1
export const EXIT_USAGE = 2
export const EXIT_INTERRUPTED = 130

function usage(commands: readonly CliCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length))
  return [
    `OpenBEATs Studio ${APP_VERSION} — command line`,
    '',
    'Usage: openbeats-studio COMMAND [ARGS]',
    '',
    'Commands:',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Run `openbeats-studio COMMAND --help` for the arguments of one command.',
    'Settings and recent projects live in OPENBEATS_DATA_DIR (default: the app data folder).',
  ].join('\n')
}

function commandUsage(c: CliCommand): string {
  return `Usage: openbeats-studio ${c.name} ${c.usage}\n\n${c.summary}${c.details ? `\n\n${c.details}` : ''}`
}

export interface RunCliOptions {
  /** Where the built workers are (the CLI bundle passes join(__dirname, 'workers')). */
  workersDir?: string
  signal?: AbortSignal
  commands?: readonly CliCommand[]
}

export async function runCli(argv: string[], io: CliIO, opts: RunCliOptions = {}): Promise<number> {
  const commands = opts.commands ?? COMMANDS
  const [name, ...rest] = argv
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    io.stdout.write(usage(commands) + '\n')
    return name === undefined ? EXIT_USAGE : EXIT_OK
  }
  if (name === '--version') {
    io.stdout.write(`${APP_VERSION}\n`)
    return EXIT_OK
  }
  const command = commands.find((c) => c.name === name)
  if (!command) {
    io.stderr.write(`error INVALID_REQUEST: unknown command "${name}"\n\n${usage(commands)}\n`)
    return EXIT_USAGE
  }

  let parsed
  try {
    parsed = parseArgs({ args: rest, options: { ...command.options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true })
  } catch (err) {
    io.stderr.write(`error INVALID_REQUEST: ${err instanceof Error ? err.message : String(err)}\n\n${commandUsage(command)}\n`)
    return EXIT_USAGE
  }
  if (parsed.values.help === true) {
    io.stdout.write(commandUsage(command) + '\n')
    return EXIT_OK
  }
  const { min, max } = command.positionals
  if (parsed.positionals.length < min || parsed.positionals.length > max) {
    io.stderr.write(`error INVALID_REQUEST: ${name} takes ${min === max ? min : `${min} to ${max}`} argument(s), got ${parsed.positionals.length}\n\n${commandUsage(command)}\n`)
    return EXIT_USAGE
  }

  // A holder rather than a `let`: the closure below assigns it.
  const built: { services: MainServices | null } = { services: null }
  const log = createStderrLogger(io.env.OPENBEATS_LOG_LEVEL === 'debug' ? 'debug' : 'warn')
  const ctx: CommandContext = {
    positionals: parsed.positionals,
    values: parsed.values,
    io,
    signal: opts.signal ?? new AbortController().signal,
    services() {
      built.services ??= createMainServices({
        dataDir: io.env.OPENBEATS_DATA_DIR ?? defaultDataDir(io.env),
        shell: 'cli',
        launcher: createForkLauncher({ resolveEntry: defaultWorkerEntries(opts.workersDir ?? join(__dirname, 'workers')) }),
        log,
      })
      return built.services
    },
  }

  try {
    return (await command.run(ctx)) ?? EXIT_OK
  } catch (err) {
    const e = toErrorData(err)
    io.stderr.write(`error ${e.code}: ${e.message}\n`)
    return e.code === 'INVALID_REQUEST' ? EXIT_USAGE : e.code === 'CANCELLED' ? EXIT_INTERRUPTED : EXIT_FAILURE
  } finally {
    await built.services?.dispose()
  }
}
