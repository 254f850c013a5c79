import { describe, expect, it } from 'vitest'
import { formatOffset, formatWallClock, labelColor, wallClockZone } from '../../../src-renderer/src/components/detections/format'

describe('detection formats', () => {
  it('keeps times on the recorder’s clock and says which zone it states', () => {
    expect(formatWallClock('2024-05-03T05:12:07.5+02:00')).toBe('2024-05-03 05:12:07')
    expect(formatWallClock('2024-05-03T05:12:07')).toBe('2024-05-03 05:12:07')
    expect(formatWallClock(null)).toBe('—')
    expect(wallClockZone('2024-05-03T05:12:07+02:00')).toBe('UTC+02:00')
    expect(wallClockZone('2024-05-03T05:12:07Z')).toBe('UTC')
    expect(wallClockZone('2024-05-03T05:12:07')).toBe('')
  })

  it('writes offsets into a recording in seconds, minutes or hours', () => {
    expect(formatOffset(12.34)).toBe('12.3 s')
    expect(formatOffset(245.2)).toBe('4:05.2')
    expect(formatOffset(3723.4)).toBe('1:02:03.4')
    expect(formatOffset(59.96)).toBe('1:00.0')
  })

  it('keeps a label’s own colour and gives others a stable one', () => {
    expect(labelColor('REEWAR', '#2f7ed8')).toBe('#2f7ed8')
    expect(labelColor('SEDWAR', null)).toBe(labelColor('SEDWAR', null))
    expect(labelColor('SEDWAR', null)).not.toBe(labelColor('WATRAI', null))
  })
})
