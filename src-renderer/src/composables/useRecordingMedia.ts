// The cached media of one recording as the viewer needs it: the peaks and spectrogram indexes,
// peaks levels (kept once fetched) and a tile store per FFT size. Everything in flight is
// cancelled when the recording or FFT size changes and when the scope ends.
import { onScopeDispose, ref, shallowRef, watch, type Ref } from 'vue'
import { fetchMediaBytes, fetchMediaJson } from '../components/audio/media-fetch'
import { decodePeaks, PeaksIndex, SpectrogramIndex } from '../components/audio/media-indexes'
import { TileStore } from '../components/audio/tile-store'
import type { PeaksChannels } from './useWaveSurfer'

export function useRecordingMedia(recordingId: Ref<number | null>, fftSize: Ref<number>) {
  const peaksIndex = shallowRef<PeaksIndex | null>(null)
  const spectrogramIndex = shallowRef<SpectrogramIndex | null>(null)
  const tiles = shallowRef<TileStore | null>(null)
  const error = ref<string | null>(null)
  /** Bumped whenever a tile arrives, so painters know to redraw. */
  const tileEpoch = ref(0)
  const peakLevels = new Map<number, Promise<PeaksChannels>>()
  let controller = new AbortController()

  function describe(e: unknown): string {
    return e instanceof Error ? e.message : String(e)
  }

  async function loadPeaksIndex(id: number, signal: AbortSignal): Promise<void> {
    try {
      const index = await fetchMediaJson(`recordings/${id}/peaks`, PeaksIndex, signal)
      if (!signal.aborted) peaksIndex.value = index
    } catch (e) {
      if (!signal.aborted) error.value = `The waveform could not be prepared: ${describe(e)}`
    }
  }

  async function loadSpectrogramIndex(id: number, fft: number, signal: AbortSignal): Promise<void> {
    try {
      const index = await fetchMediaJson(`recordings/${id}/spectrogram/${fft}`, SpectrogramIndex, signal)
      if (signal.aborted) return
      spectrogramIndex.value = index
    } catch (e) {
      if (!signal.aborted) error.value = `The spectrogram could not be prepared: ${describe(e)}`
    }
  }

  function newTileStore(id: number, fft: number): void {
    tiles.value?.dispose()
    tiles.value = new TileStore(async (key, signal) => {
      const bytes = await fetchMediaBytes(`recordings/${id}/spectrogram/${fft}/${key.level}/${key.tile}`, signal)
      return new Uint8Array(bytes)
    })
  }

  /** The peaks level with 2^bucketLog2 samples per bucket (fetched once). */
  function peaks(bucketLog2: number): Promise<PeaksChannels> {
    const id = recordingId.value
    if (id === null) return Promise.reject(new Error('no recording'))
    let level = peakLevels.get(bucketLog2)
    if (!level) {
      level = fetchMediaBytes(`recordings/${id}/peaks/${bucketLog2}`, controller.signal).then(decodePeaks)
      level.catch(() => peakLevels.delete(bucketLog2))
      peakLevels.set(bucketLog2, level)
    }
    return level
  }

  /** Fetches a tile; resolves false when it could not be had (drawn as background meanwhile). */
  async function requestTile(level: number, tile: number): Promise<boolean> {
    const store = tiles.value
    if (!store) return false
    try {
      await store.request({ fftSize: fftSize.value, level, tile })
      tileEpoch.value += 1
      return true
    } catch {
      return false
    }
  }

  function reset(): void {
    controller.abort()
    controller = new AbortController()
    peaksIndex.value = null
    spectrogramIndex.value = null
    error.value = null
    peakLevels.clear()
    tiles.value?.dispose()
    tiles.value = null
  }

  watch(
    recordingId,
    (id) => {
      reset()
      if (id === null) return
      // Both at once: on a first open the main process builds them in one read of the file.
      void loadPeaksIndex(id, controller.signal)
      newTileStore(id, fftSize.value)
      void loadSpectrogramIndex(id, fftSize.value, controller.signal)
    },
    { immediate: true },
  )

  watch(fftSize, (fft) => {
    const id = recordingId.value
    if (id === null) return
    spectrogramIndex.value = null
    newTileStore(id, fft)
    void loadSpectrogramIndex(id, fft, controller.signal)
  })

  onScopeDispose(reset)

  return { peaksIndex, spectrogramIndex, tiles, tileEpoch, error, peaks, requestTile }
}
