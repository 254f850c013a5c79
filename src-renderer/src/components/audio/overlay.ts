// Annotations and detections drawn over the waveform and spectrogram: where each one sits, and how
// a drag moves or resizes it. Extents are in true seconds and Hz; the layout converts.
import type { Viewport } from './viewport'

export type OverlayVariant = 'manual' | 'imported' | 'model' | 'review' | 'detection'

/** One thing drawn over the recording; ids are strings so annotations and detections can mix. */
export interface ViewerOverlay {
  id: string
  startS: number
  endS: number
  /** Both null: a time segment over the full height; both set: a box on the spectrogram. */
  lowHz: number | null
  highHz: number | null
  label: string
  /** #rrggbb */
  color: string
  variant: OverlayVariant
  /** Tooltip, e.g. "Turdus merula · manual · 2.1 s". */
  title?: string
  /** Not movable or resizable even in an editable viewer (e.g. detections). */
  locked?: boolean
}

export interface Extent {
  startS: number
  endS: number
  lowHz: number | null
  highHz: number | null
}

export interface OverlayLayout {
  viewport: Viewport
  timeExpansion: number
  waveHeight: number
  specHeight: number
  /** Frequency range shown on the spectrogram. */
  lowHz: number
  highHz: number
}

export interface Rect {
  left: number
  top: number
  width: number
  height: number
}

export function xOfTrue(layout: OverlayLayout, trueS: number): number {
  return (trueS * layout.timeExpansion - layout.viewport.startS) * layout.viewport.pxPerSec
}

export function trueOfX(layout: OverlayLayout, x: number): number {
  return (layout.viewport.startS + x / layout.viewport.pxPerSec) / layout.timeExpansion
}

/** Hz at y (only meaningful inside the spectrogram band). */
export function hzOfY(layout: OverlayLayout, y: number): number {
  const f = (y - layout.waveHeight) / layout.specHeight
  return layout.highHz - Math.min(1, Math.max(0, f)) * (layout.highHz - layout.lowHz)
}

export function yOfHz(layout: OverlayLayout, hz: number): number {
  return layout.waveHeight + ((layout.highHz - hz) / (layout.highHz - layout.lowHz)) * layout.specHeight
}

/** Where an extent is drawn, or null when it is outside the view. */
export function overlayRect(layout: OverlayLayout, e: Extent): Rect | null {
  const x0 = xOfTrue(layout, e.startS)
  const x1 = xOfTrue(layout, e.endS)
  if (x1 < 0 || x0 > layout.viewport.widthPx) return null
  const left = Math.max(-2, x0)
  const width = Math.max(2, Math.min(layout.viewport.widthPx + 2, x1) - left)
  if (e.lowHz === null || e.highHz === null) return { left, width, top: 0, height: layout.waveHeight + layout.specHeight }
  const top = Math.max(layout.waveHeight, yOfHz(layout, e.highHz))
  const bottom = Math.min(layout.waveHeight + layout.specHeight, yOfHz(layout, e.lowHz))
  if (bottom <= layout.waveHeight || top >= layout.waveHeight + layout.specHeight) return null
  return { left, width, top, height: Math.max(2, bottom - top) }
}

export type DragHandle = 'move' | 'start' | 'end' | 'low' | 'high'

export interface DragBounds {
  durationS: number
  nyquistHz: number
  /** Shortest extent a drag can leave (seconds). */
  minS: number
  minHz: number
}

/** The extent after dragging `handle` by dt seconds and dHz; stays inside the recording. */
export function dragExtent(original: Extent, handle: DragHandle, dt: number, dHz: number, b: DragBounds): Extent {
  const e = { ...original }
  const isBox = e.lowHz !== null && e.highHz !== null
  if (handle === 'move') {
    const span = e.endS - e.startS
    const start = Math.min(Math.max(0, e.startS + dt), Math.max(0, b.durationS - span))
    e.startS = start
    e.endS = start + span
    if (isBox) {
      const band = (e.highHz as number) - (e.lowHz as number)
      const low = Math.min(Math.max(0, (e.lowHz as number) + dHz), Math.max(0, b.nyquistHz - band))
      e.lowHz = low
      e.highHz = low + band
    }
    return e
  }
  if (handle === 'start') e.startS = Math.min(Math.max(0, e.startS + dt), e.endS - b.minS)
  if (handle === 'end') e.endS = Math.max(Math.min(b.durationS, e.endS + dt), e.startS + b.minS)
  if (handle === 'low' && isBox) e.lowHz = Math.min(Math.max(0, (e.lowHz as number) + dHz), (e.highHz as number) - b.minHz)
  if (handle === 'high' && isBox) e.highHz = Math.max(Math.min(b.nyquistHz, (e.highHz as number) + dHz), (e.lowHz as number) + b.minHz)
  return e
}

/** A new extent from two corners of a drag (a box when `box`), clamped to the recording. */
export function extentFromDrag(a: { s: number; hz: number }, b: { s: number; hz: number }, box: boolean, bounds: DragBounds): Extent {
  const startS = Math.max(0, Math.min(a.s, b.s))
  const endS = Math.min(bounds.durationS, Math.max(a.s, b.s))
  if (!box) return { startS, endS, lowHz: null, highHz: null }
  return {
    startS,
    endS,
    lowHz: Math.max(0, Math.min(a.hz, b.hz)),
    highHz: Math.min(bounds.nyquistHz, Math.max(a.hz, b.hz)),
  }
}

/** Border style per source, so imported and model-made labels never pass for hand-made ones. */
export const VARIANT_STYLE: Record<OverlayVariant, { border: string; fillAlpha: number; label: string }> = {
  manual: { border: 'solid', fillAlpha: 0.18, label: 'Manual' },
  imported: { border: 'dashed', fillAlpha: 0.12, label: 'Imported' },
  model: { border: 'dotted', fillAlpha: 0.08, label: 'Model' },
  review: { border: 'double', fillAlpha: 0.18, label: 'Reviewed detection' },
  detection: { border: 'dotted', fillAlpha: 0.05, label: 'Detection' },
}

export function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(hex)
  if (!m) return `rgba(120, 120, 120, ${alpha})`
  const n = parseInt(m[1], 16)
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`
}
