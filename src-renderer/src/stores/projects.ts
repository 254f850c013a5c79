// The open project and the recent-projects list. The main process owns the truth and pushes
// `project.changed`; this store mirrors it and offers the few actions the UI needs.
import { defineStore } from 'pinia'
import { computed, onScopeDispose, ref } from 'vue'
import type { ProjectInfo, RecentProject } from '../../../src-shared/contracts'
import { api } from '../api'

export const useProjectsStore = defineStore('projects', () => {
  const current = ref<ProjectInfo | null>(null)
  const recent = ref<RecentProject[]>([])
  const busy = ref(false)
  let firstLoad: Promise<void> | null = null
  let stopListening: (() => void) | null = null

  const isOpen = computed(() => current.value !== null)

  async function refreshRecent(): Promise<void> {
    recent.value = await api.projects.recent({})
  }

  async function refresh(): Promise<void> {
    const [open, list] = await Promise.all([api.projects.current({}), api.projects.recent({})])
    current.value = open
    recent.value = list
  }

  /** The first load, shared by everyone who needs to know whether a project is open (route guard). */
  function ensureLoaded(): Promise<void> {
    firstLoad ??= refresh().catch((error: unknown) => {
      firstLoad = null
      throw error
    })
    return firstLoad
  }

  function listen(): void {
    stopListening ??= api.on('project.changed', (project) => {
      const switched = project?.dir !== current.value?.dir
      current.value = project
      if (switched) void refreshRecent().catch(() => undefined)
    })
  }

  async function withBusy<T>(action: () => Promise<T>): Promise<T> {
    busy.value = true
    try {
      return await action()
    } finally {
      busy.value = false
    }
  }

  function create(dir: string, name: string): Promise<ProjectInfo> {
    return withBusy(async () => {
      const project = await api.projects.create({ dir, name })
      current.value = project
      await refreshRecent()
      return project
    })
  }

  function open(dir: string): Promise<ProjectInfo> {
    return withBusy(async () => {
      const project = await api.projects.open({ dir })
      current.value = project
      await refreshRecent()
      return project
    })
  }

  function close(): Promise<void> {
    return withBusy(async () => {
      await api.projects.close({})
      current.value = null
    })
  }

  /** Removes a project from the recent list at once; puts it back if the main process refuses. */
  async function forget(dir: string): Promise<void> {
    const index = recent.value.findIndex((r) => r.dir === dir)
    if (index < 0) return
    const removed = recent.value[index]
    recent.value = recent.value.filter((r) => r.dir !== dir)
    try {
      await api.projects.forgetRecent({ dir })
    } catch (error) {
      if (!recent.value.some((r) => r.dir === dir)) {
        const restored = [...recent.value]
        restored.splice(Math.min(index, restored.length), 0, removed)
        recent.value = restored
      }
      throw error
    }
  }

  function stop(): void {
    stopListening?.()
    stopListening = null
  }

  onScopeDispose(stop)

  return { current, recent, busy, isOpen, refresh, refreshRecent, ensureLoaded, listen, create, open, close, forget, stop }
})
