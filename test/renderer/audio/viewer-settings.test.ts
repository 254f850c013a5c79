import { describe, expect, it, vi } from 'vitest'

describe('viewer settings', () => {
  it('reads back what was kept, and falls back to the defaults for values it does not know', async () => {
    localStorage.setItem('openbeats.viewer-settings', JSON.stringify({ fftSize: 2048, colorMap: 'magma', rangeDb: 33, speed: 0.1, spectrogramHeight: 5000, lowHz: 1000 }))
    vi.resetModules()
    const { useViewerSettings, DEFAULT_VIEWER_SETTINGS } = await import('../../../src-renderer/src/composables/useViewerSettings')
    const s = useViewerSettings()
    expect(s).toEqual({ ...DEFAULT_VIEWER_SETTINGS, fftSize: 2048, colorMap: 'magma', speed: 0.1 })
    expect(useViewerSettings()).toBe(s)
  })

  it('keeps changes for the next window, except the per-recording frequency range', async () => {
    localStorage.setItem('openbeats.viewer-settings', 'not json')
    vi.resetModules()
    const { useViewerSettings, DEFAULT_VIEWER_SETTINGS } = await import('../../../src-renderer/src/composables/useViewerSettings')
    const s = useViewerSettings()
    expect(s).toEqual(DEFAULT_VIEWER_SETTINGS)
    s.colorMap = 'gray-inverted'
    s.highHz = 8000
    await vi.waitFor(() => expect(JSON.parse(localStorage.getItem('openbeats.viewer-settings') ?? '{}')).toMatchObject({ colorMap: 'gray-inverted', highHz: null }))
  })
})
