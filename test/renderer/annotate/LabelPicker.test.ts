import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { createMemoryHistory, createRouter } from 'vue-router'
import LabelPicker from '../../../src-renderer/src/components/annotate/LabelPicker.vue'
import { label } from './season-fixtures'

const labels = [
  { ...label({ id: 1, code: 'ERIRUB', scientificName: 'Erithacus rubecula', commonName: 'European robin' }), setName: 'Birds' },
  { ...label({ id: 2, code: 'TURMER' }), setName: 'Birds' },
  { ...label({ id: 3, code: 'TURPHI', scientificName: 'Turdus philomelos', commonName: 'Song thrush' }), setName: 'Birds' },
]

function picker(props: Record<string, unknown> = {}) {
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { render: () => null } }] })
  return mount(LabelPicker, { props: { labels, ...props }, global: { plugins: [router] }, attachTo: document.body })
}

describe('label picker', () => {
  it('filters as you type and picks the highlighted one with Enter', async () => {
    const w = picker()
    const input = w.find('input[role="combobox"]')
    await input.setValue('tur')
    expect(w.findAll('[role="option"]').map((o) => o.attributes('data-label-id'))).toEqual(['2', '3'])
    await input.trigger('keydown', { key: 'ArrowDown' })
    expect(w.find('[aria-selected="true"]').attributes('data-label-id')).toBe('3')
    expect(input.attributes('aria-activedescendant')).toBe(w.find('[aria-selected="true"]').attributes('id'))
    await input.trigger('keydown', { key: 'Enter' })
    expect(w.emitted('pick')).toEqual([[3]])
    w.unmount()
  })

  it('wraps around with the arrows and starts over when the text changes', async () => {
    const w = picker()
    const input = w.find('input[role="combobox"]')
    await input.trigger('keydown', { key: 'ArrowUp' })
    expect(w.find('[aria-selected="true"]').attributes('data-label-id')).toBe('3')
    await input.setValue('song')
    expect(w.find('[aria-selected="true"]').attributes('data-label-id')).toBe('3')
    await input.setValue('robin')
    await input.trigger('keydown', { key: 'Enter' })
    expect(w.emitted('pick')).toEqual([[1]])
    w.unmount()
  })

  it('offers the recently used labels first, and says when nothing matches', async () => {
    const w = picker({ recentIds: [3] })
    expect(w.findAll('[role="option"]')[0].attributes('data-label-id')).toBe('3')
    await w.find('input').setValue('zebra')
    expect(w.text()).toContain('No label matches “zebra”')
    await w.find('input').trigger('keydown', { key: 'Enter' })
    expect(w.emitted('pick')).toBeUndefined()
    w.unmount()
  })

  it('closes on Escape and points to the label sets when the project has none', async () => {
    const empty = picker({ labels: [] })
    expect(empty.text()).toContain('Create a label set or import a species list')
    await empty.find('[role="dialog"]').trigger('keydown', { key: 'Escape' })
    expect(empty.emitted('close')).toHaveLength(1)
    empty.unmount()
  })
})
