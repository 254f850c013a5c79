// The `recordings` domain: the season browser's tree, list, detail and coverage, relinking moved
// folders, and editing inferred sites and deployments. Import runs as a job (worker `import`);
// this service turns that job's progress into `recordings.changed` events so an open browser
// fills while the import runs.
import type { Contract, DomainHandlers } from '../../src-shared/contracts'
import type { MainCallContext } from '../ipc/router'
import { computeCoverage } from '../season/coverage/coverage'
import type { Disposer, EventBus } from './event-bus'
import type { ProjectSession } from './project-session'
import { relinkRecordings } from './recordings-relink'
import { RecordingsRepository } from './recordings-repository'

/** While an import runs, the browser hears about new rows at most this often. */
const IMPORT_REFRESH_MS = 1000

export interface RecordingsService {
  handlers: DomainHandlers<Contract['recordings'], MainCallContext>
  dispose: Disposer
}

export function createRecordingsService(deps: { session: ProjectSession; events: EventBus }): RecordingsService {
  const { session, events } = deps
  // One repository per open database (prepared statements belong to a connection).
  let cached: { db: unknown; repo: RecordingsRepository } | null = null
  const repo = (): RecordingsRepository => {
    const { db } = session.require()
    if (cached?.db !== db) cached = { db, repo: new RecordingsRepository(db) }
    return cached.repo
  }

  const lastRefresh = new Map<number, number>()
  const offJobs = events.on('jobs.updated', (job) => {
    if (job.type !== 'import') return
    if (job.status === 'running') {
      const now = Date.now()
      if (now - (lastRefresh.get(job.id) ?? 0) < IMPORT_REFRESH_MS) return
      lastRefresh.set(job.id, now)
      events.emit('recordings.changed', { recordingIds: null })
    } else if (job.status !== 'queued') {
      lastRefresh.delete(job.id)
      events.emit('recordings.changed', { recordingIds: null })
      events.emit('project.changed', session.info())
    }
  })

  const handlers: RecordingsService['handlers'] = {
    tree: async () => repo().tree(),
    list: async ({ filter, sort, page }) => repo().list(filter, sort, page),
    get: async ({ id }) => repo().get(id),
    coverage: async ({ deploymentId }) => {
      const rows = repo().coverageRows(deploymentId)
      return computeCoverage(
        deploymentId,
        rows.map((r) => ({ id: r.id, startUtcMs: r.start_utc_ms, startLocalMs: r.start_local_ms, durationS: r.duration_s })),
      )
    },
    relink: async ({ fromDir, toDir }, ctx) => {
      const { db } = session.require()
      const result = await relinkRecordings(db, fromDir, toDir, ctx.signal)
      if (result.relinked > 0) {
        events.emit('recordings.changed', { recordingIds: result.recordingIds })
        events.emit('project.changed', session.info())
      }
      return { relinked: result.relinked, notFound: result.notFound, fingerprintMismatch: result.fingerprintMismatch }
    },
    updateSite: async ({ id, ...patch }) => {
      const site = repo().updateSite(id, patch)
      events.emit('recordings.changed', { recordingIds: null })
      return site
    },
    updateDeployment: async ({ id, ...patch }) => {
      const deployment = repo().updateDeployment(id, patch)
      events.emit('recordings.changed', { recordingIds: null })
      return deployment
    },
  }
  return { handlers, dispose: offJobs }
}
