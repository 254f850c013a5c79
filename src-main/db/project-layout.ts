import { join } from 'node:path'

/** The fixed layout of a project folder. */
export const PROJECT_DB_FILE = 'project.sqlite'
export const PROJECT_SUBDIRS = ['models', 'cache', 'exports'] as const

export function projectDbPath(projectDir: string): string {
  return join(projectDir, PROJECT_DB_FILE)
}
