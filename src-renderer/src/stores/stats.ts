// Activity statistics of the open project: the query the Stats view shows, its answer, and the
// choices its pickers offer (sites, labels and heads that have detections).
import { defineStore } from 'pinia'
import { onScopeDispose, ref } from 'vue'
import type { Activity, ActivityQuery, DetectionFacets, StatsTable } from '../../../src-shared/contracts'
import { api } from '../api'

export const useStatsStore = defineStore('stats', () => {
  const query = ref<ActivityQuery>({})
  const activity = ref<Activity | null>(null)
  const facets = ref<DetectionFacets | null>(null)
  const loading = ref(false)
  /** Detections changed since the numbers were computed. */
  const stale = ref(false)
  const projectDir = ref<string | null>(null)
  let generation = 0
  let stopListening: (() => void) | null = null

  async function load(): Promise<void> {
    const mine = ++generation
    loading.value = true
    try {
      const [answer, choices] = await Promise.all([api.stats.activity({ query: query.value }), facets.value && !stale.value ? facets.value : api.detections.facets({})])
      if (mine !== generation) return
      activity.value = answer
      facets.value = choices
      stale.value = false
    } catch (error) {
      // The answer to a query that was replaced meanwhile does not matter, failed or not.
      if (mine === generation) throw error
    } finally {
      if (mine === generation) loading.value = false
    }
  }

  async function setQuery(next: ActivityQuery): Promise<void> {
    const clean: ActivityQuery = {}
    for (const [key, value] of Object.entries(next) as Array<[keyof ActivityQuery, ActivityQuery[keyof ActivityQuery]]>) {
      if (value !== undefined && value !== '' && value !== false) (clean as Record<string, unknown>)[key] = value
    }
    query.value = clean
    await load()
  }

  function exportCsv(table: StatsTable): Promise<{ fileName: string; text: string }> {
    return api.stats.exportCsv({ table, query: query.value })
  }

  function listen(): void {
    stopListening ??= api.on('detections.changed', () => {
      stale.value = true
    })
  }

  function stop(): void {
    stopListening?.()
    stopListening = null
  }

  function reset(): void {
    generation += 1
    query.value = {}
    activity.value = null
    facets.value = null
    stale.value = false
    projectDir.value = null
  }

  onScopeDispose(stop)

  return { query, activity, facets, loading, stale, projectDir, load, setQuery, exportCsv, listen, stop, reset }
})
