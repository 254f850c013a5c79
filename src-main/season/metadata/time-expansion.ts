// Time-expanded bat recordings are stored slowed down: the header says 38.4 kHz for audio that was
// sampled at 384 kHz with TE = 10. Metadata sometimes claims a factor the header contradicts (a
// 384 kHz header is already real time), so a factor is applied only when the result is plausible.

/** A header rate above this is already a real-time ultrasonic rate, never a slowed-down one. */
export const MAX_EXPANDED_HEADER_RATE_HZ = 50_000
/** No recorder samples faster than this. */
export const MAX_REAL_SAMPLE_RATE_HZ = 1_000_000

export type TimeExpansionCheck =
  | { apply: true }
  | { apply: false; reason: string }

export function checkTimeExpansion(factor: number, headerSampleRate: number | undefined): TimeExpansionCheck {
  if (!Number.isInteger(factor) || factor < 1) return { apply: false, reason: `time expansion ${factor} is not an integer ≥ 1` }
  if (factor === 1 || headerSampleRate === undefined) return { apply: true }
  if (headerSampleRate > MAX_EXPANDED_HEADER_RATE_HZ) {
    return {
      apply: false,
      reason: `time expansion ×${factor} ignored: the header rate ${headerSampleRate} Hz is already a real-time rate (a time-expanded header is ≤ ${MAX_EXPANDED_HEADER_RATE_HZ} Hz)`,
    }
  }
  if (headerSampleRate * factor > MAX_REAL_SAMPLE_RATE_HZ) {
    return { apply: false, reason: `time expansion ×${factor} ignored: ${headerSampleRate} Hz × ${factor} exceeds ${MAX_REAL_SAMPLE_RATE_HZ} Hz` }
  }
  return { apply: true }
}
