import type { Contract, DomainHandlers, ProjectInfo } from '../../src-shared/contracts'
import { AppError } from '../errors'
import type { MainCallContext } from '../ipc/router'
import { APP_VERSION } from '../runtime/app-version'
import type { EventBus } from './event-bus'
import type { ProjectSession } from './project-session'
import type { RecentProjectsStore } from './recent-projects-store'

export function createProjectHandlers(deps: { session: ProjectSession; recents: RecentProjectsStore; events: EventBus }): DomainHandlers<Contract['projects'], MainCallContext> {
  const { session, recents, events } = deps

  const openedInfo = (): ProjectInfo => {
    const info = session.info()
    if (!info) throw new AppError('INTERNAL', 'the project closed while it was being opened')
    recents.touch(info.dir, info.name)
    events.emit('project.changed', info)
    return info
  }

  return {
    create: async ({ dir, name }) => {
      await session.create(dir, name, APP_VERSION)
      return openedInfo()
    },
    open: async ({ dir }) => {
      await session.open(dir)
      return openedInfo()
    },
    close: async () => {
      const wasOpen = session.current() !== null
      await session.close()
      if (wasOpen) events.emit('project.changed', null)
      return null
    },
    current: async () => session.info(),
    recent: async () => recents.list(),
    forgetRecent: async ({ dir }) => {
      recents.forget(dir)
      return null
    },
  }
}
