// Applies the theme setting to <html data-theme>, following the OS when the setting is 'system'.
import { onScopeDispose, watchEffect, ref } from 'vue'
import type { Ref } from 'vue'
import type { Settings } from '../../../src-shared/contracts'

export function resolveTheme(setting: Settings['theme'], systemPrefersDark: boolean): 'light' | 'dark' {
  if (setting === 'system') return systemPrefersDark ? 'dark' : 'light'
  return setting
}

export function useTheme(setting: Ref<Settings['theme']>, root: HTMLElement = document.documentElement): void {
  const query = typeof window.matchMedia === 'function' ? window.matchMedia('(prefers-color-scheme: dark)') : null
  const prefersDark = ref(query?.matches ?? false)
  const onChange = (e: MediaQueryListEvent) => {
    prefersDark.value = e.matches
  }
  query?.addEventListener('change', onChange)
  onScopeDispose(() => query?.removeEventListener('change', onChange))

  watchEffect(() => {
    root.dataset.theme = resolveTheme(setting.value, prefersDark.value)
  })
}
