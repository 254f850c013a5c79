// Which rows of a long list are on screen: only those (plus a margin) are rendered, so 100 000
// recordings scroll like 30.

export interface RowWindow {
  first: number
  /** exclusive */
  last: number
  offsetPx: number
  totalPx: number
}

export function visibleRows(scrollTop: number, viewportPx: number, rowPx: number, total: number, overscan = 8): RowWindow {
  const first = Math.max(0, Math.floor(scrollTop / rowPx) - overscan)
  const last = Math.min(total, Math.ceil((scrollTop + viewportPx) / rowPx) + overscan)
  return { first, last: Math.max(first, last), offsetPx: first * rowPx, totalPx: total * rowPx }
}
