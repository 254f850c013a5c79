// The `stats` domain: activity per day and per hour of day, normalised by recorded hours.
import type { Contract, DomainHandlers } from '../../src-shared/contracts'
import type { MainCallContext } from '../ipc/router'
import type { Disposer, EventBus } from './event-bus'
import type { OpenProject, ProjectSession } from './project-session'
import { activityCsv, activityFileName } from './stats-csv'
import { StatsRepository } from './stats-repository'

export interface StatsService {
  handlers: DomainHandlers<Contract['stats'], MainCallContext>
  dispose(): void
}

export function createStatsService(deps: { session: ProjectSession; events: EventBus }): StatsService {
  const { session, events } = deps
  const repositories = new WeakMap<OpenProject, StatsRepository>()

  function repository(): StatsRepository {
    const project = session.require()
    let repo = repositories.get(project)
    if (!repo) {
      repo = new StatsRepository(project.db)
      repositories.set(project, repo)
    }
    return repo
  }

  // Reviews (confirmed-only statistics), analyses and imports change the answers.
  const forget = () => {
    const project = session.current()
    if (project) repositories.get(project)?.freshness.bump()
  }
  const subscriptions: Disposer[] = [events.on('detections.changed', forget), events.on('recordings.changed', forget)]

  return {
    handlers: {
      activity: async ({ query }) => repository().activity(query),
      exportCsv: async ({ table, query }) => {
        const repo = repository()
        const scope = repo.describeScope(query)
        return { fileName: activityFileName(table, scope), text: activityCsv(table, repo.activity(query), scope) }
      },
    },
    dispose() {
      for (const off of subscriptions.splice(0)) off()
    },
  }
}
