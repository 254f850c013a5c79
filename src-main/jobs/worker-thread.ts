// Worker threads beside a job's main thread (not job workers: those are child processes). Each
// thread's entry is a file of src-main/workers/ and its own bundle: <name>.js when built, the
// TypeScript source when running under tsx (tests, benchmarks).
import { existsSync } from 'node:fs'
import { Worker } from 'node:worker_threads'

/** The entry of thread `name` in `workersDir`: the built bundle, or the TypeScript source; null if neither is there. */
export function workerThreadEntry(workersDir: string, name: string): string | null {
  for (const file of [`${name}.js`, `${name}.ts`]) {
    const path = `${workersDir}/${file}`
    if (existsSync(path)) return path
  }
  return null
}

/** Starts the thread at `entry` with `workerData`. */
export function startWorkerThread(entry: string, workerData: unknown): Worker {
  if (entry.endsWith('.ts')) {
    // Running from the sources: the thread needs the TypeScript loader too.
    return new Worker(`require('tsx/cjs'); require(${JSON.stringify(entry)})`, { eval: true, workerData })
  }
  return new Worker(entry, { workerData })
}
