// The review table's state: filter and order, the pages of rows fetched so far (the table asks for
// the rows it shows; the main process pages, sorts and filters), the selected row, and decisions
// stored optimistically (shown at once, rolled back if the main process refuses).
import { defineStore } from 'pinia'
import { computed, onScopeDispose, reactive, ref, shallowReactive } from 'vue'
import type { DetectionFacets, DetectionFilter, DetectionRow, DetectionSort, ReviewState } from '../../../src-shared/contracts'
import { api } from '../api'

export const PAGE_SIZE = 100
/** Pages kept in memory; the ones farthest from the screen are dropped first. */
const MAX_PAGES = 60

export const DEFAULT_SORT: DetectionSort = { by: 'score', dir: 'desc' }

export interface RelabelTarget {
  id: number
  code: string
  name: string | null
  color: string | null
}

function cleanFilter(f: DetectionFilter): DetectionFilter {
  const out: DetectionFilter = {}
  for (const [key, value] of Object.entries(f) as Array<[keyof DetectionFilter, DetectionFilter[keyof DetectionFilter]]>) {
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) continue
    ;(out as Record<string, unknown>)[key] = value
  }
  return out
}

export const useDetectionsStore = defineStore('detections', () => {
  const filter = ref<DetectionFilter>({})
  const sort = ref<DetectionSort>({ ...DEFAULT_SORT })
  /** null until the first answer for the current filter */
  const total = ref<number | null>(null)
  const pages = shallowReactive(new Map<number, DetectionRow[]>())
  const selectedIndex = ref<number | null>(null)
  const facets = ref<DetectionFacets | null>(null)
  /** Detections changed elsewhere (an analysis, another window) since the rows were fetched. */
  const stale = ref(false)
  /** Decisions made since the view opened, by state. */
  const decided = reactive<Record<ReviewState, number>>({ unreviewed: 0, confirmed: 0, rejected: 0, uncertain: 0 })
  const loading = ref(false)
  /** The project the state belongs to (the view resets it when another one is open). */
  const projectDir = ref<string | null>(null)

  let generation = 0
  let controller = new AbortController()
  const inFlight = new Map<number, Promise<void>>()
  // Our own decisions come back as detections.changed events; those are not news.
  const echoes = new Map<number, number>()
  let stopListening: (() => void) | null = null
  let refreshTimer: ReturnType<typeof setTimeout> | null = null
  let lastRange = { first: 0, last: PAGE_SIZE - 1 }

  const selected = computed(() => (selectedIndex.value === null ? null : rowAt(selectedIndex.value) ?? null))
  const hasFilter = computed(() => Object.keys(cleanFilter(filter.value)).length > 0)

  function rowAt(index: number): DetectionRow | undefined {
    return pages.get(Math.floor(index / PAGE_SIZE))?.[index % PAGE_SIZE]
  }

  function evictFarPages(): void {
    if (pages.size <= MAX_PAGES) return
    const center = Math.floor((lastRange.first + lastRange.last) / 2 / PAGE_SIZE)
    const far = [...pages.keys()].sort((a, b) => Math.abs(b - center) - Math.abs(a - center))
    for (const page of far.slice(0, pages.size - MAX_PAGES)) pages.delete(page)
  }

  function loadPage(page: number): Promise<void> {
    const running = inFlight.get(page)
    if (running) return running
    const mine = generation
    const signal = controller.signal
    const task = (async () => {
      try {
        const answer = await api.detections.list(
          { filter: cleanFilter(filter.value), sort: sort.value, offset: page * PAGE_SIZE, limit: PAGE_SIZE },
          { signal },
        )
        if (mine !== generation) return
        total.value = answer.total
        pages.set(page, answer.items)
        evictFarPages()
      } catch (error) {
        // A request for a filter or order that was replaced meanwhile (and cancelled) is no error.
        if (mine === generation) throw error
      } finally {
        if (mine === generation) inFlight.delete(page)
      }
    })()
    inFlight.set(page, task)
    return task
  }

  /** Fetches the pages rows `first`…`last` fall on (the table calls this as it scrolls). */
  async function ensureRows(first: number, last: number): Promise<void> {
    lastRange = { first, last }
    const max = total.value === null ? last : Math.min(last, total.value - 1)
    const wanted: Promise<void>[] = []
    for (let p = Math.floor(Math.max(0, first) / PAGE_SIZE); p <= Math.floor(Math.max(0, max) / PAGE_SIZE); p++) {
      if (!pages.has(p)) wanted.push(loadPage(p))
    }
    await Promise.all(wanted)
  }

  function restart(): { mine: number; signal: AbortSignal } {
    generation += 1
    controller.abort()
    controller = new AbortController()
    inFlight.clear()
    return { mine: generation, signal: controller.signal }
  }

  /** Starts over for the current filter and order: the total and the first rows. */
  async function reload(): Promise<void> {
    restart()
    pages.clear()
    total.value = null
    stale.value = false
    selectedIndex.value = null
    loading.value = true
    try {
      await ensureRows(0, PAGE_SIZE - 1)
    } finally {
      loading.value = false
    }
  }

  /**
   * Fetches the rows on screen again, where the user is: the old rows stay until the new ones
   * are there, and the selection stays on its row number (keys pressed meanwhile still work).
   */
  async function refreshRows(): Promise<void> {
    const { mine, signal } = restart()
    const firstPage = Math.floor(Math.max(0, lastRange.first) / PAGE_SIZE)
    const lastPage = Math.max(firstPage, Math.floor(Math.max(0, lastRange.last) / PAGE_SIZE))
    const wanted = Array.from({ length: lastPage - firstPage + 1 }, (_, i) => firstPage + i)
    try {
      const answers = await Promise.all(
        wanted.map((page) => api.detections.list({ filter: cleanFilter(filter.value), sort: sort.value, offset: page * PAGE_SIZE, limit: PAGE_SIZE }, { signal })),
      )
      if (mine !== generation) return
      pages.clear()
      answers.forEach((a, i) => pages.set(wanted[i], a.items))
      total.value = answers[0]?.total ?? 0
      stale.value = false
      if (selectedIndex.value !== null) selectedIndex.value = total.value > 0 ? Math.min(selectedIndex.value, total.value - 1) : null
    } catch (error) {
      if (mine === generation) throw error
    }
  }

  async function setFilter(next: DetectionFilter): Promise<void> {
    filter.value = cleanFilter(next)
    await reload()
  }

  async function setSort(next: DetectionSort): Promise<void> {
    sort.value = next
    await reload()
  }

  /** Click on a column header: the same column flips its direction, another starts descending by score, ascending otherwise. */
  async function toggleSort(by: DetectionSort['by']): Promise<void> {
    const dir = sort.value.by === by ? (sort.value.dir === 'asc' ? 'desc' : 'asc') : by === 'score' ? 'desc' : 'asc'
    await setSort({ by, dir })
  }

  function select(index: number | null): void {
    if (index === null || total.value === null || total.value === 0) {
      selectedIndex.value = null
      return
    }
    selectedIndex.value = Math.max(0, Math.min(total.value - 1, index))
  }

  function move(delta: number): void {
    if (total.value === null || total.value === 0) return
    select(selectedIndex.value === null ? 0 : selectedIndex.value + delta)
  }

  function locate(id: number): { page: number; slot: number } | null {
    for (const [page, rows] of pages) {
      const slot = rows.findIndex((r) => r.id === id)
      if (slot >= 0) return { page, slot }
    }
    return null
  }

  function replaceRow(id: number, row: DetectionRow): void {
    const at = locate(id)
    if (!at) return
    const rows = pages.get(at.page)
    if (!rows) return
    pages.set(at.page, rows.map((r, i) => (i === at.slot ? row : r)))
  }

  function countFacets(from: DetectionRow, to: DetectionRow): void {
    const f = facets.value
    if (!f) return
    f.reviewStates[from.reviewState] -= 1
    f.reviewStates[to.reviewState] += 1
    if (from.labelId !== to.labelId) {
      const a = f.labels.find((l) => l.id === from.labelId)
      const b = f.labels.find((l) => l.id === to.labelId)
      if (a) a.count -= 1
      if (b) b.count += 1
    }
  }

  /**
   * Stores a decision for the row at `index`, shown at once; on failure the row goes back and the
   * error is thrown. A relabel (`label`) is a confirmation of the new label.
   */
  async function review(index: number, state: ReviewState, label?: RelabelTarget): Promise<DetectionRow | null> {
    const before = rowAt(index)
    if (!before) return null
    const relabel = label && label.id !== before.labelId ? label : undefined
    const optimistic: DetectionRow = {
      ...before,
      reviewState: state,
      reviewedAt: state === 'unreviewed' ? null : new Date().toISOString(),
      ...(relabel
        ? {
            labelId: relabel.id,
            labelCode: relabel.code,
            labelName: relabel.name,
            labelColor: relabel.color,
            originalLabelId: before.originalLabelId ?? before.labelId,
            originalLabelCode: before.originalLabelCode ?? before.labelCode,
          }
        : {}),
    }
    replaceRow(before.id, optimistic)
    countFacets(before, optimistic)
    echoes.set(before.recordingId, (echoes.get(before.recordingId) ?? 0) + 1)
    try {
      const saved = await api.detections.review({ id: before.id, state, ...(relabel ? { labelId: relabel.id } : {}) })
      replaceRow(before.id, saved)
      decided[state] += 1
      return saved
    } catch (error) {
      // Only undo what is still ours: a later decision on the same row wins.
      const now = locate(before.id)
      const current = now ? pages.get(now.page)?.[now.slot] : undefined
      if (current === optimistic) {
        replaceRow(before.id, before)
        countFacets(optimistic, before)
      }
      const left = (echoes.get(before.recordingId) ?? 1) - 1
      if (left > 0) echoes.set(before.recordingId, left)
      else echoes.delete(before.recordingId)
      throw error
    }
  }

  /** Score distribution of one label under the current filter (its score bounds aside). */
  function histogram(labelId: number, bins = 50) {
    return api.detections.histogram({ labelId, bins, filter: cleanFilter(filter.value) })
  }

  function countAbove(labelId: number, threshold: number) {
    return api.detections.countAbove({ labelId, threshold, filter: cleanFilter(filter.value) })
  }

  async function loadFacets(): Promise<void> {
    facets.value = await api.detections.facets({})
  }

  function onChanged(recordingIds: number[] | null): void {
    if (recordingIds && recordingIds.length === 1) {
      const expected = echoes.get(recordingIds[0]) ?? 0
      if (expected > 0) {
        if (expected === 1) echoes.delete(recordingIds[0])
        else echoes.set(recordingIds[0], expected - 1)
        return
      }
    }
    stale.value = true
    // While nobody is reviewing, follow the changes (e.g. an analysis filling the table); in the
    // middle of a review the rows stay put and the view offers a refresh.
    if (selectedIndex.value !== null) return
    if (refreshTimer) clearTimeout(refreshTimer)
    refreshTimer = setTimeout(() => {
      refreshTimer = null
      void refresh().catch(() => undefined)
    }, 1500)
  }

  /** Fetches everything again where the user is: rows, total and facets. */
  async function refresh(): Promise<void> {
    await Promise.all([refreshRows(), loadFacets()])
  }

  function listen(): void {
    stopListening ??= api.on('detections.changed', (e) => onChanged(e.recordingIds))
  }

  function stop(): void {
    stopListening?.()
    stopListening = null
    if (refreshTimer) clearTimeout(refreshTimer)
    refreshTimer = null
  }

  /** Another project: nothing of the old one may show. */
  function reset(): void {
    restart()
    pages.clear()
    total.value = null
    selectedIndex.value = null
    facets.value = null
    filter.value = {}
    sort.value = { ...DEFAULT_SORT }
    stale.value = false
    projectDir.value = null
    echoes.clear()
    for (const k of Object.keys(decided) as ReviewState[]) decided[k] = 0
  }

  onScopeDispose(stop)

  return {
    filter,
    sort,
    total,
    pages,
    selectedIndex,
    selected,
    facets,
    stale,
    decided,
    loading,
    projectDir,
    hasFilter,
    rowAt,
    ensureRows,
    reload,
    refreshRows,
    refresh,
    setFilter,
    setSort,
    toggleSort,
    select,
    move,
    review,
    histogram,
    countAbove,
    loadFacets,
    listen,
    stop,
    reset,
  }
})
