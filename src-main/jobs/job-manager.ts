// The job manager: a persisted state machine per job (the jobs row is the truth), a queue with a
// concurrency limit per resource class, and one supervised worker process per running job.
// It follows the project session: attached when a project opens, and on close it stops its workers
// and leaves their jobs `interrupted` so they can be resumed.
import { TERMINAL_JOB_STATUSES, type JobLogLine, type JobSnapshot, type JobStatus } from '../../src-shared/contracts'
import type { AppErrorData } from '../../src-shared/errors'
import { JobRepository, toSnapshot, type FinishFields, type JobRecord } from '../db/job-repository'
import { AppError } from '../errors'
import type { Logger } from '../runtime/logger'
import type { EventBus } from '../services/event-bus'
import type { OpenProject, ProjectSession } from '../services/project-session'
import { DEFAULT_RESOURCE_LIMITS, type JobTypeDefinition, type JobTypeRegistry, type ResourceClass } from './job-type'
import { ProgressEstimator } from './progress-estimator'
import { throttle, type Throttled } from './throttle'
import type { WorkerLauncher } from './worker-launcher'
import { DEFAULT_SUPERVISOR_TIMING, superviseWorker, type SupervisedWorker, type SupervisorTiming, type WorkerOutcome } from './worker-supervisor'

export interface JobManagerTiming extends SupervisorTiming {
  /** Progress is written to the DB and pushed as an event at most this often. */
  progressIntervalMs: number
}

export interface JobManagerOptions {
  session: ProjectSession
  registry: JobTypeRegistry
  launcher: WorkerLauncher
  events: EventBus
  log: Logger
  limits?: Partial<Record<ResourceClass, number>>
  timing?: Partial<JobManagerTiming>
}

export interface JobManager {
  list(opts?: { limit?: number; status?: readonly JobStatus[] }): JobSnapshot[]
  get(id: number): JobSnapshot
  /** Queues a job (params are validated with the type's schema) and starts it when a slot is free. */
  start(params: { type: string } & Record<string, unknown>): JobSnapshot
  cancel(id: number): JobSnapshot
  resume(id: number): JobSnapshot
  logs(id: number, limit?: number): JobLogLine[]
  /** Resolves with the job once its status is one of `statuses` (default: terminal or interrupted). */
  waitFor(id: number, statuses?: readonly JobStatus[], timeoutMs?: number): Promise<JobSnapshot>
  dispose(): Promise<void>
}

const MAX_LOG_LINES_PER_ATTEMPT = 10_000
const MAX_LOG_CHARS = 4_000
const MAX_CHECKPOINT_CHARS = 1_000_000

interface RunningJob {
  id: number
  def: JobTypeDefinition
  worker: SupervisedWorker | null
  estimator: ProgressEstimator
  progress: Throttled<JobSnapshot['progress']>
  cancelRequested: boolean
  /** Set when the project closes or the app quits: the job ends `interrupted`, not cancelled. */
  stopping: boolean
  logLines: number
}

interface Attached {
  project: OpenProject
  repo: JobRepository
  running: Map<number, RunningJob>
  closing: boolean
}

const now = () => new Date().toISOString()

export function createJobManager(opts: JobManagerOptions): JobManager {
  const log = opts.log
  const timing: JobManagerTiming = { ...DEFAULT_SUPERVISOR_TIMING, progressIntervalMs: 100, ...opts.timing }
  const limits: Record<ResourceClass, number> = { ...DEFAULT_RESOURCE_LIMITS, ...opts.limits }
  let attached: Attached | null = null

  const requireAttached = (): Attached => {
    if (!attached) throw new AppError('NO_PROJECT_OPEN', 'no project is open; jobs live in a project')
    return attached
  }

  function record(a: Attached, id: number): JobRecord {
    const r = a.repo.get(id)
    if (!r) throw new AppError('JOB_NOT_FOUND', `job ${id} does not exist in this project`)
    return r
  }

  function publish(a: Attached, id: number): JobSnapshot {
    const snapshot = toSnapshot(record(a, id))
    opts.events.emit('jobs.updated', snapshot)
    return snapshot
  }

  function finish(a: Attached, id: number, fields: Omit<FinishFields, 'at'>): void {
    a.repo.finish(id, { ...fields, at: now() })
    publish(a, id)
  }

  function appendLog(a: Attached, rj: RunningJob, level: JobLogLine['level'], message: string): void {
    if (rj.logLines >= MAX_LOG_LINES_PER_ATTEMPT) return
    rj.logLines += 1
    const text = rj.logLines === MAX_LOG_LINES_PER_ATTEMPT ? '(further log lines of this attempt are dropped)' : message.slice(0, MAX_LOG_CHARS)
    a.repo.appendLog(rj.id, level, text, now())
  }

  function settle(a: Attached, rj: RunningJob, outcome: WorkerOutcome, stderrTail: string): void {
    rj.progress.flush()
    a.running.delete(rj.id)
    const tail = stderrTail.length > 0 ? stderrTail : null
    const name = rj.def.worker
    let fields: Omit<FinishFields, 'at'>
    if (outcome.kind === 'result') {
      const last = record(a, rj.id).progress
      if (last) a.repo.saveProgress(rj.id, { ...last, etaSeconds: last.total === null ? null : 0 }, now())
      fields = { status: 'succeeded', result: outcome.value }
    } else if (rj.stopping) {
      fields = { status: 'interrupted' }
    } else if (rj.cancelRequested) {
      fields = { status: 'cancelled' }
    } else if (outcome.kind === 'error') {
      fields = { status: 'failed', error: { code: outcome.error.code, message: outcome.error.message, stderrTail: tail } }
    } else if (outcome.kind === 'protocol') {
      fields = { status: 'failed', error: { code: 'WORKER_PROTOCOL', message: outcome.message, stderrTail: tail } }
    } else {
      const how = outcome.exit.signal ? `was killed by ${outcome.exit.signal}` : `exited with code ${outcome.exit.code}`
      fields = { status: 'failed', error: { code: 'WORKER_CRASHED', message: `the ${name} worker ${how} before finishing job ${rj.id}`, stderrTail: tail } }
    }
    log.info('job finished', { id: rj.id, type: rj.def.type, status: fields.status, ...(fields.error ? { code: fields.error.code } : {}) })
    finish(a, rj.id, fields)
    pump(a)
  }

  function launch(a: Attached, job: JobRecord, def: JobTypeDefinition): void {
    a.repo.markRunning(job.id, now())
    const rj: RunningJob = {
      id: job.id,
      def,
      worker: null,
      estimator: new ProgressEstimator(),
      progress: throttle((p) => {
        // Runs from a timer: an exception here would reach the process, so it is logged instead.
        try {
          a.repo.saveProgress(job.id, p, now())
          publish(a, job.id)
        } catch (err) {
          log.error('saving job progress failed', { id: job.id, error: err instanceof Error ? err.message : String(err) })
        }
      }, timing.progressIntervalMs),
      cancelRequested: false,
      stopping: false,
      logLines: 0,
    }
    a.running.set(job.id, rj)
    publish(a, job.id)
    try {
      rj.worker = superviseWorker(
        opts.launcher,
        def.worker,
        { t: 'init', jobId: job.id, projectDir: a.project.dir, params: job.params, resumeFrom: def.resumeFrom(job) ?? null },
        {
          onProgress: (p) => rj.progress.push(rj.estimator.update(p, Date.now())),
          onLog: (level, message) => appendLog(a, rj, level, message),
          onCheckpoint: (state) => {
            const text = JSON.stringify(state ?? null)
            if (text.length > MAX_CHECKPOINT_CHARS) {
              appendLog(a, rj, 'warn', `checkpoint of ${text.length} characters ignored (limit ${MAX_CHECKPOINT_CHARS})`)
              return
            }
            a.repo.saveCheckpoint(job.id, state ?? null, now())
          },
        },
        { timing: def.timing ? { ...timing, ...def.timing } : timing, log },
      )
    } catch (err) {
      const error: AppErrorData = err instanceof AppError ? err.toData() : { code: 'WORKER_CRASHED', message: `the ${def.worker} worker could not start: ${err instanceof Error ? err.message : String(err)}` }
      settle(a, rj, { kind: 'error', error }, '')
      return
    }
    log.info('job started', { id: job.id, type: def.type, pid: rj.worker.pid })
    rj.worker.done.then(
      ({ outcome, stderrTail }) => settle(a, rj, outcome, stderrTail),
      (err: unknown) => log.error('worker supervision failed', { id: job.id, error: String(err) }),
    )
  }

  // pump() is re-entered when a job fails to launch (settle → pump); the flag turns that into
  // another pass instead of a nested one working from a stale queue.
  let pumping = false
  let pumpAgain = false

  function pump(a: Attached): void {
    if (pumping) {
      pumpAgain = true
      return
    }
    pumping = true
    try {
      do {
        pumpAgain = false
        pumpOnce(a)
      } while (pumpAgain)
    } finally {
      pumping = false
    }
  }

  function pumpOnce(a: Attached): void {
    if (a.closing || attached !== a) return
    const busy: Record<string, number> = {}
    for (const rj of a.running.values()) busy[rj.def.resource] = (busy[rj.def.resource] ?? 0) + 1
    for (const job of a.repo.queued()) {
      if (a.running.has(job.id)) continue
      if (!opts.registry.has(job.type)) {
        finish(a, job.id, { status: 'failed', error: { code: 'INVALID_REQUEST', message: `job type "${job.type}" is not known to this version of the app` } })
        continue
      }
      const def = opts.registry.get(job.type)
      if ((busy[def.resource] ?? 0) >= limits[def.resource]) continue
      busy[def.resource] = (busy[def.resource] ?? 0) + 1
      launch(a, job, def)
    }
  }

  function attach(project: OpenProject): void {
    const a: Attached = { project, repo: new JobRepository(project.db), running: new Map(), closing: false }
    attached = a
    const leftovers = a.repo.interruptLeftovers(now())
    if (leftovers > 0) log.warn(`${leftovers} job(s) were running when the app last stopped; they are now interrupted`, { dir: project.dir })
    pump(a)
  }

  async function detach(): Promise<void> {
    const a = attached
    if (!a) return
    a.closing = true
    const waits: Promise<unknown>[] = []
    for (const rj of a.running.values()) {
      rj.stopping = true
      if (rj.worker) {
        rj.worker.cancel()
        waits.push(rj.worker.done)
      }
    }
    await Promise.all(waits)
    attached = null
  }

  const unsubscribe = [
    opts.session.onDidOpen(attach),
    opts.session.onWillClose(detach),
  ]
  const current = opts.session.current()
  if (current) attach(current)

  return {
    list(o = {}) {
      const a = requireAttached()
      return a.repo.list(o.limit ?? 100, o.status).map(toSnapshot)
    },

    get(id) {
      return toSnapshot(record(requireAttached(), id))
    },

    start(params) {
      const a = requireAttached()
      if (a.closing) throw new AppError('JOB_STATE', 'the project is closing; no new jobs start')
      const def = opts.registry.get(params.type)
      const parsed = def.params.safeParse(params)
      if (!parsed.success) throw new AppError('INVALID_REQUEST', `invalid params for a ${def.type} job: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`)
      const id = a.repo.insert(def.type, def.resource, parsed.data, now())
      publish(a, id)
      pump(a)
      return toSnapshot(record(a, id))
    },

    cancel(id) {
      const a = requireAttached()
      const job = record(a, id)
      const rj = a.running.get(id)
      if (rj) {
        if (!rj.cancelRequested) {
          rj.cancelRequested = true
          a.repo.setStatus(id, 'cancelling', now())
          publish(a, id)
          rj.worker?.cancel()
        }
        return toSnapshot(record(a, id))
      }
      if (job.status === 'queued' || job.status === 'interrupted') {
        finish(a, id, { status: 'cancelled' })
        return toSnapshot(record(a, id))
      }
      throw new AppError('JOB_STATE', `job ${id} is ${job.status}; only queued, running or interrupted jobs can be cancelled`)
    },

    resume(id) {
      const a = requireAttached()
      const job = record(a, id)
      const def = opts.registry.get(job.type)
      if (!def.resumableFrom.includes(job.status)) {
        throw new AppError('JOB_STATE', `${def.type} job ${id} is ${job.status}; it can be resumed only when ${def.resumableFrom.slice(0, -1).join(', ')}${def.resumableFrom.length > 1 ? ' or ' : ''}${def.resumableFrom.at(-1)}`)
      }
      a.repo.requeue(id, now())
      publish(a, id)
      pump(a)
      return toSnapshot(record(a, id))
    },

    logs(id, limit = 500) {
      const a = requireAttached()
      record(a, id)
      return a.repo.logs(id, limit)
    },

    waitFor(id, statuses = [...TERMINAL_JOB_STATUSES, 'interrupted'], timeoutMs = 60_000) {
      return new Promise<JobSnapshot>((resolve, reject) => {
        const check = (s: JobSnapshot) => {
          if (s.id !== id || !statuses.includes(s.status)) return
          cleanup()
          resolve(s)
        }
        const off = opts.events.on('jobs.updated', check)
        const timer = setTimeout(() => {
          cleanup()
          reject(new AppError('JOB_STATE', `job ${id} did not reach ${statuses.join('/')} within ${timeoutMs} ms`))
        }, timeoutMs)
        const cleanup = () => {
          off()
          clearTimeout(timer)
        }
        try {
          check(toSnapshot(record(requireAttached(), id)))
        } catch (err) {
          cleanup()
          reject(err)
        }
      })
    },

    async dispose() {
      for (const off of unsubscribe) off()
      await detach()
    },
  }
}
