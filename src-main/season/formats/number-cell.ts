// Numbers in annotation cells. A decimal comma ("1,5") is accepted only where it cannot be a
// thousands separator ("1,500" could be 1.5 or 1500, so it is refused).

export type DecimalCell = { ok: true; value: number | undefined } | { ok: false; reason: string }

const DOT_DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/
const COMMA_DECIMAL = /^[+-]?\d+,\d+$/
const THOUSANDS_LIKE = /^[+-]?\d{1,3},\d{3}$/

/** Empty → undefined; a number → its value; anything else → a reason. */
export function parseDecimalCell(cell: string | undefined): DecimalCell {
  const s = (cell ?? '').trim()
  if (s === '') return { ok: true, value: undefined }
  if (DOT_DECIMAL.test(s)) return { ok: true, value: Number(s) }
  if (COMMA_DECIMAL.test(s)) {
    if (THOUSANDS_LIKE.test(s)) return { ok: false, reason: `${JSON.stringify(s)} is ambiguous (decimal comma or thousands separator)` }
    return { ok: true, value: Number(s.replace(',', '.')) }
  }
  return { ok: false, reason: `${JSON.stringify(s)} is not a number` }
}

/**
 * Plain decimal text, never exponent form. Without `decimals` it is the shortest text that reads
 * back as the same double (so a write/read round trip is exact); with it, rounded to that many
 * places and trimmed of trailing zeros.
 */
export function formatDecimal(value: number, decimals?: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`cannot write ${value} as a decimal`)
  const shortest = String(value)
  const text = decimals === undefined ? (/e/i.test(shortest) ? value.toFixed(20) : shortest) : value.toFixed(decimals)
  const trimmed = text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text
  return trimmed === '-0' ? '0' : trimmed
}
