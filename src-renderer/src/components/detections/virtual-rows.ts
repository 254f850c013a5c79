// Which rows of a very long table are on screen. Browsers cap an element's height (Chrome near
// 33.5 M px, Firefox near 17.9 M px), so a million 32-px rows cannot be one tall block: past
// MAX_SCROLL_PX the scroll range is compressed and a scroll position maps to a row proportionally,
// while the rows themselves are still drawn at their true height.

export const MAX_SCROLL_PX = 8_000_000

export interface RowWindow {
  /** first and last row (inclusive) to draw; last < first when there is none */
  first: number
  last: number
  /** where the first row's top goes, in the scrolled content's coordinates */
  top: number
  /** height of the scrolled content */
  contentHeight: number
}

export interface RowGeometry {
  total: number
  rowHeight: number
  viewportHeight: number
  maxScrollPx?: number
}

function scrollable(g: RowGeometry): { full: number; content: number; maxPx: number } {
  const maxPx = g.maxScrollPx ?? MAX_SCROLL_PX
  const full = g.total * g.rowHeight
  return { full, content: Math.min(full, maxPx), maxPx }
}

/** True top (px, as if uncompressed) of the first visible line for a scroll position. */
function virtualTop(scrollTop: number, g: RowGeometry): number {
  const { full, content } = scrollable(g)
  const room = content - g.viewportHeight
  if (full === content || room <= 0) return scrollTop
  return (Math.min(scrollTop, room) / room) * (full - g.viewportHeight)
}

export function rowWindow(scrollTop: number, g: RowGeometry, overscan = 4): RowWindow {
  const { content } = scrollable(g)
  if (g.total === 0) return { first: 0, last: -1, top: 0, contentHeight: 0 }
  const vTop = virtualTop(Math.max(0, scrollTop), g)
  const firstVisible = Math.min(g.total - 1, Math.floor(vTop / g.rowHeight))
  const first = Math.max(0, firstVisible - overscan)
  const last = Math.min(g.total - 1, Math.floor((vTop + g.viewportHeight) / g.rowHeight) + overscan)
  // Rows keep their true spacing; the block is pinned so that row `firstVisible` sits where vTop says.
  const top = Math.max(0, scrollTop) - (vTop - first * g.rowHeight)
  return { first, last, top, contentHeight: content }
}

/** Rows fully visible for a scroll position: [first, last]. */
export function visibleRows(scrollTop: number, g: RowGeometry): { first: number; last: number } {
  const vTop = virtualTop(Math.max(0, scrollTop), g)
  return { first: Math.ceil(vTop / g.rowHeight), last: Math.floor((vTop + g.viewportHeight) / g.rowHeight) - 1 }
}

/** The scroll position that brings `index` into view with the least movement (unchanged when it is). */
export function scrollTopFor(index: number, scrollTop: number, g: RowGeometry): number {
  const { full, content } = scrollable(g)
  const { first, last } = visibleRows(scrollTop, g)
  if (index >= first && index <= last) return scrollTop
  const wantTop = index < first ? index * g.rowHeight : (index + 1) * g.rowHeight - g.viewportHeight
  const room = content - g.viewportHeight
  if (full === content || room <= 0) return Math.max(0, wantTop)
  return Math.max(0, Math.min(room, (wantTop / (full - g.viewportHeight)) * room))
}
