import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import OverlayLayer from '../../../src-renderer/src/components/audio/OverlayLayer.vue'
import type { OverlayLayout, ViewerOverlay } from '../../../src-renderer/src/components/audio/overlay'

// 10 s from t = 0 over 1000 px; waveform 100 px above a 200 px spectrogram of 0–20 kHz. happy-dom
// puts the layer at (0, 0), so client coordinates are layer coordinates.
const layout: OverlayLayout = { viewport: { startS: 0, pxPerSec: 100, widthPx: 1000 }, timeExpansion: 1, waveHeight: 100, specHeight: 200, lowHz: 0, highHz: 20_000 }
const bounds = { durationS: 60, nyquistHz: 24_000, minS: 0.01, minHz: 50 }
const segment: ViewerOverlay = { id: 'a1', startS: 2, endS: 3, lowHz: null, highHz: null, label: 'TURMER', color: '#d62728', variant: 'manual' }
const imported: ViewerOverlay = { id: 'a2', startS: 5, endS: 6, lowHz: 5000, highHz: 10_000, label: 'ERIRUB', color: '#2ca02c', variant: 'imported' }

function layer(props: Partial<InstanceType<typeof OverlayLayer>['$props']> = {}) {
  return mount(OverlayLayer, { props: { items: [segment, imported], layout, bounds, selectedId: null, editable: true, boxMode: false, ...props } })
}

interface Triggerable {
  trigger(event: string, options?: Record<string, unknown>): Promise<unknown>
}

async function gesture(target: Triggerable, from: [number, number], to: [number, number], shiftKey = false) {
  await target.trigger('pointerdown', { button: 0, pointerId: 1, clientX: from[0], clientY: from[1], shiftKey })
  await target.trigger('pointermove', { pointerId: 1, clientX: (from[0] + to[0]) / 2, clientY: (from[1] + to[1]) / 2 })
  await target.trigger('pointermove', { pointerId: 1, clientX: to[0], clientY: to[1] })
  await target.trigger('pointerup', { pointerId: 1, clientX: to[0], clientY: to[1] })
}

describe('annotation layer', () => {
  it('places items where their extents are and draws sources distinctly', () => {
    const w = layer()
    const seg = w.find('[data-overlay-id="a1"]')
    expect(seg.attributes('style')).toContain('left: 200px')
    expect(seg.attributes('style')).toContain('height: 300px')
    expect(seg.attributes('style')).toContain('border-style: solid')
    const box = w.find('[data-overlay-id="a2"]')
    expect(box.attributes('style')).toContain('top: 200px')
    expect(box.attributes('style')).toContain('height: 50px')
    expect(box.attributes('style')).toContain('border-style: dashed')
    expect(box.text()).toBe('ERIRUB')
  })

  it('turns a drag on empty space into a draft segment, or a box with Shift on the spectrogram', async () => {
    const w = layer()
    await gesture(w, [100, 50], [400, 60])
    await gesture(w, [700, 150], [800, 250], true)
    const drafts = w.emitted('draft') ?? []
    expect(drafts[0]).toEqual([{ startS: 1, endS: 4, lowHz: null, highHz: null }])
    expect(drafts[1]).toEqual([{ startS: 7, endS: 8, lowHz: 5000, highHz: 15_000 }])
  })

  it('draws boxes without Shift in box mode, but segments on the waveform band', async () => {
    const w = layer({ boxMode: true })
    await gesture(w, [100, 200], [200, 250])
    await gesture(w, [300, 20], [400, 40])
    expect((w.emitted('draft') ?? []).map(([e]) => (e as { lowHz: number | null }).lowHz)).toEqual([5000, null])
  })

  it('treats a click without movement as "move the cursor here" and clears the selection', async () => {
    const w = layer()
    await w.trigger('pointerdown', { button: 0, pointerId: 1, clientX: 250, clientY: 50 })
    await w.trigger('pointerup', { pointerId: 1, clientX: 251, clientY: 51 })
    expect(w.emitted('seek')).toEqual([[2.5]])
    expect(w.emitted('select')).toEqual([[null]])
    expect(w.emitted('draft')).toBeUndefined()
  })

  it('selects an item on press and reports a move by drag, live while dragging', async () => {
    const w = layer({ selectedId: 'a1' })
    const seg = w.find('[data-overlay-id="a1"]')
    await seg.trigger('pointerdown', { button: 0, pointerId: 1, clientX: 250, clientY: 50 })
    await w.trigger('pointermove', { pointerId: 1, clientX: 400, clientY: 50 })
    expect(w.find('[data-overlay-id="a1"]').attributes('style')).toContain('left: 350px')
    await w.trigger('pointerup', { pointerId: 1, clientX: 400, clientY: 50 })
    expect(w.emitted('select')).toEqual([['a1']])
    expect(w.emitted('change')).toEqual([['a1', { startS: 3.5, endS: 4.5, lowHz: null, highHz: null }]])
  })

  it('resizes the selected item by its handles', async () => {
    const w = layer({ selectedId: 'a2' })
    await w.find('[data-overlay-id="a2"] [data-handle="high"]').trigger('pointerdown', { button: 0, pointerId: 1, clientX: 550, clientY: 150 })
    await w.trigger('pointermove', { pointerId: 1, clientX: 550, clientY: 130 })
    await w.trigger('pointerup', { pointerId: 1, clientX: 550, clientY: 130 })
    expect(w.emitted('change')).toEqual([['a2', { startS: 5, endS: 6, lowHz: 5000, highHz: 12_000 }]])
  })

  it('neither creates nor moves anything when not editable, but still selects', async () => {
    const w = layer({ editable: false, selectedId: 'a1' })
    await gesture(w, [100, 50], [400, 60])
    await gesture(w.find('[data-overlay-id="a1"]'), [250, 50], [400, 50])
    expect(w.emitted('draft')).toBeUndefined()
    expect(w.emitted('change')).toBeUndefined()
    expect(w.emitted('select')).toContainEqual(['a1'])
  })
})
