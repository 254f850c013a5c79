// Encoders and classifier heads of the open project, and what the inference engine would run on.
import { defineStore } from 'pinia'
import { computed, onScopeDispose, ref } from 'vue'
import type { EngineStatus, ModelSummary } from '../../../src-shared/contracts'
import { api } from '../api'

export const useModelsStore = defineStore('models', () => {
  const models = ref<ModelSummary[]>([])
  const loaded = ref(false)
  const engine = ref<EngineStatus | null>(null)
  let generation = 0
  let stopListening: (() => void) | null = null

  const encoders = computed(() => models.value.filter((m) => m.kind === 'encoder'))
  const heads = computed(() => models.value.filter((m) => m.kind === 'head'))
  const activeEncoder = computed(() => encoders.value.find((m) => m.active) ?? encoders.value[0] ?? null)

  async function load(): Promise<void> {
    const mine = ++generation
    const list = await api.models.list({})
    if (mine !== generation) return
    models.value = list
    loaded.value = true
  }

  async function loadEngine(): Promise<void> {
    engine.value = await api.models.engineStatus({})
  }

  function replace(model: ModelSummary): void {
    models.value = models.value.map((m) => (m.id === model.id ? model : m))
  }

  /** Shown at once; put back if the main process refuses. */
  async function setActive(id: number, active: boolean): Promise<void> {
    const before = models.value.find((m) => m.id === id)
    if (!before) return
    replace({ ...before, active })
    try {
      replace(await api.models.setActive({ id, active }))
    } catch (error) {
      const now = models.value.find((m) => m.id === id)
      if (now && now.active === active) replace(before)
      throw error
    }
  }

  /** The demo encoder (random weights): lets a new user try the workflow before importing a real checkpoint. */
  async function addDemo(): Promise<ModelSummary> {
    const demo = await api.models.addDemo({})
    if (!models.value.some((m) => m.id === demo.id)) models.value = [...models.value, demo]
    return demo
  }

  async function remove(id: number): Promise<void> {
    await api.models.delete({ id })
    models.value = models.value.filter((m) => m.id !== id)
  }

  function listen(): void {
    stopListening ??= api.on('models.changed', () => {
      void load().catch(() => undefined)
    })
  }

  function stop(): void {
    stopListening?.()
    stopListening = null
  }

  function reset(): void {
    generation += 1
    models.value = []
    loaded.value = false
  }

  onScopeDispose(stop)

  return { models, loaded, engine, encoders, heads, activeEncoder, load, loadEngine, setActive, addDemo, remove, listen, stop, reset }
})
