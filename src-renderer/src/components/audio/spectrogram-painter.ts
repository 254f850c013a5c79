// Draws the visible part of a spectrogram from tiles onto one canvas the width of the view. A
// tile not yet here is stood in for by a coarser one that is (blurry beats blank while scrolling).
import type { Viewport } from './viewport'
import { chooseSpectrogramLevel, rowRange, tilesInView, type SpectrogramIndex, type TileSpan } from './media-indexes'

export interface PaintRequest {
  index: SpectrogramIndex
  viewport: Viewport
  heightPx: number
  /** The rate the audio was really sampled at (frequency axis). */
  effectiveRate: number
  lowHz: number
  highHz: number
  lut: Uint8ClampedArray
  tile(level: number, tile: number): Uint8Array | undefined
}

export interface PaintResult {
  level: number
  /** Tiles of the chosen level that were not available (the caller fetches them). */
  missing: TileSpan[]
}

let scratch: HTMLCanvasElement | null = null

function tileImage(data: Uint8Array, rows: number, columns: number, low: number, high: number, lut: Uint8ClampedArray): HTMLCanvasElement | null {
  scratch ??= document.createElement('canvas')
  const shown = high - low
  if (scratch.width < columns) scratch.width = columns
  if (scratch.height < shown) scratch.height = shown
  const ctx = scratch.getContext('2d')
  if (!ctx) return null
  const image = ctx.createImageData(columns, shown)
  const px = image.data
  for (let c = 0; c < columns; c++) {
    const base = c * rows
    for (let r = low; r < high; r++) {
      // Row 0 is 0 Hz: the bottom of the image.
      const o = ((high - 1 - r) * columns + c) * 4
      const v = data[base + r] * 4
      px[o] = lut[v]
      px[o + 1] = lut[v + 1]
      px[o + 2] = lut[v + 2]
      px[o + 3] = 255
    }
  }
  ctx.putImageData(image, 0, 0)
  return scratch
}

export function paintSpectrogram(ctx: CanvasRenderingContext2D, req: PaintRequest, dpr = 1): PaintResult {
  const { index, viewport: v } = req
  const width = Math.round(v.widthPx * dpr)
  const height = Math.round(req.heightPx * dpr)
  ctx.fillStyle = `rgb(${req.lut[0]}, ${req.lut[1]}, ${req.lut[2]})`
  ctx.fillRect(0, 0, width, height)
  const endS = v.startS + v.widthPx / v.pxPerSec
  const level = chooseSpectrogramLevel(index, v.pxPerSec)
  const { low, high } = rowRange(index, req.effectiveRate, req.lowHz, req.highHz)
  const xOf = (s: number) => Math.round((s - v.startS) * v.pxPerSec * dpr)
  ctx.imageSmoothingEnabled = true
  const missing: TileSpan[] = []

  const draw = (span: TileSpan, data: Uint8Array, fromS: number, toS: number) => {
    const image = tileImage(data, index.rows, span.columns, low, high, req.lut)
    if (!image) return
    const colS = (span.endS - span.startS) / span.columns
    const c0 = Math.max(0, (fromS - span.startS) / colS)
    const c1 = Math.min(span.columns, (toS - span.startS) / colS)
    if (c1 <= c0) return
    const x0 = xOf(span.startS + c0 * colS)
    const x1 = xOf(span.startS + c1 * colS)
    ctx.drawImage(image, c0, 0, c1 - c0, high - low, x0, 0, Math.max(1, x1 - x0), height)
  }

  for (const span of tilesInView(index, level, v.startS, endS)) {
    const data = req.tile(level, span.tile)
    if (data) {
      draw(span, data, span.startS, span.endS)
      continue
    }
    missing.push(span)
    // Stand-in: the nearest coarser level that has this stretch.
    for (let up = level + 1; up <= index.topLevel; up++) {
      const cover = tilesInView(index, up, Math.max(span.startS, v.startS), Math.min(span.endS, endS))
      const have = cover.map((c) => ({ c, d: req.tile(up, c.tile) }))
      if (have.every((h) => h.d)) {
        for (const h of have) draw(h.c, h.d as Uint8Array, Math.max(span.startS, h.c.startS), Math.min(span.endS, h.c.endS))
        break
      }
    }
  }
  return { level, missing }
}
