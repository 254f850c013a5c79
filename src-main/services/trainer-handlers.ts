// The trainer domain (environment check, cluster bundles, importing a result, training history,
// tokenizers) and the settings every trainer job starts with. The jobs themselves run in the
// trainer worker (src-main/trainer/trainer-worker.ts).
import { existsSync } from 'node:fs'
import { TrainingRunResult, type Contract, type DomainHandlers, type TokenizerInfo } from '../../src-shared/contracts'
import type { MainCallContext } from '../ipc/router'
import type { JobManager } from '../jobs/job-manager'
import { exportBundle } from '../trainer/bundle'
import { readHistory } from '../trainer/history'
import { jobFolder } from '../trainer/job-folder'
import { checkTrainerEnvironment } from '../trainer/python-env'
import { resolvePython, trainerDir } from '../trainer/trainer-location'
import type { ProjectSession } from './project-session'
import type { SettingsStore } from './settings-store'

type TrainerHandlers = DomainHandlers<Contract['trainer'], MainCallContext>
type JobHandlers = DomainHandlers<Contract['jobs'], MainCallContext>

export function createTrainerHandlers(deps: { session: ProjectSession; settings: SettingsStore; jobs: JobManager }): TrainerHandlers {
  const python = (given?: string) => resolvePython(given ?? deps.settings.get().pythonPath)
  return {
    check: async ({ python: given }, ctx) => checkTrainerEnvironment({ python: python(given), signal: ctx.signal }),

    exportBundle: async (request, ctx) => {
      const project = deps.session.require()
      return exportBundle({
        db: project.db,
        projectDir: project.dir,
        params: request.params,
        outDir: request.outDir,
        copyAudio: request.copyAudio ?? false,
        nprocPerNode: request.nprocPerNode ?? 1,
        python: python(request.params.python),
        trainerDir: trainerDir(),
        signal: ctx.signal,
      })
    },

    importResult: async (request) => {
      deps.session.require()
      return deps.jobs.start({ type: 'trainer-import', ...request, python: python() })
    },

    history: async ({ jobId }) => {
      const project = deps.session.require()
      deps.jobs.get(jobId)
      return readHistory(jobFolder(project.dir, jobId).history, jobId)
    },

    tokenizers: async () => {
      deps.session.require()
      const out: TokenizerInfo[] = []
      for (const job of deps.jobs.list({ limit: 1000, status: ['succeeded'] })) {
        if (job.type !== 'tokenizer') continue
        const result = TrainingRunResult.safeParse(job.result)
        const path = result.success ? result.data.tokenizerPath : null
        if (!path || !existsSync(path)) continue
        const kind = job.params.hparams && typeof job.params.hparams === 'object' && (job.params.hparams as Record<string, unknown>).kind === 'random' ? 'random' : 'vq'
        out.push({ jobId: job.id, path, kind, createdAt: job.finishedAt ?? job.createdAt })
      }
      return out
    },
  }
}

/**
 * Trainer jobs run with the Python interpreter set when they start (written into their params), so
 * a resumed job uses the same one even if the setting changed meanwhile.
 */
export function withTrainerSettings(handlers: JobHandlers, settings: SettingsStore): JobHandlers {
  return {
    ...handlers,
    start: async (request, ctx) => {
      const params = request.params
      switch (params.type) {
        case 'finetune':
        case 'pretrain':
        case 'tokenizer':
        case 'gpu-embed':
        case 'trainer-import':
          if (params.python === undefined) return handlers.start({ params: { ...params, python: resolvePython(settings.get().pythonPath) } }, ctx)
      }
      return handlers.start(request, ctx)
    },
  }
}
