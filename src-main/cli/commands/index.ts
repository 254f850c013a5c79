import type { CliCommand } from '../command'
import { analyzeCommand } from './analyze'
import { demoCommand } from './demo'
import { embedCommand } from './embed'
import { exportCommand } from './export'
import { fbankCommand } from './fbank'
import { importCommand } from './import'
import { importAnnotationsCommand } from './import-annotations'
import { initCommand } from './init'
import { jobsCommand } from './jobs'
import { modelsCommand } from './models'
import { rescoreCommand } from './rescore'
import { searchCommand } from './search'
import { trainCommand } from './train'

/** Every command of `openbeats-studio`, in the order `help` lists them. */
export const COMMANDS: readonly CliCommand[] = [
  initCommand,
  importCommand,
  importAnnotationsCommand,
  modelsCommand,
  analyzeCommand,
  rescoreCommand,
  trainCommand,
  searchCommand,
  exportCommand,
  jobsCommand,
  demoCommand,
  fbankCommand,
  embedCommand,
]
