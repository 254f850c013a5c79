// Timestamps as a field researcher reads them: local time, ISO-like order (unambiguous across
// locales), the date only when it is not today.

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

function sameDay(a: Date, b: Date): boolean {
  return a.getFullYear() === b.getFullYear() && a.getMonth() === b.getMonth() && a.getDate() === b.getDate()
}

/** "14:03:07" today, "2025-11-02 14:03" on other days; the input unchanged when it is not a date. */
export function formatDateTime(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '—'
  const t = new Date(iso)
  if (Number.isNaN(t.getTime())) return iso
  const clock = `${pad(t.getHours())}:${pad(t.getMinutes())}`
  if (sameDay(t, now)) return `${clock}:${pad(t.getSeconds())}`
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ${clock}`
}

/** "2025-11-02" in local time, for dates where the clock does not matter. */
export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—'
  const t = new Date(iso)
  if (Number.isNaN(t.getTime())) return iso
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}`
}
