// HTTP Range for media: one byte range per request (what <audio> and wavesurfer send).

export type RangeDecision =
  | { kind: 'full' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' }

/**
 * `bytes=a-b`, `bytes=a-` and `bytes=-n`. A header in another unit is ignored (full content);
 * malformed byte ranges, several ranges, and ranges past the end are unsatisfiable (416).
 */
export function decideRange(header: string | undefined, size: number): RangeDecision {
  if (header === undefined || header.trim() === '') return { kind: 'full' }
  const m = /^\s*([A-Za-z]+)=(.*)$/.exec(header)
  if (!m) return { kind: 'unsatisfiable' }
  if (m[1].toLowerCase() !== 'bytes') return { kind: 'full' }
  const spec = m[2].trim()
  const r = /^(\d{0,16})-(\d{0,16})$/.exec(spec)
  if (!r || (r[1] === '' && r[2] === '') || size === 0) return { kind: 'unsatisfiable' }
  if (r[1] === '') {
    const suffix = Number(r[2])
    if (suffix === 0) return { kind: 'unsatisfiable' }
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(r[1])
  const end = r[2] === '' ? size - 1 : Math.min(Number(r[2]), size - 1)
  if (start >= size || end < start) return { kind: 'unsatisfiable' }
  return { kind: 'partial', start, end }
}
