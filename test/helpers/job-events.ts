import type { JobSnapshot } from '../../src-shared/contracts'
import type { EventBus } from '../../src-main/services/event-bus'

/** The first jobs.updated event that satisfies `predicate` (rejects after `timeoutMs`). */
export function nextJobUpdate(events: EventBus, predicate: (s: JobSnapshot) => boolean, timeoutMs = 30_000): Promise<JobSnapshot> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off()
      reject(new Error(`no matching jobs.updated event within ${timeoutMs} ms`))
    }, timeoutMs)
    const off = events.on('jobs.updated', (s) => {
      if (!predicate(s)) return
      clearTimeout(timer)
      off()
      resolve(s)
    })
  })
}
