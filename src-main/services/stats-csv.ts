// Activity tables as CSV: one header row, comma-separated, RFC 4180 quoting, scope columns on
// every row so files from several sites or species can be concatenated and still be read.
import type { Activity, StatsTable } from '../../src-shared/contracts'

function cell(value: string | number | null): string {
  if (value === null) return ''
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : value.toFixed(4)
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value
}

function line(values: Array<string | number | null>): string {
  return values.map(cell).join(',')
}

export function activityCsv(table: StatsTable, activity: Activity, scope: { site: string; label: string }): string {
  const lines: string[] = []
  if (table === 'daily') {
    lines.push(line(['site', 'label', 'date', 'detections', 'recorded_hours', 'detections_per_recorded_hour']))
    for (const d of activity.daily) lines.push(line([scope.site, scope.label, d.date, d.detections, d.recordedHours, d.perRecordedHour]))
  } else {
    lines.push(line(['site', 'label', 'date', 'hour', 'detections', 'recorded_hours', 'detections_per_recorded_hour']))
    for (const c of activity.diel) lines.push(line([scope.site, scope.label, c.date, c.hour, c.detections, c.recordedHours, c.perRecordedHour]))
  }
  return lines.join('\r\n') + '\r\n'
}

/** activity-daily-site-03-BTBW.csv: lower-case words and digits only, so any file system takes it. */
export function activityFileName(table: StatsTable, scope: { site: string; label: string }): string {
  const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40) || 'unnamed'
  return `activity-${table}-${slug(scope.site)}-${slug(scope.label)}.csv`
}
