import type { CliCommand } from '../command'
import { initCommand } from './init'
import { jobsCommand } from './jobs'

/** Every command of `openbeats-studio`, in the order `help` lists them. */
export const COMMANDS: readonly CliCommand[] = [initCommand, jobsCommand]
