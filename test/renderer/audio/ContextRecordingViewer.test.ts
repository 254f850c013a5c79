// The recording behind a detection or review window: fetched by id, the latest selection wins,
// unusable recordings say why, and play() plays the stretch with its context.
import { beforeEach, describe, expect, it, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { fake, ApiError } from '../helpers/fake-api'
import { deferred } from '../helpers/fixtures'
import { recordingDetail } from '../annotate/season-fixtures'
import type { RecordingDetail } from '../../../src-shared/contracts'
import ContextRecordingViewer from '../../../src-renderer/src/components/audio/ContextRecordingViewer.vue'

vi.mock('../../../src-renderer/src/api', async () => (await import('../helpers/fake-api')).fakeApiModule())
const played = vi.fn<(range: unknown) => Promise<void>>()
vi.mock('../../../src-renderer/src/components/audio/RecordingViewer.vue', async () => {
  const { defineComponent, h } = await import('vue')
  return {
    default: defineComponent({
      props: { recording: { type: Object, required: true }, range: { type: Object, default: null }, selectedId: { type: String, default: null } },
      setup(props, { expose }) {
        expose({ play: (range: unknown) => played(range) })
        return () => h('div', { class: 'viewer-stub', 'data-recording-id': (props.recording as { id: number }).id, 'data-selected': props.selectedId })
      },
    }),
  }
})

const range = { startS: 7, endS: 15 }

function mountViewer(recordingId: number | null) {
  return mount(ContextRecordingViewer, { props: { recordingId, range, overlays: [], selectedId: 'window' } })
}

describe('ContextRecordingViewer', () => {
  beforeEach(() => {
    fake.reset()
    played.mockReset()
    setActivePinia(createPinia())
  })

  it('shows the recording once it is loaded and plays the range with its context', async () => {
    fake.api.recordings.get.mockResolvedValue(recordingDetail({ id: 12 }))
    const wrapper = mountViewer(12)
    expect(wrapper.find('.loading').text()).toBe('Loading the recording…')
    await flushPromises()
    expect(wrapper.find('.viewer-stub').attributes()).toMatchObject({ 'data-recording-id': '12', 'data-selected': 'window' })
    await wrapper.vm.play()
    expect(played).toHaveBeenCalledWith({ startS: 7, endS: 15 })
  })

  it('says why a missing or quarantined recording cannot be shown, and plays nothing', async () => {
    fake.api.recordings.get.mockResolvedValueOnce(recordingDetail({ id: 3, fileName: 'a.WAV', status: 'missing' }))
    fake.api.recordings.get.mockResolvedValueOnce(recordingDetail({ id: 4, fileName: 'b.WAV', status: 'quarantined', statusReason: 'the data chunk ends early' }))
    const wrapper = mountViewer(3)
    await flushPromises()
    expect(wrapper.find('.notice').text()).toBe('a.WAV is missing (moved or deleted?) — relink it on the Recordings page.')
    await wrapper.vm.play()
    expect(played).not.toHaveBeenCalled()
    await wrapper.setProps({ recordingId: 4 })
    await flushPromises()
    expect(wrapper.find('.notice').text()).toBe('b.WAV is quarantined: the data chunk ends early.')
  })

  it('says when the recording could not be fetched', async () => {
    fake.api.recordings.get.mockRejectedValue(new ApiError('NOT_FOUND', 'No recording 9'))
    const wrapper = mountViewer(9)
    await flushPromises()
    expect(wrapper.find('.notice').text()).toBe('The recording could not be opened: No recording 9')
  })

  it('keeps only the answer for the latest selection when an older one arrives late', async () => {
    const slow = deferred<RecordingDetail>()
    fake.api.recordings.get.mockImplementation(({ id }) => (id === 1 ? slow.promise : Promise.resolve(recordingDetail({ id: 2 }))))
    const wrapper = mountViewer(1)
    await wrapper.setProps({ recordingId: 2 })
    await flushPromises()
    slow.resolve(recordingDetail({ id: 1 }))
    await flushPromises()
    expect(wrapper.find('.viewer-stub').attributes('data-recording-id')).toBe('2')
  })

  it('does not fetch again for another stretch of the same recording, and clears for none', async () => {
    fake.api.recordings.get.mockResolvedValue(recordingDetail({ id: 12 }))
    const wrapper = mountViewer(12)
    await flushPromises()
    await wrapper.setProps({ range: { startS: 30, endS: 38 } })
    await wrapper.setProps({ recordingId: 12 })
    await flushPromises()
    expect(fake.api.recordings.get).toHaveBeenCalledTimes(1)
    await wrapper.setProps({ recordingId: null })
    expect(wrapper.find('.viewer-stub').exists()).toBe(false)
  })
})
