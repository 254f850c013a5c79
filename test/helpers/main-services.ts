// Builds the real main-process services for tests: temp data dir, fork launcher over the
// TypeScript worker sources, short timings, and a memory logger to assert on.
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { JobSnapshot } from '../../src-shared/contracts'
import { createForkLauncher, sourceWorkerEntries, type WorkerEntryResolver } from '../../src-main/jobs/fork-launcher'
import type { JobManagerTiming } from '../../src-main/jobs/job-manager'
import type { JobTypeDefinition, ResourceClass } from '../../src-main/jobs/job-type'
import type { WorkerLauncher, WorkerProcess } from '../../src-main/jobs/worker-launcher'
import { createMemoryLogger } from '../../src-main/runtime/logger'
import { createMainServices, type MainServices } from '../../src-main/services/composition'
import type { MainCallContext } from '../../src-main/ipc/router'

// Creating thousands of small files is ~40× faster on tmpfs than on this machine's disk.
const FAST_TMP = existsSync('/dev/shm') ? '/dev/shm' : tmpdir()

export function tempDir(prefix = 'openbeats-test-'): { path: string; cleanup(): void } {
  const path = mkdtempSync(join(FAST_TMP, prefix))
  return { path, cleanup: () => rmSync(path, { recursive: true, force: true }) }
}

/** A launcher that remembers every worker process it started (tests kill them from outside). */
export function recordingLauncher(resolveEntry: WorkerEntryResolver = sourceWorkerEntries()): WorkerLauncher & { launched: WorkerProcess[] } {
  const base = createForkLauncher({ resolveEntry })
  const launched: WorkerProcess[] = []
  return {
    launched,
    launch(name) {
      const p = base.launch(name)
      launched.push(p)
      return p
    },
  }
}

export interface TestServicesOptions {
  dataDir: string
  launcher?: WorkerLauncher
  jobTypes?: readonly JobTypeDefinition[]
  resourceLimits?: Partial<Record<ResourceClass, number>>
  jobTiming?: Partial<JobManagerTiming>
}

export function createTestServices(opts: TestServicesOptions): MainServices & { log: ReturnType<typeof createMemoryLogger>; updates: JobSnapshot[] } {
  const log = createMemoryLogger()
  const services = createMainServices({
    dataDir: opts.dataDir,
    shell: 'test',
    launcher: opts.launcher ?? recordingLauncher(),
    log,
    jobTypes: opts.jobTypes,
    resourceLimits: opts.resourceLimits,
    jobTiming: { handshakeMs: 30_000, cancelGraceMs: 3_000, killGraceMs: 2_000, ...opts.jobTiming },
  })
  const updates: JobSnapshot[] = []
  services.events.on('jobs.updated', (s) => updates.push(s))
  return Object.assign(services, { log, updates })
}

export function testContext(): MainCallContext {
  return { signal: new AbortController().signal, transport: 'test' }
}
