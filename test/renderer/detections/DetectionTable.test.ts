import { describe, expect, it, vi } from 'vitest'
import { mount, flushPromises } from '@vue/test-utils'
import DetectionTable from '../../../src-renderer/src/components/detections/DetectionTable.vue'
import { MAX_SCROLL_PX } from '../../../src-renderer/src/components/detections/virtual-rows'
import { detectionRow } from './fixtures'
import type { DetectionRow, DetectionSort } from '../../../src-shared/contracts'

const rowAt = (i: number) => (i % 7 === 3 ? undefined : detectionRow(i))

async function scrollTo(el: HTMLElement, top: number): Promise<void> {
  el.scrollTop = top
  el.dispatchEvent(new Event('scroll'))
  await new Promise((done) => requestAnimationFrame(() => done(null)))
  await flushPromises()
}

/** The table mounted in the document with these props, its first render settled. */
async function mountTable(props: { total: number; rowAt: (i: number) => DetectionRow | undefined; selectedIndex: number | null; sort: DetectionSort }) {
  const wrapper = mount(DetectionTable, { props, attachTo: document.body })
  await flushPromises()
  return wrapper
}

describe('detection table', () => {
  it('keeps a million rows to a few dozen elements, reaches the last row, and asks for the rows it shows', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const wrapper = await mountTable({ total: 1_000_000, rowAt, selectedIndex: null, sort: { by: 'score', dir: 'desc' } })
      expect(wrapper.findAll('.row.body').length).toBeLessThan(40)
      const content = wrapper.find('.content').element as HTMLElement
      expect(content.style.height).toBe(`${MAX_SCROLL_PX}px`)
      vi.advanceTimersByTime(50)
      expect(wrapper.emitted('range')?.at(-1)?.[0]).toBe(0)

      const scroller = wrapper.find('.scroller').element as HTMLElement
      await scrollTo(scroller, MAX_SCROLL_PX - 400)
      vi.advanceTimersByTime(50)
      const indexes = wrapper.findAll('.row.body').map((r) => Number(r.attributes('data-index')))
      expect(indexes.at(-1)).toBe(999_999)
      expect(wrapper.emitted('range')?.at(-1)?.[1]).toBe(999_999)
      // Rows not fetched yet show a placeholder, not stale data.
      expect(wrapper.find('[data-index="999995"] .placeholder').exists()).toBe(true)
      wrapper.unmount()
    } finally {
      vi.useRealTimers()
    }
  })

  it('marks the selected row and the sorted column, and reports clicks', async () => {
    const wrapper = await mountTable({ total: 50, rowAt: (i: number) => detectionRow(i), selectedIndex: 2, sort: { by: 'time', dir: 'asc' } })
    expect(wrapper.find('.row.body.selected').attributes('data-index')).toBe('2')
    expect(wrapper.find('[aria-sort="ascending"]').text()).toBe('Time')
    await wrapper.find('[data-index="4"]').trigger('mousedown')
    expect(wrapper.emitted('select')).toEqual([[4]])
    await wrapper.findAll('[role="columnheader"]').find((h) => h.text() === 'Species')?.trigger('click')
    expect(wrapper.emitted('sort')).toEqual([['label']])
    wrapper.unmount()
  })

  it('opens on a selected row far down the list, and follows the selection even when no scroll event came', async () => {
    const wrapper = await mountTable({ total: 1000, rowAt: (i: number) => detectionRow(i), selectedIndex: 600, sort: { by: 'score', dir: 'desc' } })
    expect(wrapper.find('.row.body.selected').attributes('data-index')).toBe('600')

    // The element scrolled (the browser adjusted it) but onScroll's frame has not run yet: the
    // next selection, already on screen for the element, must still be drawn.
    const scroller = wrapper.find('.scroller').element as HTMLElement
    scroller.scrollTop = 300 * 34
    await wrapper.setProps({ selectedIndex: 302 })
    await flushPromises()
    expect(wrapper.find('.row.body.selected').attributes('data-index')).toBe('302')
    const drawn = wrapper.findAll('.row.body').map((r) => Number(r.attributes('data-index')))
    expect(drawn[0]).toBeLessThanOrEqual(300)
    expect(drawn.at(-1)).toBeGreaterThanOrEqual(302)
    wrapper.unmount()
  })
})
