// Child process of the analyze bench: analyses a prepared project and reports its peak RSS (the
// decode thread included, it shares the process). Run: tsx analyze-rss-child.ts PROJECT_DIR
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { analyzeRecordings } from '../../src-main/analysis/analyze-recordings'
import { decodeThreadEntry } from '../../src-main/analysis/audio-thread'
import { openProjectDatabase } from '../../src-main/db/connection'

/**
 * Peak resident memory in MB. Linux: VmHWM of this process image (getrusage's maxRSS would also
 * count the parent's memory, which a forked child inherits); elsewhere the samples taken.
 */
function peakMB(sampled: number): number {
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'))
    if (hwm) return Number(hwm[1]) / 1024
  } catch {
    // not Linux
  }
  return sampled / 1e6
}

async function main(): Promise<void> {
  let sampled = 0
  const sampler = setInterval(() => (sampled = Math.max(sampled, process.memoryUsage().rss)), 100)
  const dir = process.argv[2]
  const db = openProjectDatabase(join(dir, 'project.sqlite'))
  const t0 = performance.now()
  const result = await analyzeRecordings({ db, projectDir: dir, params: { threads: 2, provider: 'cpu' }, jobId: null, decodeThread: decodeThreadEntry(join(__dirname, '..', '..', 'src-main', 'workers')), decodeOnThread: 'always' })
  const seconds = (performance.now() - t0) / 1000
  clearInterval(sampler)
  process.stdout.write(JSON.stringify({ maxRssMB: peakMB(sampled), seconds, audioSeconds: result.audioSeconds, windows: result.windows }) + '\n')
  db.close()
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`)
  process.exit(1)
})
