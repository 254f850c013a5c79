import type { Contract, DomainHandlers } from '../../src-shared/contracts'
import type { MainCallContext } from '../ipc/router'
import type { JobManager } from '../jobs/job-manager'
import type { EventBus } from './event-bus'
import type { ProjectSession } from './project-session'

export function createJobHandlers(deps: { jobs: JobManager; session: ProjectSession; events: EventBus }): DomainHandlers<Contract['jobs'], MainCallContext> {
  const { jobs } = deps
  return {
    list: async ({ limit, status }) => jobs.list({ limit, status }),
    get: async ({ id }) => jobs.get(id),
    start: async ({ params }) => {
      const snapshot = jobs.start(params)
      // The project's job count moved.
      deps.events.emit('project.changed', deps.session.info())
      return snapshot
    },
    cancel: async ({ id }) => jobs.cancel(id),
    resume: async ({ id }) => jobs.resume(id),
    logs: async ({ id, limit }) => jobs.logs(id, limit),
  }
}
