// Every schema step, in order. Adding one: a new file NNN-name.ts and one line here; numbers only
// ever increase (checked at start-up by assertMigrationOrder and by a test).
import type { Migration } from './migration'
import { migration001 } from './001-initial'
import { migration002 } from './002-season'
import { migration003 } from './003-detection-review'
import { migration004 } from './004-analysis'
import { migration005 } from './005-training'
import { migration006 } from './006-drop-window-table'
import { migration007 } from './007-fewer-detection-indexes'

export type { Migration } from './migration'

export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004, migration005, migration006, migration007]
