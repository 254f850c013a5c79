// Jobs of the open project: a list loaded once, then kept live by `jobs.updated` events.
import { defineStore } from 'pinia'
import { computed, onScopeDispose, ref } from 'vue'
import type { JobLogLine, JobParams, JobSnapshot, JobStatus } from '../../../src-shared/contracts'
import { api } from '../api'
import { isActive } from '../jobs/presentation'

const LIST_LIMIT = 200

export const useJobsStore = defineStore('jobs', () => {
  const jobs = ref<JobSnapshot[]>([])
  const loaded = ref(false)
  let generation = 0
  // Jobs that changed by event while a list request was in flight: the event is newer.
  const changedDuringLoad = new Set<number>()
  let stopListening: (() => void) | null = null

  /** Newest first. */
  const sorted = computed(() => [...jobs.value].sort((a, b) => b.id - a.id))
  const activeCount = computed(() => jobs.value.filter((j) => isActive(j.status)).length)

  function apply(snapshot: JobSnapshot): void {
    changedDuringLoad.add(snapshot.id)
    const index = jobs.value.findIndex((j) => j.id === snapshot.id)
    if (index < 0) jobs.value = [...jobs.value, snapshot]
    else jobs.value = jobs.value.map((j, i) => (i === index ? snapshot : j))
  }

  async function load(): Promise<void> {
    const mine = ++generation
    changedDuringLoad.clear()
    const list = await api.jobs.list({ limit: LIST_LIMIT })
    if (mine !== generation) return
    const fresh = new Map(jobs.value.filter((j) => changedDuringLoad.has(j.id)).map((j) => [j.id, j]))
    const merged = list.map((j) => fresh.get(j.id) ?? j)
    for (const [id, j] of fresh) if (!list.some((l) => l.id === id)) merged.push(j)
    jobs.value = merged
    loaded.value = true
  }

  /** Forget everything (another project was opened, or none is). */
  function reset(): void {
    generation += 1
    jobs.value = []
    loaded.value = false
  }

  function listen(): void {
    stopListening ??= api.on('jobs.updated', apply)
  }

  async function start(params: JobParams): Promise<JobSnapshot> {
    const snapshot = await api.jobs.start({ params })
    apply(snapshot)
    return snapshot
  }

  /** Shows `cancelling` at once; restores the previous status if the main process refuses. */
  async function cancel(id: number): Promise<void> {
    const before = jobs.value.find((j) => j.id === id)
    const previous: JobStatus | undefined = before?.status
    if (before) apply({ ...before, status: 'cancelling' })
    try {
      apply(await api.jobs.cancel({ id }))
    } catch (error) {
      const now = jobs.value.find((j) => j.id === id)
      if (now && previous && now.status === 'cancelling') apply({ ...now, status: previous })
      throw error
    }
  }

  async function resume(id: number): Promise<void> {
    apply(await api.jobs.resume({ id }))
  }

  function logs(id: number, limit = 500): Promise<JobLogLine[]> {
    return api.jobs.logs({ id, limit })
  }

  function stop(): void {
    stopListening?.()
    stopListening = null
  }

  onScopeDispose(stop)

  return { jobs, loaded, sorted, activeCount, apply, load, reset, listen, start, cancel, resume, logs, stop }
})
