import { describe, expect, it } from 'vitest'
import { elapsedSeconds, formatDuration } from '../../../src-renderer/src/format/duration'

describe('formatDuration', () => {
  it('says unknown durations are unknown', () => {
    expect(formatDuration(null)).toBe('—')
    expect(formatDuration(undefined)).toBe('—')
    expect(formatDuration(Number.NaN)).toBe('—')
    expect(formatDuration(Number.POSITIVE_INFINITY)).toBe('—')
    expect(formatDuration(-3)).toBe('—')
  })

  it('shows seconds for short waits', () => {
    expect(formatDuration(0.4)).toBe('< 1 s')
    expect(formatDuration(1)).toBe('1 s')
    expect(formatDuration(42.4)).toBe('42 s')
    expect(formatDuration(59.4)).toBe('59 s')
  })

  it('rounds 59.6 s up into minutes rather than showing 60 s', () => {
    expect(formatDuration(59.6)).toBe('1 min')
  })

  it('shows minutes and seconds under ten minutes, whole minutes above', () => {
    expect(formatDuration(185)).toBe('3 min 5 s')
    expect(formatDuration(120)).toBe('2 min')
    expect(formatDuration(599)).toBe('9 min 59 s')
    expect(formatDuration(600)).toBe('10 min')
    expect(formatDuration(3000)).toBe('50 min')
  })

  it('shows hours with zero-padded minutes, then days', () => {
    expect(formatDuration(3600)).toBe('1 h 00 min')
    expect(formatDuration(3 * 3600 + 4 * 60 + 59)).toBe('3 h 04 min')
    expect(formatDuration(86_400)).toBe('1 d')
    expect(formatDuration(2 * 86_400 + 3 * 3600 + 1200)).toBe('2 d 3 h')
  })
})

describe('elapsedSeconds', () => {
  it('measures between two times, or up to now while still running', () => {
    expect(elapsedSeconds('2025-01-01T00:00:00Z', '2025-01-01T00:01:30Z')).toBe(90)
    expect(elapsedSeconds('2025-01-01T00:00:00Z', null, new Date('2025-01-01T00:00:05Z'))).toBe(5)
  })

  it('is null without a start or with unreadable times, and never negative', () => {
    expect(elapsedSeconds(null, null)).toBeNull()
    expect(elapsedSeconds('yesterday', null)).toBeNull()
    expect(elapsedSeconds('2025-01-01T00:00:10Z', '2025-01-01T00:00:00Z')).toBe(0)
  })
})
