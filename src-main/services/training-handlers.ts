// The `training` domain: training-set previews, head versions with their evaluations and
// comparisons, retraining, the active-learning queue and window decisions, and model package
// zips. Training itself runs as the train-head job; this service tells the renderer when one
// registered a version.
import type { Contract, DomainHandlers, JobSnapshot, WindowDecision } from '../../src-shared/contracts'
import { AppError } from '../errors'
import type { MainCallContext } from '../ipc/router'
import { HeadTrainingsRepository } from '../training/head-trainings'
import { exportModelPackage } from '../training/package/export-package'
import { importModelPackage } from '../training/package/import-package'
import { proposeQueue } from '../training/review-queue'
import { trainingOptions } from '../training/training-options'
import { buildTrainingSet } from '../training/training-set'
import { compareVersions, listVersions, versionEvaluation } from '../training/versions'
import { WindowDecisionsRepository } from '../training/window-decisions'
import type { Disposer, EventBus } from './event-bus'
import { ModelsRepository } from './models-repository'
import type { ProjectSession } from './project-session'

export interface TrainingService {
  handlers: DomainHandlers<Contract['training'], MainCallContext>
  dispose(): void
}

export function createTrainingService(deps: { session: ProjectSession; events: EventBus }): TrainingService {
  const { session, events } = deps

  const handlers: TrainingService['handlers'] = {
    options: async () => trainingOptions(session.require().db),
    preview: async (request, ctx) => buildTrainingSet(session.require().db, request, { signal: ctx.signal }).report,
    versions: async (filter) => listVersions(session.require().db, filter),
    evaluation: async ({ modelId }) => versionEvaluation(session.require().db, modelId),
    compare: async ({ a, b }) => compareVersions(session.require().db, a, b),
    retrainParams: async ({ modelId }) => {
      const { db } = session.require()
      const row = new ModelsRepository(db).head(modelId)
      const params = new HeadTrainingsRepository(db).get(modelId)?.params
      if (!params) throw new AppError('INVALID_REQUEST', `head ${row.name} ${row.version} was not trained in this project: there are no settings to train it again with`)
      return { ...params, name: row.name, previousModelId: modelId }
    },
    queue: async ({ modelId, k, labelIds }, ctx) => {
      const { db, dir } = session.require()
      return proposeQueue({ db, projectDir: dir, modelId, ...(k === undefined ? {} : { k }), ...(labelIds ? { labelIds } : {}), signal: ctx.signal })
    },
    decide: async ({ relabelTo, ...input }) => {
      const { db } = session.require()
      const repo = new WindowDecisionsRepository(db)
      const window = { recordingId: input.recordingId, startS: input.startS, endS: input.endS }
      const base = { ...window, origin: input.origin, ...(input.modelId === undefined ? {} : { modelId: input.modelId }) }
      let result: WindowDecision[]
      if (relabelTo !== undefined && relabelTo !== input.labelId) {
        result = db.transaction(() => {
          repo.decide({ ...base, labelId: input.labelId, decision: 'absent' })
          return repo.decide({ ...base, labelId: relabelTo, decision: 'present' })
        }).immediate()
      } else {
        result = repo.decide({ ...base, labelId: input.labelId, decision: input.decision })
      }
      events.emit('annotations.changed', { recordingId: input.recordingId })
      return result
    },
    exportPackage: async ({ modelId, includeEncoder, outDir }, ctx) => {
      const { db, dir } = session.require()
      return exportModelPackage({ db, projectDir: dir, modelId, includeEncoder, ...(outDir === undefined ? {} : { outDir }), signal: ctx.signal })
    },
    importPackage: async ({ path, labelSetId, activate }, ctx) => {
      const { db, dir } = session.require()
      const result = importModelPackage({ db, projectDir: dir, path, ...(labelSetId === undefined ? {} : { labelSetId }), ...(activate === undefined ? {} : { activate }), signal: ctx.signal })
      events.emit('models.changed', { modelId: result.headId ?? result.encoderId })
      return result
    },
  }

  // The train-head worker registers versions from its own process; the models list must hear it.
  const onJob = (job: JobSnapshot): void => {
    if (job.type === 'train-head' && job.status === 'succeeded') events.emit('models.changed', { modelId: null })
  }
  const subscriptions: Disposer[] = [events.on('jobs.updated', onJob)]

  return {
    handlers,
    dispose() {
      for (const off of subscriptions.splice(0)) off()
    },
  }
}
