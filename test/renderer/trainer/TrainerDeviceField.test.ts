import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import TrainerDeviceField from '../../../src-renderer/src/components/trainer/TrainerDeviceField.vue'

describe('TrainerDeviceField', () => {
  it('offers the three devices and reports the one chosen', async () => {
    const wrapper = mount(TrainerDeviceField, { props: { modelValue: 'auto' } })
    expect(wrapper.find('.field-label').text()).toBe('Device')
    expect(wrapper.findAll('option').map((o) => [o.attributes('value'), o.text()])).toEqual([
      ['auto', 'GPU when available'],
      ['cuda', 'GPU only'],
      ['cpu', 'CPU (slow)'],
    ])
    await wrapper.find('select').setValue('cpu')
    expect(wrapper.emitted('update:modelValue')).toEqual([['cpu']])
  })
})
