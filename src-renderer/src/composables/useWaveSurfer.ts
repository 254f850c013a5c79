// Owns one wavesurfer instance (waveform from precomputed peaks, audio streamed from the media
// URL with Range, a minimap for navigation) and destroys it with the scope that created it.
// Nothing here decodes audio: the waveform is drawn from peaks the main process computed.
import { onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue'
import WaveSurfer from 'wavesurfer.js'
import Minimap from 'wavesurfer.js/dist/plugins/minimap.esm.js'

export type PeaksChannels = [Float32Array, Float32Array]

export interface WaveSurferSource {
  url: string
  /** File seconds (header rate): what the media element plays. */
  durationS: number
  peaks: PeaksChannels
}

export interface WaveSurferLook {
  height: number
  waveColor: string
  progressColor: string
  cursorColor: string
  minimapHeight: number
}

export function useWaveSurfer(container: Ref<HTMLElement | null>, minimap: Ref<HTMLElement | null>, look: WaveSurferLook) {
  const instance = shallowRef<WaveSurfer | null>(null)
  const currentTime = ref(0)
  const playing = ref(false)
  const ready = ref(false)
  const error = ref<string | null>(null)
  let unsubscribe: Array<() => void> = []

  function destroy(): void {
    for (const off of unsubscribe) off()
    unsubscribe = []
    instance.value?.destroy()
    instance.value = null
    ready.value = false
    playing.value = false
  }

  /** (Re)creates the player for a recording; the previous one is destroyed first. */
  function load(source: WaveSurferSource): void {
    destroy()
    error.value = null
    if (!container.value) return
    const ws = WaveSurfer.create({
      container: container.value,
      url: source.url,
      peaks: source.peaks,
      duration: source.durationS,
      height: look.height,
      waveColor: look.waveColor,
      progressColor: look.progressColor,
      cursorColor: look.cursorColor,
      cursorWidth: 1,
      normalize: true,
      // Clicks, drags and scrolling belong to the annotation layer and the viewport.
      interact: false,
      hideScrollbar: true,
      // The viewer pages forward itself, so waveform and spectrogram scroll together.
      autoScroll: false,
      autoCenter: false,
      fillParent: true,
      minPxPerSec: 0,
      plugins: minimap.value
        ? [Minimap.create({ container: minimap.value, height: look.minimapHeight, waveColor: look.waveColor, progressColor: look.progressColor, overlayColor: 'rgba(14, 116, 104, 0.22)', cursorWidth: 1, normalize: true })]
        : [],
    })
    instance.value = ws
    unsubscribe = [
      ws.on('ready', () => (ready.value = true)),
      ws.on('timeupdate', (t) => (currentTime.value = t)),
      ws.on('play', () => (playing.value = true)),
      ws.on('pause', () => (playing.value = false)),
      ws.on('finish', () => (playing.value = false)),
      ws.on('error', (e) => (error.value = e.message)),
    ]
  }

  /** Swaps in peaks of another resolution without touching playback. */
  async function setPeaks(peaks: PeaksChannels, durationS: number): Promise<void> {
    const ws = instance.value
    if (!ws) return
    // setOptions makes the new buffer but keeps drawing the old one; render draws the new one
    // (load() would do both, but pauses playback).
    ws.setOptions({ peaks, duration: durationS })
    const data = ws.getDecodedData()
    if (data) await ws.getRenderer().render(data)
  }

  async function play(fromS?: number, toS?: number): Promise<void> {
    await instance.value?.play(fromS, toS)
  }

  function pause(): void {
    instance.value?.pause()
  }

  async function togglePlay(): Promise<void> {
    if (!instance.value) return
    if (instance.value.isPlaying()) instance.value.pause()
    else await instance.value.play()
  }

  function seek(fileS: number): void {
    instance.value?.setTime(fileS)
  }

  /** Slower playback lowers the pitch too (1/10 makes a 40 kHz call sound at 4 kHz). */
  function setRate(rate: number): void {
    instance.value?.setPlaybackRate(rate, false)
  }

  function setViewport(pxPerSec: number, startS: number): void {
    const ws = instance.value
    if (!ws || !ready.value) return
    ws.zoom(pxPerSec)
    ws.setScroll(Math.round(startS * pxPerSec))
  }

  function scrollLeft(): number {
    return instance.value?.getScroll() ?? 0
  }

  // The container going away (v-if) ends the instance with it.
  watch(container, (el) => {
    if (!el) destroy()
  })
  onScopeDispose(destroy)

  return { instance, currentTime, playing, ready, error, load, setPeaks, play, pause, togglePlay, seek, setRate, setViewport, scrollLeft, destroy }
}

export type WaveSurferHandle = ReturnType<typeof useWaveSurfer>
