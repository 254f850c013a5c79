// Job types that run the fixture workers in test/jobs/fixtures/workers, for the job-system tests.
import { resolve } from 'node:path'
import { z } from 'zod'
import { sourceWorkerEntries, type WorkerEntryResolver } from '../../src-main/jobs/fork-launcher'
import type { JobTypeDefinition } from '../../src-main/jobs/job-type'
import { BUILTIN_JOB_TYPES } from '../../src-main/jobs/types'

const FIXTURE_WORKERS = resolve(__dirname, '..', 'jobs', 'fixtures', 'workers')
const FIXTURE_NAMES = new Set(['blocking', 'silent', 'rogue', 'failing'])

/** Built-in workers from src-main/workers, fixture workers from the test folder. */
export function testWorkerEntries(): WorkerEntryResolver {
  const real = sourceWorkerEntries()
  const fixtures = sourceWorkerEntries(FIXTURE_WORKERS)
  return (name) => (FIXTURE_NAMES.has(name) ? fixtures(name) : real(name))
}

function fixtureType(type: string, worker: string, resource: JobTypeDefinition['resource'] = 'cpu'): JobTypeDefinition {
  return {
    type,
    params: z.object({ type: z.literal(type), stubborn: z.boolean().optional() }).strict(),
    resource,
    worker,
    resumableFrom: ['interrupted', 'failed', 'cancelled'],
    resumeFrom: (job) => job.checkpoint,
  }
}

export const TEST_JOB_TYPES: readonly JobTypeDefinition[] = [
  ...BUILTIN_JOB_TYPES,
  fixtureType('test-blocking', 'blocking'),
  fixtureType('test-blocking-gpu', 'blocking', 'gpu'),
  fixtureType('test-silent', 'silent'),
  fixtureType('test-rogue', 'rogue'),
  fixtureType('test-failing', 'failing'),
]
