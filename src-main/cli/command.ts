// What one CLI command is. Adding a command = one file in cli/commands/ and one line in its index.
import type { ParseArgsConfig } from 'node:util'
import { AppError } from '../errors'
import type { MainServices } from '../services/composition'

export type OptionSpec = NonNullable<ParseArgsConfig['options']>

export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }
  stderr: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }
  env: NodeJS.ProcessEnv
}

export interface CommandContext {
  positionals: string[]
  values: Record<string, string | boolean | (string | boolean)[] | undefined>
  io: CliIO
  signal: AbortSignal
  /** The main-process services, built on first use and disposed after the command. */
  services(): MainServices
}

export interface CliCommand {
  name: string
  /** One line for `openbeats-studio help`. */
  summary: string
  /** Arguments after the name, e.g. `PROJECT [--json]`. */
  usage: string
  /** What an option does, when the usage line cannot say it (printed by `COMMAND --help`). */
  details?: string
  options: OptionSpec
  positionals: { min: number; max: number }
  /** Returns the exit code (0 when omitted). */
  run(ctx: CommandContext): Promise<number | void>
}

export function stringOption(ctx: CommandContext, name: string): string | undefined {
  const v = ctx.values[name]
  return typeof v === 'string' ? v : undefined
}

export function flagOption(ctx: CommandContext, name: string): boolean {
  return ctx.values[name] === true
}

/** A numeric option that passes `check`; otherwise INVALID_REQUEST saying it must be `what`. */
export function numberOption(ctx: CommandContext, name: string, check: (n: number) => boolean, what: string): number | undefined {
  const text = stringOption(ctx, name)
  if (text === undefined) return undefined
  const n = Number(text)
  if (!(Number.isFinite(n) && check(n))) throw new AppError('INVALID_REQUEST', `--${name} must be ${what}, got "${text}"`)
  return n
}

/** An option holding a database id (a positive integer). */
export function idOption(ctx: CommandContext, name: string): number | undefined {
  return numberOption(ctx, name, (n) => Number.isSafeInteger(n) && n >= 1, 'a positive integer id')
}

/** `  CODE  path: reason` for a file that could not be read (most reasons already start with the path). */
export function fileProblemLine(p: { code: string; path: string; reason: string }): string {
  const reason = p.reason.startsWith(`${p.path}: `) ? p.reason.slice(p.path.length + 2) : p.reason
  return `  ${p.code}  ${p.path}: ${reason}`
}
