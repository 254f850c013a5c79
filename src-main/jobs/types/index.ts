import type { JobTypeDefinition } from '../job-type'
import { scanFolderJob } from './scan-folder'

/** Every job type this build runs. Adding one: a module in this folder and a line here. */
export const BUILTIN_JOB_TYPES: readonly JobTypeDefinition[] = [scanFolderJob]
