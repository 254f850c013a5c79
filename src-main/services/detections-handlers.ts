// The `detections` domain: review table, decisions, histograms and facets over the open project.
import type { Contract, DomainHandlers } from '../../src-shared/contracts'
import type { MainCallContext } from '../ipc/router'
import { DetectionRepository } from './detections-repository'
import type { Disposer, EventBus } from './event-bus'
import type { OpenProject, ProjectSession } from './project-session'

export interface DetectionsService {
  handlers: DomainHandlers<Contract['detections'], MainCallContext>
  /** The open project's repository (other services and tests). */
  repository(): DetectionRepository
  dispose(): void
}

const DEFAULT_BINS = 50

export function createDetectionsService(deps: { session: ProjectSession; events: EventBus; now?: () => Date }): DetectionsService {
  const { session, events } = deps
  const now = deps.now ?? (() => new Date())
  const repositories = new WeakMap<OpenProject, DetectionRepository>()

  function repository(): DetectionRepository {
    const project = session.require()
    let repo = repositories.get(project)
    if (!repo) {
      repo = new DetectionRepository(project.db)
      repositories.set(project, repo)
    }
    return repo
  }

  // Writers in this process (analysis, imports, another window's review) announce their changes;
  // cached totals and facets must not outlive them.
  let announcingOwnReview = false
  const forget = () => {
    if (announcingOwnReview) return
    const project = session.current()
    if (project) repositories.get(project)?.freshness.bump()
  }
  const subscriptions: Disposer[] = [events.on('detections.changed', forget), events.on('recordings.changed', forget)]

  const handlers: DetectionsService['handlers'] = {
    list: async ({ filter, sort, offset, limit }) => repository().list(filter, sort, offset, limit),
    get: async ({ id }) => repository().get(id),
    review: async ({ id, state, labelId }) => {
      const { row, recordingId } = repository().review(id, state, labelId, now().toISOString())
      // The repository already kept what the decision left valid; our own event must not drop it.
      announcingOwnReview = true
      try {
        events.emit('detections.changed', { recordingIds: [recordingId] })
      } finally {
        announcingOwnReview = false
      }
      return row
    },
    histogram: async ({ labelId, modelId, bins, filter }) => repository().histogram(labelId, modelId, bins ?? DEFAULT_BINS, filter),
    countAbove: async ({ labelId, threshold, filter }) => repository().countAbove(labelId, threshold, filter),
    facets: async () => repository().facets(),
  }

  return {
    handlers,
    repository,
    dispose() {
      for (const off of subscriptions.splice(0)) off()
    },
  }
}
