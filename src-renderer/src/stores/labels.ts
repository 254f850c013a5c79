// The project's label sets (species lists): loaded once, changed through the api, and the labels
// the annotate picker offers (most recently used first when nothing is typed).
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Label, LabelSet } from '../../../src-shared/contracts'
import { api } from '../api'
import { resetOnProjectSwitch } from './project-switch'

export interface PickableLabel extends Label {
  setName: string
}

const RECENT = 8

export const useLabelsStore = defineStore('labels', () => {
  const sets = ref<LabelSet[]>([])
  const loaded = ref(false)
  const recentIds = ref<number[]>([])
  let generation = 0

  const allLabels = computed<PickableLabel[]>(() => sets.value.flatMap((s) => s.labels.map((l) => ({ ...l, setName: s.name }))))
  const labelById = computed(() => new Map(allLabels.value.map((l) => [l.id, l])))

  async function load(): Promise<void> {
    const mine = ++generation
    const answer = await api.labels.sets({})
    if (mine !== generation) return
    sets.value = answer
    loaded.value = true
  }

  async function ensureLoaded(): Promise<void> {
    if (!loaded.value) await load()
  }

  function reset(): void {
    generation += 1
    sets.value = []
    loaded.value = false
    recentIds.value = []
  }

  function replaceSet(set: LabelSet): void {
    const i = sets.value.findIndex((s) => s.id === set.id)
    sets.value = i < 0 ? [...sets.value, set] : sets.value.map((s) => (s.id === set.id ? set : s))
  }

  function replaceLabel(label: Label): void {
    sets.value = sets.value.map((s) => {
      if (s.id !== label.labelSetId) return s
      const i = s.labels.findIndex((l) => l.id === label.id)
      const labels = i < 0 ? [...s.labels, label] : s.labels.map((l) => (l.id === label.id ? label : l))
      return { ...s, labels: [...labels].sort((a, b) => a.sortOrder - b.sortOrder || a.code.localeCompare(b.code)) }
    })
  }

  async function createSet(name: string, description?: string): Promise<LabelSet> {
    const set = await api.labels.createSet({ name, ...(description ? { description } : {}) })
    replaceSet(set)
    return set
  }

  /** Shown at once; put back if the main process refuses. */
  async function renameSet(id: number, name: string): Promise<void> {
    const before = sets.value.find((s) => s.id === id)
    if (!before) return
    replaceSet({ ...before, name })
    try {
      replaceSet(await api.labels.updateSet({ id, name }))
    } catch (error) {
      replaceSet(before)
      throw error
    }
  }

  async function deleteSet(id: number): Promise<void> {
    await api.labels.deleteSet({ id })
    sets.value = sets.value.filter((s) => s.id !== id)
  }

  async function addLabel(labelSetId: number, fields: { code: string; scientificName?: string | null; commonName?: string | null; color?: string | null }): Promise<Label> {
    const label = await api.labels.upsertLabel({ labelSetId, ...fields })
    replaceLabel(label)
    return label
  }

  async function updateLabel(id: number, patch: { code?: string; scientificName?: string | null; commonName?: string | null; color?: string | null }): Promise<void> {
    const before = labelById.value.get(id)
    if (before) replaceLabel({ ...before, ...patch })
    try {
      replaceLabel(await api.labels.updateLabel({ id, ...patch }))
    } catch (error) {
      if (before) replaceLabel(before)
      throw error
    }
  }

  async function deleteLabel(id: number): Promise<void> {
    await api.labels.deleteLabel({ id })
    sets.value = sets.value.map((s) => ({ ...s, labels: s.labels.filter((l) => l.id !== id) }))
    recentIds.value = recentIds.value.filter((r) => r !== id)
  }

  async function importCsv(labelSetId: number, fileName: string, text: string) {
    const report = await api.labels.importCsv({ labelSetId, fileName, text })
    await load()
    return report
  }

  function markUsed(labelId: number): void {
    recentIds.value = [labelId, ...recentIds.value.filter((r) => r !== labelId)].slice(0, RECENT)
  }

  resetOnProjectSwitch(reset)

  return { sets, loaded, allLabels, labelById, recentIds, load, ensureLoaded, reset, createSet, renameSet, deleteSet, addLabel, updateLabel, deleteLabel, importCsv, markUsed }
})
