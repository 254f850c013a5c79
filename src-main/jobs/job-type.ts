// What the job manager needs to know about a kind of job. Each type is one small module in
// jobs/types/; the registry is built once in the composition root.
import type { z } from 'zod'
import type { JobStatus } from '../../src-shared/contracts'
import { AppError } from '../errors'
import type { JobRecord } from '../db/job-repository'
import type { SupervisorTiming } from './worker-supervisor'

/** Concurrency classes: at most `limit` running jobs per class. */
export type ResourceClass = 'cpu' | 'gpu' | 'io'

export const DEFAULT_RESOURCE_LIMITS: Record<ResourceClass, number> = { gpu: 1, cpu: 2, io: 2 }

export interface JobTypeDefinition {
  type: string
  /** The params schema from the contract (includes the `type` discriminator). */
  params: z.ZodType
  resource: ResourceClass
  /** The worker entry (src-main/workers/<worker>.ts) that runs it. */
  worker: string
  /** Statuses from which `resume` may run the job again. */
  resumableFrom: readonly JobStatus[]
  /** What the new attempt receives as `resumeFrom` (e.g. the last checkpoint, or null to restart). */
  resumeFrom(job: JobRecord): unknown
  /** Longer grace periods for workers that need them (a trainer saving a large checkpoint on cancel). */
  timing?: Partial<SupervisorTiming>
}

export class JobTypeRegistry {
  private readonly byType = new Map<string, JobTypeDefinition>()

  constructor(definitions: readonly JobTypeDefinition[]) {
    for (const d of definitions) {
      if (this.byType.has(d.type)) throw new Error(`job type ${d.type} is registered twice`)
      this.byType.set(d.type, d)
    }
  }

  get(type: string): JobTypeDefinition {
    const d = this.byType.get(type)
    if (!d) throw new AppError('INVALID_REQUEST', `unknown job type "${type}"`)
    return d
  }

  has(type: string): boolean {
    return this.byType.has(type)
  }
}
