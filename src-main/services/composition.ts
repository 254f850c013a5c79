// The composition root: builds every main-process service in order, with plain constructor
// arguments, and disposes them in reverse. The Electron app, the browser host, the CLI and the
// tests all start here; they differ only in the shell-specific pieces they pass in.
import type { ContractHandlers } from '../../src-shared/contracts'
import type { MainCallContext } from '../ipc/router'
import { createJobManager, type JobManager, type JobManagerTiming } from '../jobs/job-manager'
import { JobTypeRegistry, type JobTypeDefinition, type ResourceClass } from '../jobs/job-type'
import { BUILTIN_JOB_TYPES } from '../jobs/types'
import type { WorkerLauncher } from '../jobs/worker-launcher'
import type { Logger } from '../runtime/logger'
import { createAppHandlers, createSettingsHandlers, createSystemHandlers, type FolderPicker } from './app-handlers'
import { createEventBus, type EventBus } from './event-bus'
import { createJobHandlers } from './job-handlers'
import { createModelsService } from './models-handlers'
import { withInferenceSettings } from './models-job-defaults'
import { createDetectionsService } from './detections-handlers'
import { createStatsService } from './stats-handlers'
import { createTrainingService } from './training-handlers'
import { createSearchService } from './search-handlers'
import { createTrainerHandlers, withTrainerSettings } from './trainer-handlers'
import { createMediaService, recordingAudioRoute, type MediaService } from './media'
import { createMediaCache, recordingMediaRoutes } from '../media'
import { createProjectHandlers } from './project-handlers'
import { createAnnotationsHandlers } from './annotations-handlers'
import { createLabelsHandlers } from './labels-handlers'
import { createRecordingsService } from './recordings-handlers'
import { createProjectSession, type ProjectSession } from './project-session'
import { createRecentProjectsStore, type RecentProjectsStore } from './recent-projects-store'
import { createSettingsStore, type SettingsStore } from './settings-store'

export type Shell = 'electron' | 'host' | 'cli' | 'test'

export interface MainServicesOptions {
  /** Settings and the recent-projects list live here. */
  dataDir: string
  shell: Shell
  launcher: WorkerLauncher
  /** Native folder dialog (Electron only). */
  pickFolder?: FolderPicker
  log: Logger
  /** Overrides for tests: extra job types, limits, timings. */
  jobTypes?: readonly JobTypeDefinition[]
  resourceLimits?: Partial<Record<ResourceClass, number>>
  jobTiming?: Partial<JobManagerTiming>
}

export interface MainServices {
  handlers: ContractHandlers<MainCallContext>
  events: EventBus
  session: ProjectSession
  jobs: JobManager
  media: MediaService
  settings: SettingsStore
  recents: RecentProjectsStore
  dispose(): Promise<void>
}

export function createMainServices(opts: MainServicesOptions): MainServices {
  const log = opts.log
  const events = createEventBus(log.child('events'))
  const settings = createSettingsStore({ dataDir: opts.dataDir, log: log.child('settings') })
  const recents = createRecentProjectsStore({ dataDir: opts.dataDir, log: log.child('recent') })
  const session = createProjectSession({ log: log.child('project') })
  const jobs = createJobManager({
    session,
    registry: new JobTypeRegistry(opts.jobTypes ?? BUILTIN_JOB_TYPES),
    launcher: opts.launcher,
    events,
    log: log.child('jobs'),
    limits: opts.resourceLimits,
    timing: opts.jobTiming,
  })
  const mediaLog = log.child('media')
  const media = createMediaService({
    session,
    log: mediaLog,
    routes: [recordingAudioRoute(), ...recordingMediaRoutes(createMediaCache({ log: mediaLog }), mediaLog)],
  })

  const recordings = createRecordingsService({ session, events })

  const detections = createDetectionsService({ session, events })
  const stats = createStatsService({ session, events })
  const training = createTrainingService({ session, events })
  const search = createSearchService({ session })
  const models = createModelsService({ session, events, settings })

  const handlers: ContractHandlers<MainCallContext> = {
    app: createAppHandlers({ shell: opts.shell === 'electron' ? 'electron' : 'host', dataDir: opts.dataDir, pickFolder: opts.pickFolder }),
    settings: createSettingsHandlers(settings),
    system: createSystemHandlers({ pickFolder: opts.pickFolder }),
    projects: createProjectHandlers({ session, recents, events }),
    jobs: withTrainerSettings(withInferenceSettings(createJobHandlers({ jobs, session, events }), settings), settings),
    recordings: recordings.handlers,
    labels: createLabelsHandlers({ session }),
    annotations: createAnnotationsHandlers({ session, events }),
    detections: detections.handlers,
    models: models.handlers,
    stats: stats.handlers,
    training: training.handlers,
    search: search.handlers,
    trainer: createTrainerHandlers({ session, settings, jobs }),
  }

  let disposed: Promise<void> | null = null
  return {
    handlers,
    events,
    session,
    jobs,
    media,
    settings,
    recents,
    dispose() {
      // Reverse order of construction: jobs stop (and are marked interrupted) before the DB closes.
      disposed ??= (async () => {
        await jobs.dispose()
        models.dispose()
        search.dispose()
        training.dispose()
        stats.dispose()
        detections.dispose()
        await session.dispose()
        recordings.dispose()
        events.dispose()
      })()
      return disposed
    },
  }
}
