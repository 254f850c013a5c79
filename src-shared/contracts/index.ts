// The one contract: every domain the renderer may call, and every event it may receive.
import type { z } from 'zod'
import type { CallContext, ContractSpec, DomainClient, DomainHandlers } from './define'
import { appContract, settingsContract, systemContract } from './app'
import { projectsContract } from './projects'
import { jobsContract } from './jobs'
import { recordingsContract } from './recordings'
import { labelsContract } from './labels'
import { annotationsContract } from './annotations'
import { detectionsContract } from './detections'
import { modelsContract } from './models'
import { statsContract } from './stats'
import { trainingContract } from './training'
import { searchContract } from './search'
import { trainerContract } from './trainer'
import { events } from './events'

export const contract = {
  app: appContract,
  settings: settingsContract,
  system: systemContract,
  projects: projectsContract,
  jobs: jobsContract,
  recordings: recordingsContract,
  labels: labelsContract,
  annotations: annotationsContract,
  detections: detectionsContract,
  models: modelsContract,
  stats: statsContract,
  training: trainingContract,
  search: searchContract,
  trainer: trainerContract,
} satisfies ContractSpec

export { events }

export type Contract = typeof contract
export type DomainName = keyof Contract
export type EventName = keyof typeof events
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>

/** The renderer's view: `api.projects.open({dir})`, `api.on('jobs.updated', fn)`. */
export type ApiClient = { [D in DomainName]: DomainClient<Contract[D]> } & {
  on<E extends EventName>(event: E, handler: (payload: EventPayload<E>) => void): () => void
}

/** The main process's side: one handler per method. */
export type ContractHandlers<Ctx = CallContext> = { [D in DomainName]: DomainHandlers<Contract[D], Ctx> }

/** Every wire method id, e.g. 'projects.open'. */
export function methodIds(): string[] {
  return Object.entries(contract).flatMap(([d, spec]) => Object.keys(spec).map((m) => `${d}.${m}`))
}

export * from './define'
export * from './common'
export * from './app'
export * from './projects'
export * from './jobs'
export * from './wire'
export * from './recordings'
export * from './labels'
export * from './annotations'
export * from './detections'
export * from './models'
export * from './stats'
export * from './training'
export * from './search'
export * from './media'
export * from './trainer-params'
export * from './trainer'
