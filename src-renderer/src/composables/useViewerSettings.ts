// How a researcher likes the spectrogram (FFT size, colours, contrast, speed), remembered on this
// machine. Read back through a check: a stale or edited value falls back to the default.
import { effectScope, reactive, watch } from 'vue'
import type { ColorMapName } from '../components/audio/colormaps'

export interface ViewerSettings {
  fftSize: number
  colorMap: ColorMapName
  /** dB between the quietest and loudest colour. */
  rangeDb: number
  /** Shifts the loudest colour down (brighter) or up (darker) from the automatic level. */
  gainDb: number
  /** Lowest and highest frequency shown; null = 0 / Nyquist of the recording. */
  lowHz: number | null
  highHz: number | null
  /** Playback rate; below 1 lowers the pitch with the speed. */
  speed: number
  spectrogramHeight: number
}

export const FFT_SIZES = [256, 512, 1024, 2048, 4096]
export const SPEEDS = [2, 1, 0.5, 0.25, 0.125, 0.1, 0.05]
export const RANGES_DB = [40, 60, 80, 100]
const COLOR_MAPS: ColorMapName[] = ['viridis', 'magma', 'gray', 'gray-inverted']

export const DEFAULT_VIEWER_SETTINGS: ViewerSettings = {
  fftSize: 512,
  colorMap: 'viridis',
  rangeDb: 80,
  gainDb: 0,
  lowHz: null,
  highHz: null,
  speed: 1,
  spectrogramHeight: 260,
}

const KEY = 'openbeats.viewer-settings'

function sanitize(raw: unknown): ViewerSettings {
  const s = { ...DEFAULT_VIEWER_SETTINGS }
  if (!raw || typeof raw !== 'object') return s
  const r = raw as Record<string, unknown>
  if (typeof r.fftSize === 'number' && FFT_SIZES.includes(r.fftSize)) s.fftSize = r.fftSize
  if (typeof r.colorMap === 'string' && (COLOR_MAPS as string[]).includes(r.colorMap)) s.colorMap = r.colorMap as ColorMapName
  if (typeof r.rangeDb === 'number' && RANGES_DB.includes(r.rangeDb)) s.rangeDb = r.rangeDb
  if (typeof r.gainDb === 'number' && Math.abs(r.gainDb) <= 60) s.gainDb = r.gainDb
  if (typeof r.speed === 'number' && SPEEDS.includes(r.speed)) s.speed = r.speed
  if (typeof r.spectrogramHeight === 'number' && r.spectrogramHeight >= 120 && r.spectrogramHeight <= 800) s.spectrogramHeight = r.spectrogramHeight
  // The frequency range belongs to one recording (a bat file and a bird file differ): not kept.
  return s
}

function load(): ViewerSettings {
  try {
    return sanitize(JSON.parse(localStorage.getItem(KEY) ?? 'null'))
  } catch {
    return { ...DEFAULT_VIEWER_SETTINGS }
  }
}

let shared: ViewerSettings | null = null

/**
 * The one settings object of this window: every viewer (Annotate, Detections) and its toolbar
 * share it, so a colour map chosen in one is there in the other.
 */
export function useViewerSettings(): ViewerSettings {
  if (shared) return shared
  const settings = reactive(load())
  shared = settings
  // Detached: it lives as long as the window, not as long as the first viewer that asked.
  effectScope(true).run(() =>
    watch(
      () => ({ ...settings }),
      (s) => {
        try {
          localStorage.setItem(KEY, JSON.stringify({ ...s, lowHz: null, highHz: null }))
        } catch {
          // Storage full or disabled: the settings still work for this session.
        }
      },
    ),
  )
  return settings
}

/** Back to the defaults (tests; a "reset view" button). */
export function resetViewerSettings(): void {
  Object.assign(useViewerSettings(), DEFAULT_VIEWER_SETTINGS)
}
