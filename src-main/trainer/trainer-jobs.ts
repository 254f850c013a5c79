// What the job manager needs to know about trainer jobs, shared by their job-type modules.
import type { SupervisorTiming } from '../jobs/worker-supervisor'

/** The worker entry (src-main/workers/trainer.ts) of every trainer job. */
export const TRAINER_WORKER_NAME = 'trainer'

/**
 * Cancelling a trainer job: the worker SIGTERMs the trainer, which finishes its step and saves a
 * checkpoint (a Large model's optimizer state is gigabytes) — so the supervisor waits longer than
 * for other workers before it signals the worker itself.
 */
export const TRAINER_JOB_TIMING: Partial<SupervisorTiming> = { cancelGraceMs: 90_000, killGraceMs: 10_000 }
