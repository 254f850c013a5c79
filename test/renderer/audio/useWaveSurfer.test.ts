import { beforeEach, describe, expect, it, vi } from 'vitest'
import { defineComponent, h, ref } from 'vue'
import { mount } from '@vue/test-utils'
import { created, minimaps, resetFakeWaveSurfer } from './fake-wavesurfer'
import { useWaveSurfer, type WaveSurferHandle } from '../../../src-renderer/src/composables/useWaveSurfer'

vi.mock('wavesurfer.js', async () => (await import('./fake-wavesurfer')).wavesurferModule())
vi.mock('wavesurfer.js/dist/plugins/minimap.esm.js', async () => (await import('./fake-wavesurfer')).minimapModule())

const LOOK = { height: 80, waveColor: '#000', progressColor: '#111', cursorColor: '#222', minimapHeight: 20 }
const peaks: [Float32Array, Float32Array] = [Float32Array.of(0.5, 0.2), Float32Array.of(-0.5, -0.1)]

function mountPlayer() {
  let handle: WaveSurferHandle | null = null
  const Host = defineComponent({
    setup() {
      const wave = ref<HTMLElement | null>(null)
      const mini = ref<HTMLElement | null>(null)
      handle = useWaveSurfer(wave, mini, LOOK)
      return () => h('div', [h('div', { ref: wave }), h('div', { ref: mini })])
    },
  })
  const wrapper = mount(Host, { attachTo: document.body })
  return { wrapper, player: handle as unknown as WaveSurferHandle }
}

describe('useWaveSurfer', () => {
  beforeEach(() => resetFakeWaveSurfer())

  it('creates a player from peaks and the media URL, without decoding, with a minimap', () => {
    const { wrapper, player } = mountPlayer()
    player.load({ url: '/media/recordings/3/audio', durationS: 3600, peaks })
    expect(created).toHaveLength(1)
    expect(created[0].options).toMatchObject({ url: '/media/recordings/3/audio', duration: 3600, peaks, interact: false, autoScroll: false })
    expect(minimaps).toHaveLength(1)
    wrapper.unmount()
  })

  it('destroys the player and drops its listeners when the component unmounts', () => {
    const { wrapper, player } = mountPlayer()
    player.load({ url: '/a', durationS: 10, peaks })
    const ws = created[0]
    expect(ws.listenerCount()).toBeGreaterThan(0)
    wrapper.unmount()
    expect(ws.destroy).toHaveBeenCalledTimes(1)
    expect(ws.listenerCount()).toBe(0)
    expect(player.instance.value).toBeNull()
  })

  it('destroys the previous player when another recording is loaded', () => {
    const { wrapper, player } = mountPlayer()
    player.load({ url: '/a', durationS: 10, peaks })
    player.load({ url: '/b', durationS: 20, peaks })
    expect(created).toHaveLength(2)
    expect(created[0].destroyed).toBe(true)
    expect(created[1].destroyed).toBe(false)
    wrapper.unmount()
    expect(created[1].destroyed).toBe(true)
  })

  it('follows play, pause and time, and slows playback without preserving pitch', async () => {
    const { wrapper, player } = mountPlayer()
    player.load({ url: '/a', durationS: 10, peaks })
    const ws = created[0]
    ws.emit('ready', 10)
    expect(player.ready.value).toBe(true)
    await player.togglePlay()
    expect(player.playing.value).toBe(true)
    player.seek(4.5)
    expect(player.currentTime.value).toBe(4.5)
    player.setRate(0.1)
    expect(ws.setPlaybackRate).toHaveBeenCalledWith(0.1, false)
    player.setViewport(200, 3)
    expect(ws.zoom).toHaveBeenCalledWith(200)
    expect(ws.setScroll).toHaveBeenCalledWith(600)
    wrapper.unmount()
  })

  it('redraws with finer peaks in place (the media keeps playing)', async () => {
    const { wrapper, player } = mountPlayer()
    player.load({ url: '/a', durationS: 10, peaks })
    const finer: [Float32Array, Float32Array] = [new Float32Array(100), new Float32Array(100)]
    await player.setPeaks(finer, 10)
    expect(created[0].setOptions).toHaveBeenCalledWith({ peaks: finer, duration: 10 })
    expect(created[0].render).toHaveBeenCalledTimes(1)
    expect(created).toHaveLength(1)
    wrapper.unmount()
  })
})
