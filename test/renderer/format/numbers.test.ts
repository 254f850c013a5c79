import { describe, expect, it } from 'vitest'
import { formatBytes, formatCount, formatPercent, formatRate } from '../../../src-renderer/src/format/numbers'

describe('formatCount', () => {
  it('groups thousands in the given locale', () => {
    expect(formatCount(1234567, 'en-US')).toBe('1,234,567')
    expect(formatCount(1234567, 'de-DE')).toBe('1.234.567')
    expect(formatCount(12.7, 'en-US')).toBe('13')
  })
})

describe('formatRate', () => {
  it('shows units per second with one decimal below ten', () => {
    expect(formatRate(812.4, 'files', 'en-US')).toBe('812 files/s')
    expect(formatRate(3.44, 'files', 'en-US')).toBe('3.4 files/s')
    expect(formatRate(12_345, 'windows', 'en-US')).toBe('12,345 windows/s')
  })

  it('switches to per minute for slow work', () => {
    expect(formatRate(0.2, 'recordings', 'en-US')).toBe('12 recordings/min')
    expect(formatRate(0.05, 'epochs', 'en-US')).toBe('3 epochs/min')
    expect(formatRate(0.01, 'epochs', 'en-US')).toBe('0.6 epochs/min')
  })

  it('says zero and unknown plainly', () => {
    expect(formatRate(0, 'files', 'en-US')).toBe('0 files/s')
    expect(formatRate(null, 'files')).toBe('—')
    expect(formatRate(Number.NaN, 'files')).toBe('—')
  })
})

describe('formatBytes', () => {
  it('uses SI units with precision that shrinks as numbers grow', () => {
    expect(formatBytes(0, 'en-US')).toBe('0 B')
    expect(formatBytes(999, 'en-US')).toBe('999 B')
    expect(formatBytes(1500, 'en-US')).toBe('1.5 kB')
    expect(formatBytes(23_456_789, 'en-US')).toBe('23.5 MB')
    expect(formatBytes(1_214_000_000, 'en-US')).toBe('1.21 GB')
    expect(formatBytes(512e12, 'en-US')).toBe('512 TB')
    expect(formatBytes(-1)).toBe('—')
  })
})

describe('formatPercent', () => {
  it('never shows 100 % before the work is complete', () => {
    expect(formatPercent(0)).toBe('0 %')
    expect(formatPercent(0.4567)).toBe('45 %')
    expect(formatPercent(0.999)).toBe('99 %')
    expect(formatPercent(1)).toBe('100 %')
    expect(formatPercent(1.3)).toBe('100 %')
    expect(formatPercent(-0.2)).toBe('0 %')
  })
})
