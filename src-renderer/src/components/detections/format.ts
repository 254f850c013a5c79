// How detections read in the table and the preview. Times stay on the recorder's clock: a call at
// dawn reads 05:12 whatever time zone the researcher's computer is in.
import type { ReviewState } from '../../../../src-shared/contracts'

/** "2024-05-03 05:12:07" from an ISO wall-clock time (offset and fraction dropped); "—" when unknown. */
export function formatWallClock(iso: string | null): string {
  if (!iso) return '—'
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})/.exec(iso)
  return m ? `${m[1]} ${m[2]}` : iso
}

/** "UTC+02:00", "UTC" or "" (zone unknown) from an ISO time. */
export function wallClockZone(iso: string | null): string {
  if (!iso) return ''
  const m = /(Z|[+-]\d{2}:\d{2})$/.exec(iso)
  if (!m) return ''
  return m[1] === 'Z' ? 'UTC' : `UTC${m[1]}`
}

/** Seconds into a recording: "12.3 s", "4:05.2", "1:02:03.4". */
export function formatOffset(seconds: number): string {
  const tenths = Math.round(seconds * 10)
  const s = (tenths % 600) / 10
  const m = Math.floor(tenths / 600) % 60
  const h = Math.floor(tenths / 36_000)
  const sec = s.toFixed(1).padStart(4, '0')
  if (h > 0) return `${h}:${String(m).padStart(2, '0')}:${sec}`
  if (m > 0) return `${m}:${sec}`
  return `${s.toFixed(1)} s`
}

export function formatScore(score: number): string {
  return score.toFixed(3)
}

export const REVIEW_STATE_LABELS: Record<ReviewState, string> = {
  unreviewed: 'Unreviewed',
  confirmed: 'Confirmed',
  rejected: 'Rejected',
  uncertain: 'Uncertain',
}

export type StateTone = 'neutral' | 'success' | 'danger' | 'warning'

export const REVIEW_STATE_TONES: Record<ReviewState, StateTone> = {
  unreviewed: 'neutral',
  confirmed: 'success',
  rejected: 'danger',
  uncertain: 'warning',
}

/** A label's colour, or one derived from its code so every species keeps its own. */
export function labelColor(code: string, color: string | null): string {
  if (color) return color
  let h = 0
  for (const ch of code) h = (h * 31 + ch.charCodeAt(0)) >>> 0
  return `hsl(${h % 360} 55% 48%)`
}
