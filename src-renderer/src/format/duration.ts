// Human durations for ETAs and elapsed times: precise when short, coarse when long, because a
// researcher waiting on a job cares about "about 3 h", not the seconds.

/** "< 1 s", "42 s", "3 min 5 s", "12 min", "1 h 04 min", "2 d 3 h"; "—" when unknown. */
export function formatDuration(seconds: number | null | undefined): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return '—'
  if (seconds < 1) return '< 1 s'
  const total = Math.round(seconds)
  if (total < 60) return `${total} s`
  const minutes = Math.floor(total / 60)
  if (total < 600) {
    const s = total % 60
    return s === 0 ? `${minutes} min` : `${minutes} min ${s} s`
  }
  if (total < 3600) return `${Math.round(total / 60)} min`
  const hours = Math.floor(total / 3600)
  if (total < 86_400) {
    const m = Math.floor((total % 3600) / 60)
    return `${hours} h ${String(m).padStart(2, '0')} min`
  }
  const days = Math.floor(total / 86_400)
  const h = Math.floor((total % 86_400) / 3600)
  return h === 0 ? `${days} d` : `${days} d ${h} h`
}

/** Seconds between two ISO times (end defaults to now); null when either is missing or invalid. */
export function elapsedSeconds(startIso: string | null, endIso: string | null, now: Date = new Date()): number | null {
  if (!startIso) return null
  const start = Date.parse(startIso)
  const end = endIso ? Date.parse(endIso) : now.getTime()
  if (Number.isNaN(start) || Number.isNaN(end)) return null
  return Math.max(0, (end - start) / 1000)
}
