// User settings. Changes apply at once (optimistically) and roll back if the main process
// refuses them, so the form never shows a value that was not saved.
import { defineStore } from 'pinia'
import { computed, ref } from 'vue'
import type { Settings } from '../../../src-shared/contracts'
import { api } from '../api'

export const useSettingsStore = defineStore('settings', () => {
  const settings = ref<Settings | null>(null)
  const pending = ref(0)

  const theme = computed(() => settings.value?.theme ?? 'system')
  const saving = computed(() => pending.value > 0)

  async function load(): Promise<void> {
    settings.value = await api.settings.get({})
  }

  async function update(patch: Partial<Settings>): Promise<void> {
    const before = settings.value
    if (before) settings.value = { ...before, ...patch }
    pending.value += 1
    try {
      settings.value = await api.settings.update(patch)
    } catch (error) {
      // Undo only the keys this call changed: another update may have landed meanwhile.
      if (before && settings.value) {
        const restored: Settings = { ...settings.value }
        for (const key of Object.keys(patch) as (keyof Settings)[]) {
          Object.assign(restored, { [key]: before[key] })
        }
        settings.value = restored
      }
      throw error
    } finally {
      pending.value -= 1
    }
  }

  return { settings, theme, saving, load, update }
})
