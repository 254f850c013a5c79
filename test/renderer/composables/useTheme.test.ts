import { describe, expect, it, vi } from 'vitest'
import { effectScope, nextTick, ref } from 'vue'
import { resolveTheme, useTheme } from '../../../src-renderer/src/composables/useTheme'

describe('useTheme', () => {
  it('resolves "system" from the OS preference and keeps explicit choices', () => {
    expect(resolveTheme('system', true)).toBe('dark')
    expect(resolveTheme('system', false)).toBe('light')
    expect(resolveTheme('light', true)).toBe('light')
    expect(resolveTheme('dark', false)).toBe('dark')
  })

  it('sets data-theme, follows the OS while on "system", and stops listening when disposed', async () => {
    const listeners = new Set<(e: { matches: boolean }) => void>()
    const query = {
      matches: false,
      addEventListener: (_: string, l: (e: { matches: boolean }) => void) => listeners.add(l),
      removeEventListener: (_: string, l: (e: { matches: boolean }) => void) => listeners.delete(l),
    }
    vi.stubGlobal('matchMedia', () => query)
    try {
      const root = document.createElement('div')
      const setting = ref<'system' | 'light' | 'dark'>('system')
      const scope = effectScope()
      scope.run(() => useTheme(setting, root))
      expect(root.dataset.theme).toBe('light')
      for (const l of listeners) l({ matches: true })
      await nextTick()
      expect(root.dataset.theme).toBe('dark')
      setting.value = 'light'
      await nextTick()
      expect(root.dataset.theme).toBe('light')
      scope.stop()
      expect(listeners.size).toBe(0)
    } finally {
      vi.unstubAllGlobals()
    }
  })
})
