import { describe, expect, it } from 'vitest'
import { createProgressBar, formatBar, formatDuration, formatProgressText } from '../../src-main/cli/progress-bar'
import { CapturedStream } from './captured-stream'

const p = (done: number, total: number | null, rate: number | null = null, etaSeconds: number | null = null) => ({ done, total, unit: 'files', rate, etaSeconds, message: null })

describe('CLI progress bar', () => {
  it('formats durations', () => {
    expect(formatDuration(0)).toBe('0:00')
    expect(formatDuration(65.4)).toBe('1:05')
    expect(formatDuration(3725)).toBe('1:02:05')
  })

  it('formats counts, percent, rate and ETA', () => {
    expect(formatProgressText(p(450, 1000, 120.4, 4.6))).toBe('450/1000 files (45%), 120 files/s, ETA 0:05')
    expect(formatProgressText(p(12, null, 2.25))).toBe('12 files, 2.3 files/s')
    expect(formatProgressText(p(1000, 1000, 80, 0))).toBe('1000/1000 files (100%), 80 files/s')
  })

  it('draws a bar of the requested width', () => {
    expect(formatBar(p(5, 10), 12)).toBe('[#####-----] ')
    expect(formatBar(p(5, null), 12)).toBe('')
    expect(formatBar(p(20, 10), 6)).toBe('[####] ')
  })

  it('redraws one line on a terminal and prints a line per 10 % elsewhere', () => {
    const tty = new CapturedStream(true, 80)
    const bar = createProgressBar(tty, 'scan')
    bar.update(p(1, 4))
    bar.update(p(2, 4))
    bar.done('done')
    expect(tty.text.split('\r\x1b[2K')).toHaveLength(3)
    expect(tty.text.endsWith('\ndone\n')).toBe(true)

    const log = new CapturedStream(false, 80)
    const plain = createProgressBar(log, 'scan')
    for (let i = 0; i <= 100; i++) plain.update(p(i, 100))
    expect(log.text.trim().split('\n')).toHaveLength(11)
  })
})
