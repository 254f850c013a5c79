// Every schema step, in order. Adding one: a new file NNN-name.ts and one line here; numbers only
// ever increase (checked at start-up by assertMigrationOrder and by a test).
import type { Migration } from './migration'
import { migration001 } from './001-initial'

export type { Migration } from './migration'

export const MIGRATIONS: readonly Migration[] = [migration001]
