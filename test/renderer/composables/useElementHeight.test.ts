import { afterEach, describe, expect, it, vi } from 'vitest'
import { mount } from '@vue/test-utils'
import { defineComponent, h, ref, type Ref } from 'vue'
import { useElementHeight } from '../../../src-renderer/src/composables/useElementHeight'

// happy-dom lays nothing out: heights are set by hand and resizes are delivered by hand.
class FakeResizeObserver {
  static last: FakeResizeObserver | null = null
  observed: Element[] = []
  disconnected = false
  constructor(readonly callback: () => void) {
    FakeResizeObserver.last = this
  }
  observe(el: Element): void {
    this.observed.push(el)
  }
  disconnect(): void {
    this.disconnected = true
  }
}

function setClientHeight(el: Element, px: number): void {
  Object.defineProperty(el, 'clientHeight', { value: px, configurable: true })
}

function mountMeasured() {
  const measured: { height: Ref<number> | null } = { height: null }
  const wrapper = mount(
    defineComponent({
      setup() {
        const el = ref<HTMLElement | null>(null)
        measured.height = useElementHeight(el, 400)
        return () => h('div', { ref: el })
      },
    }),
  )
  return { wrapper, height: () => measured.height?.value }
}

describe('useElementHeight', () => {
  const ownHeight = Object.getOwnPropertyDescriptor(HTMLElement.prototype, 'clientHeight')

  afterEach(() => {
    vi.unstubAllGlobals()
    FakeResizeObserver.last = null
    if (ownHeight) Object.defineProperty(HTMLElement.prototype, 'clientHeight', ownHeight)
    else delete (HTMLElement.prototype as { clientHeight?: number }).clientHeight
  })

  it('measures the element when it is mounted', () => {
    Object.defineProperty(HTMLElement.prototype, 'clientHeight', { get: () => 530, configurable: true })
    expect(mountMeasured().height()).toBe(530)
  })

  it('keeps the fallback while the element has no height, then follows resizes and stops on unmount', () => {
    vi.stubGlobal('ResizeObserver', FakeResizeObserver)
    const m = mountMeasured()
    expect(m.height()).toBe(400)
    const observer = FakeResizeObserver.last
    expect(observer?.observed).toEqual([m.wrapper.element])

    setClientHeight(m.wrapper.element, 612)
    observer?.callback()
    expect(m.height()).toBe(612)

    // A collapsed element (display: none) keeps the last real height.
    setClientHeight(m.wrapper.element, 0)
    observer?.callback()
    expect(m.height()).toBe(612)

    m.wrapper.unmount()
    expect(observer?.disconnected).toBe(true)
  })
})
