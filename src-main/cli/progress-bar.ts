// A one-line progress bar for long CLI commands: redrawn in place on a terminal, a plain line
// every 10 % otherwise (logs, CI).
import type { JobProgress } from '../../src-shared/contracts'

export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds))
  const h = Math.floor(s / 3600)
  const m = Math.floor((s % 3600) / 60)
  const rest = String(s % 60).padStart(2, '0')
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`
}

function formatCount(n: number): string {
  return Number.isInteger(n) ? String(n) : n.toFixed(1)
}

/** `450/1000 files (45%), 120 files/s, ETA 0:05` — the text without the bar. */
export function formatProgressText(p: JobProgress): string {
  const parts = [p.total === null ? `${formatCount(p.done)} ${p.unit}` : `${formatCount(p.done)}/${formatCount(p.total)} ${p.unit} (${p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100}%)`]
  if (p.rate !== null) parts.push(`${p.rate >= 10 ? Math.round(p.rate) : p.rate.toFixed(1)} ${p.unit}/s`)
  if (p.etaSeconds !== null && p.done !== p.total) parts.push(`ETA ${formatDuration(p.etaSeconds)}`)
  return parts.join(', ')
}

/** `[#########-----------] ` of `width` cells, or an empty string when the total is unknown. */
export function formatBar(p: JobProgress, width: number): string {
  if (p.total === null || width < 3) return ''
  const cells = width - 2
  const filled = p.total > 0 ? Math.min(cells, Math.floor((cells * p.done) / p.total)) : cells
  return `[${'#'.repeat(filled)}${'-'.repeat(cells - filled)}] `
}

export interface ProgressBar {
  update(p: JobProgress): void
  /** Ends the line (terminal) and prints `text` if given. */
  done(text?: string): void
}

export function createProgressBar(stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number }, label: string): ProgressBar {
  let lastDecile = -1
  let drawn = false
  return {
    update(p) {
      if (stream.isTTY) {
        const text = `${label} ${formatProgressText(p)}`
        const width = Math.max(10, Math.min(40, (stream.columns ?? 80) - text.length - 3))
        stream.write(`\r\x1b[2K${label} ${formatBar(p, width)}${formatProgressText(p)}`)
        drawn = true
        return
      }
      const decile = p.total ? Math.floor((10 * p.done) / p.total) : -1
      if (decile !== lastDecile && decile >= 0) {
        lastDecile = decile
        stream.write(`${label} ${formatProgressText(p)}\n`)
      }
    },
    done(text) {
      if (drawn) stream.write('\n')
      drawn = false
      if (text) stream.write(text + '\n')
    },
  }
}
