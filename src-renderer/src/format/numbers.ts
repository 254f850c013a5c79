// Counts, rates and sizes as people read them. `locale` is injectable so tests are exact; the app
// passes nothing and gets the user's locale.

function numberFormat(maxFractionDigits: number, locale?: string): Intl.NumberFormat {
  return new Intl.NumberFormat(locale, { maximumFractionDigits: maxFractionDigits })
}

/** 12345 → "12,345" (in en-US). */
export function formatCount(value: number, locale?: string): string {
  return numberFormat(0, locale).format(value)
}

/**
 * Throughput in `unit` per second: "812 files/s", "3.4 files/s"; slow work reads better per
 * minute ("12 files/min"); "—" while unknown.
 */
export function formatRate(perSecond: number | null | undefined, unit: string, locale?: string): string {
  if (perSecond == null || !Number.isFinite(perSecond) || perSecond < 0) return '—'
  if (perSecond === 0) return `0 ${unit}/s`
  if (perSecond < 1) {
    const perMinute = perSecond * 60
    return `${numberFormat(perMinute < 10 ? 1 : 0, locale).format(perMinute)} ${unit}/min`
  }
  return `${numberFormat(perSecond < 10 ? 1 : 0, locale).format(perSecond)} ${unit}/s`
}

const BYTE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB']

/** Decimal (SI) sizes as file managers show them: "512 B", "1.5 kB", "23 MB", "1.21 GB". */
export function formatBytes(bytes: number | null | undefined, locale?: string): string {
  if (bytes == null || !Number.isFinite(bytes) || bytes < 0) return '—'
  let value = bytes
  let unit = 0
  while (value >= 1000 && unit < BYTE_UNITS.length - 1) {
    value /= 1000
    unit += 1
  }
  const digits = unit === 0 ? 0 : value < 10 ? 2 : value < 100 ? 1 : 0
  return `${numberFormat(digits, locale).format(value)} ${BYTE_UNITS[unit]}`
}

/** A fraction 0..1 as a whole percentage, never showing 100 % before the work is complete. */
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction)) return '—'
  const clamped = Math.min(1, Math.max(0, fraction))
  const pct = clamped >= 1 ? 100 : Math.min(99, Math.floor(clamped * 100))
  return `${pct} %`
}
