// Events pushed from the main process to every connected renderer.
import { JobSnapshot } from './jobs'
import { ProjectInfo } from './projects'
import { z } from 'zod'

export const events = {
  /** A job changed (debounced to ~100 ms for progress). */
  'jobs.updated': JobSnapshot,
  /** The open project changed (opened, closed, or its counts moved). */
  'project.changed': ProjectInfo.nullable(),
  /** Recordings, sites or deployments were added or changed (import, relink, edits). */
  'recordings.changed': z.object({ recordingIds: z.array(z.number()).nullable() }),
  /** Annotations of a recording changed (another window, an import). */
  'annotations.changed': z.object({ recordingId: z.number().nullable() }),
  /** Detections were (re)computed or reviewed. */
  'detections.changed': z.object({ recordingIds: z.array(z.number()).nullable() }),
  /** Models were registered, activated or removed. */
  'models.changed': z.object({ modelId: z.number().nullable() }),
}
