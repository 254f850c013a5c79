// Small, valid contract values for tests; override what a test is about.
import type { AppInfo, JobSnapshot, ProjectInfo, RecentProject, Settings } from '../../../src-shared/contracts'

export function projectInfo(overrides: Partial<ProjectInfo> = {}): ProjectInfo {
  return {
    dir: '/data/kakadu',
    name: 'Kakadu 2024',
    schemaVersion: 1,
    createdAt: '2025-11-01T10:00:00.000Z',
    counts: { recordings: 1284, annotations: 12, detections: 0, models: 1, jobs: 3 },
    ...overrides,
  }
}

export function recentProject(overrides: Partial<RecentProject> = {}): RecentProject {
  return { dir: '/data/kakadu', name: 'Kakadu 2024', openedAt: '2025-11-02T09:00:00.000Z', exists: true, ...overrides }
}

export function jobSnapshot(overrides: Partial<JobSnapshot> = {}): JobSnapshot {
  return {
    id: 1,
    type: 'scan-folder',
    status: 'running',
    params: { type: 'scan-folder', folder: '/data/sd-card-07' },
    progress: { done: 1234, total: 5000, unit: 'files', rate: 812.4, etaSeconds: 185, message: null },
    result: null,
    error: null,
    resource: 'io',
    createdAt: '2025-11-02T09:00:00.000Z',
    startedAt: '2025-11-02T09:00:01.000Z',
    finishedAt: null,
    ...overrides,
  }
}

export function settings(overrides: Partial<Settings> = {}): Settings {
  return { theme: 'system', inferenceThreads: null, executionProvider: 'auto', pythonPath: null, ...overrides }
}

export function appInfo(overrides: Partial<AppInfo> = {}): AppInfo {
  return {
    name: 'OpenBEATs Studio',
    version: '0.1.0',
    platform: 'linux',
    shell: 'host',
    capabilities: { nativeDialogs: false },
    dataDir: '/home/me/.config/openbeats-studio',
    ...overrides,
  }
}

/** A promise with its resolve/reject outside, to control when a fake call answers. */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void; reject: (e: unknown) => void } {
  let resolve!: (v: T) => void
  let reject!: (e: unknown) => void
  const promise = new Promise<T>((res, rej) => {
    resolve = res
    reject = rej
  })
  return { promise, resolve, reject }
}
