// The `search` domain: search by example over the stored window embeddings. The index of the last
// analysis searched stays in memory until its embeddings change or the project closes.
import type { Contract, DomainHandlers } from '../../src-shared/contracts'
import type { MainCallContext } from '../ipc/router'
import { searchByExample } from '../training/search-by-example'
import { SearchIndexCache } from '../training/search-index-cache'
import type { Disposer } from './event-bus'
import type { ProjectSession } from './project-session'

export interface SearchService {
  handlers: DomainHandlers<Contract['search'], MainCallContext>
  dispose(): void
}

export function createSearchService(deps: { session: ProjectSession; threads?: number }): SearchService {
  const { session } = deps
  const cache = new SearchIndexCache({ ...(deps.threads === undefined ? {} : { threads: deps.threads }) })
  const subscriptions: Disposer[] = [session.onWillClose(() => cache.clear())]
  return {
    handlers: {
      query: async (request, ctx) => {
        const { db, dir } = session.require()
        return searchByExample(db, dir, cache, request, ctx.signal)
      },
    },
    dispose() {
      for (const off of subscriptions.splice(0)) off()
      cache.clear()
    },
  }
}
