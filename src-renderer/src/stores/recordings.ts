// The season as the browser shows it: sites → deployments, each deployment's coverage, and the
// recordings list, paged by the main process (100k recordings never cross at once). Pages are
// fetched for the rows on screen; a filter change starts over.
import { defineStore } from 'pinia'
import { computed, ref, shallowRef } from 'vue'
import type { Coverage, RecordingDetail, RecordingFilter, RecordingSummary, SiteNode } from '../../../src-shared/contracts'
import { api } from '../api'
import { resetOnProjectSwitch } from './project-switch'

export const RECORDINGS_PAGE = 100

export type RecordingSortKey = 'startTime' | 'fileName' | 'duration' | 'detections' | 'annotations'
export interface RecordingSortOrder {
  by: RecordingSortKey
  dir: 'asc' | 'desc'
}

export const useRecordingsStore = defineStore('recordings', () => {
  const tree = ref<SiteNode[]>([])
  const treeLoaded = ref(false)
  const coverage = shallowRef(new Map<number, Coverage>())
  const filter = ref<RecordingFilter>({})
  const sort = ref<RecordingSortOrder>({ by: 'startTime', dir: 'asc' })
  const total = ref<number | null>(null)
  // Pages by index; shallow so 100k rows are not made deeply reactive.
  const pages = shallowRef(new Map<number, RecordingSummary[]>())
  const details = shallowRef(new Map<number, RecordingDetail>())
  let listGeneration = 0
  const inFlight = new Set<number>()
  let stopListening: (() => void) | null = null

  const deploymentById = computed(() => new Map(tree.value.flatMap((s) => s.deployments.map((d) => [d.id, { ...d, siteName: s.name }]))))

  async function loadTree(): Promise<void> {
    tree.value = await api.recordings.tree({})
    treeLoaded.value = true
  }

  async function loadCoverage(deploymentId: number): Promise<Coverage> {
    const answer = await api.recordings.coverage({ deploymentId })
    coverage.value = new Map(coverage.value).set(deploymentId, answer)
    return answer
  }

  function rowAt(index: number): RecordingSummary | undefined {
    return pages.value.get(Math.floor(index / RECORDINGS_PAGE))?.[index % RECORDINGS_PAGE]
  }

  async function loadPage(page: number): Promise<void> {
    if (pages.value.has(page) || inFlight.has(page)) return
    const mine = listGeneration
    inFlight.add(page)
    try {
      const answer = await api.recordings.list({
        filter: filter.value,
        sort: sort.value,
        page: { offset: page * RECORDINGS_PAGE, limit: RECORDINGS_PAGE },
      })
      if (mine !== listGeneration) return
      total.value = answer.total
      pages.value = new Map(pages.value).set(page, answer.items)
    } finally {
      if (mine === listGeneration) inFlight.delete(page)
    }
  }

  /** Makes sure rows first…last (inclusive) are loaded or on their way. */
  async function ensureRows(first: number, last: number): Promise<void> {
    const from = Math.max(0, Math.floor(first / RECORDINGS_PAGE))
    const to = Math.max(from, Math.floor(Math.max(first, last) / RECORDINGS_PAGE))
    const wanted: Promise<void>[] = []
    for (let p = from; p <= to; p++) if (total.value === null || p * RECORDINGS_PAGE < total.value) wanted.push(loadPage(p))
    await Promise.all(wanted)
  }

  /** Drops the loaded rows (filter, sort or data changed) and loads the first page again. */
  async function reload(): Promise<void> {
    listGeneration += 1
    inFlight.clear()
    pages.value = new Map()
    total.value = null
    await loadPage(0)
  }

  async function setFilter(next: RecordingFilter): Promise<void> {
    filter.value = next
    await reload()
  }

  async function setSort(next: RecordingSortOrder): Promise<void> {
    sort.value = next
    await reload()
  }

  async function detail(id: number, fresh = false): Promise<RecordingDetail> {
    const have = details.value.get(id)
    if (have && !fresh) return have
    const answer = await api.recordings.get({ id })
    details.value = new Map(details.value).set(id, answer)
    return answer
  }

  function reset(): void {
    listGeneration += 1
    tree.value = []
    treeLoaded.value = false
    coverage.value = new Map()
    pages.value = new Map()
    details.value = new Map()
    total.value = null
    filter.value = {}
    inFlight.clear()
  }

  function listen(): void {
    stopListening ??= api.on('recordings.changed', ({ recordingIds }) => {
      if (recordingIds) {
        const kept = new Map(details.value)
        for (const id of recordingIds) kept.delete(id)
        details.value = kept
      } else details.value = new Map()
      coverage.value = new Map()
      if (treeLoaded.value) void loadTree().catch(() => undefined)
      if (total.value !== null) void reload().catch(() => undefined)
    })
  }

  function stop(): void {
    stopListening?.()
    stopListening = null
  }

  resetOnProjectSwitch(reset)

  return {
    tree, treeLoaded, coverage, filter, sort, total, pages, deploymentById,
    loadTree, loadCoverage, rowAt, ensureRows, reload, setFilter, setSort, detail, reset, listen, stop,
  }
})
