// Events pushed from the main process to every connected renderer.
import { JobSnapshot } from './jobs'
import { ProjectInfo } from './projects'

export const events = {
  /** A job changed (debounced to ~100 ms for progress). */
  'jobs.updated': JobSnapshot,
  /** The open project changed (opened, closed, or its counts moved). */
  'project.changed': ProjectInfo.nullable(),
}
