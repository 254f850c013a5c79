import { describe, expect, it } from 'vitest'
import { formatDate, formatDateTime } from '../../../src-renderer/src/format/time'

// Local-time formatting: build the inputs in local time so the test holds in every time zone.
const local = (y: number, mo: number, d: number, h: number, mi: number, s: number) => new Date(y, mo - 1, d, h, mi, s)

describe('formatDateTime', () => {
  it('shows only the clock for times today', () => {
    const now = local(2025, 11, 26, 18, 0, 0)
    expect(formatDateTime(local(2025, 11, 26, 9, 5, 7).toISOString(), now)).toBe('09:05:07')
  })

  it('shows an ISO-ordered date and minutes for other days', () => {
    const now = local(2025, 11, 26, 18, 0, 0)
    expect(formatDateTime(local(2025, 11, 2, 14, 3, 59).toISOString(), now)).toBe('2025-11-02 14:03')
    expect(formatDateTime(local(2024, 1, 9, 0, 0, 0).toISOString(), now)).toBe('2024-01-09 00:00')
  })

  it('passes through what it cannot read', () => {
    expect(formatDateTime(null)).toBe('—')
    expect(formatDateTime('not a date')).toBe('not a date')
  })
})

describe('formatDate', () => {
  it('formats the local calendar date', () => {
    expect(formatDate(local(2025, 3, 4, 23, 59, 0).toISOString())).toBe('2025-03-04')
    expect(formatDate(undefined)).toBe('—')
  })
})
