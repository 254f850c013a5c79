// A list of windows to decide on — the active-learning queue of a head version, or the hits of a
// search by example — with the selected row and decisions stored at once (rolled back if the main
// process refuses). Present creates a 'review' annotation; absent stores an explicit negative.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { ReviewWindow, WindowDecision } from '../../../src-shared/contracts'
import { api } from '../api'

export type ReviewSource = { kind: 'queue'; modelId: number } | { kind: 'search' }

export type Verdict = 'present' | 'absent' | 'clear'

export const useTrainingReviewStore = defineStore('training-review', () => {
  const items = ref<ReviewWindow[]>([])
  const source = ref<ReviewSource | null>(null)
  const selectedIndex = ref<number | null>(null)
  const loading = ref(false)
  const stats = ref<{ candidates: number; excluded: number; seconds: number } | null>(null)

  const selected = computed(() => (selectedIndex.value === null ? null : (items.value[selectedIndex.value] ?? null)))
  const decidedCount = computed(() => items.value.filter((i) => i.decisions.length > 0).length)

  async function loadQueue(modelId: number, k = 30): Promise<void> {
    loading.value = true
    try {
      const q = await api.training.queue({ modelId, k })
      items.value = q.items
      source.value = { kind: 'queue', modelId }
      stats.value = { candidates: q.candidates, excluded: q.excluded, seconds: q.seconds }
      selectedIndex.value = q.items.length > 0 ? 0 : null
    } finally {
      loading.value = false
    }
  }

  /** Shows search hits as the list to decide on. */
  function show(windows: ReviewWindow[]): void {
    items.value = windows
    source.value = { kind: 'search' }
    stats.value = null
    selectedIndex.value = windows.length > 0 ? 0 : null
  }

  function select(index: number): void {
    if (index >= 0 && index < items.value.length) selectedIndex.value = index
  }

  function move(step: number): void {
    if (items.value.length === 0) return
    const at = selectedIndex.value ?? -1
    select(Math.max(0, Math.min(items.value.length - 1, at + step)))
  }

  function optimistic(current: WindowDecision[], labelId: number, verdict: Verdict, relabelTo?: number): WindowDecision[] {
    const others = current.filter((d) => d.labelId !== labelId && d.labelId !== relabelTo)
    if (relabelTo !== undefined) return [...others, { labelId, decision: 'absent', annotationId: null }, { labelId: relabelTo, decision: 'present', annotationId: null }]
    return verdict === 'clear' ? others : [...others, { labelId, decision: verdict, annotationId: null }]
  }

  async function decide(index: number, labelId: number, verdict: Verdict, relabelTo?: number): Promise<void> {
    const item = items.value[index]
    if (!item || !source.value) return
    const before = item.decisions
    const replace = (decisions: WindowDecision[]) => {
      items.value = items.value.map((w) => (w === item || (w.recordingId === item.recordingId && w.startS === item.startS && w.endS === item.endS) ? { ...w, decisions } : w))
    }
    replace(optimistic(before, labelId, verdict, relabelTo))
    try {
      const decisions = await api.training.decide({
        recordingId: item.recordingId,
        startS: item.startS,
        endS: item.endS,
        labelId,
        decision: relabelTo !== undefined ? 'present' : verdict,
        ...(relabelTo !== undefined ? { relabelTo } : {}),
        origin: source.value.kind === 'queue' ? 'active-learning' : 'search',
        ...(source.value.kind === 'queue' ? { modelId: source.value.modelId } : {}),
      })
      replace(decisions)
    } catch (error) {
      replace(before)
      throw error
    }
  }

  function reset(): void {
    items.value = []
    source.value = null
    selectedIndex.value = null
    stats.value = null
  }

  return { items, source, selectedIndex, selected, loading, stats, decidedCount, loadQueue, show, select, move, decide, reset }
})
