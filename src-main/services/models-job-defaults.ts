// Analyze jobs run with the engine settings in force when they start: the thread count and the
// provider are written into the job's params, so a resumed job uses the same ones (the thread
// count decides the exact bytes of the embeddings) even if the settings changed meanwhile.
import type { Contract, DomainHandlers } from '../../src-shared/contracts'
import { defaultInferenceThreads } from '../analysis/inference-threads'
import type { MainCallContext } from '../ipc/router'
import type { SettingsStore } from './settings-store'

type JobHandlers = DomainHandlers<Contract['jobs'], MainCallContext>

export function withInferenceSettings(handlers: JobHandlers, settings: SettingsStore): JobHandlers {
  return {
    ...handlers,
    start: async (request, ctx) => {
      const params = request.params
      if (params.type !== 'analyze') return handlers.start(request, ctx)
      const s = settings.get()
      return handlers.start({ params: { ...params, threads: params.threads ?? s.inferenceThreads ?? defaultInferenceThreads(), provider: params.provider ?? s.executionProvider } }, ctx)
    },
  }
}
