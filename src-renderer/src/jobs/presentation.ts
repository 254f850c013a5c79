// How a job snapshot reads in the UI: names, the thing it works on, what may be done with it, and
// how complete it is. Pure functions so the Jobs view, the top bar and tests agree.
import { RESUMABLE_JOB_STATUSES, ScanFolderResult, isTrainerJobType, type FileTally, type JobSnapshot, type JobStatus } from '../../../src-shared/contracts'
import { formatBytes, formatCount } from '../format/numbers'
import { trainerParamsSummary } from '../components/trainer/trainer-params-summary'
import { describeTrainerResult } from '../components/trainer/trainer-results'
import { describeTrainHeadResult } from '../components/training/train-result'

const TYPE_LABELS: Record<string, string> = {
  'scan-folder': 'Scan folder',
  import: 'Import recordings',
  analyze: 'Analyze recordings',
  rescore: 'Rescore detections',
  'model-import': 'Import checkpoint',
  export: 'Export',
  'train-head': 'Train a classifier head',
  finetune: 'Fine-tune (GPU)',
  pretrain: 'Pre-train (GPU)',
  tokenizer: 'Train tokenizer (GPU)',
  'gpu-embed': 'Analyze on the GPU',
  'trainer-import': 'Import trained model',
}

/** "Scan folder" for 'scan-folder'; unknown types are made readable from their id. */
export function jobTypeLabel(type: string): string {
  const known = TYPE_LABELS[type]
  if (known) return known
  const words = type.replace(/[-_]+/g, ' ').trim()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

function ids(value: unknown, noun: string): string | null {
  if (!Array.isArray(value) || value.length === 0) return null
  return value.length <= 3 ? `${noun} #${value.join(', #')}` : `${formatCount(value.length)} ${noun}s`
}

/** What the params of the season's job types say, in a line (null for other types). */
function paramsSummary(p: Record<string, unknown>): string | null {
  const parts = (items: Array<string | null | false | undefined>) => items.filter(Boolean).join(' · ') || null
  switch (p.type) {
    case 'import':
      return parts([Array.isArray(p.folders) ? p.folders.join(', ') : null, typeof p.timeExpansion === 'number' && `time expansion ×${p.timeExpansion}`])
    case 'analyze':
      return parts([
        typeof p.encoderId === 'number' ? `encoder #${p.encoderId}` : 'active encoder',
        typeof p.windowS === 'number' && `${p.windowS} s windows`,
        typeof p.hopS === 'number' && `hop ${p.hopS} s`,
        ids(p.recordingIds, 'recording') ?? 'recordings not yet analysed',
      ])
    case 'rescore':
      return ids(p.headIds, 'head') ?? 'active heads'
    case 'model-import':
      return parts([typeof p.checkpointPath === 'string' && p.checkpointPath, p.quantize === true && 'quantised copy'])
    case 'export':
      return parts([typeof p.format === 'string' && p.format, typeof p.content === 'string' && p.content, ids(p.deploymentIds, 'deployment'), ids(p.recordingIds, 'recording')])
    case 'finetune':
    case 'pretrain':
    case 'tokenizer':
    case 'gpu-embed':
    case 'trainer-import':
      return trainerParamsSummary(p)
    default:
      return null
  }
}

/** The thing a job works on (a folder, a recording…), shown under its type; null when none. */
export function jobSubject(job: Pick<JobSnapshot, 'params'>): string | null {
  const summary = paramsSummary(job.params)
  if (summary) return summary
  for (const key of ['folder', 'dir', 'path', 'recording', 'model', 'name']) {
    const value = job.params[key]
    if (typeof value === 'string' && value.length > 0) return value
  }
  return null
}

export type StatusTone = 'neutral' | 'info' | 'success' | 'warning' | 'danger'

const STATUS_TONES: Record<JobStatus, StatusTone> = {
  queued: 'neutral',
  running: 'info',
  cancelling: 'warning',
  cancelled: 'neutral',
  failed: 'danger',
  succeeded: 'success',
  interrupted: 'warning',
}

const STATUS_LABELS: Record<JobStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  cancelling: 'Cancelling',
  cancelled: 'Cancelled',
  failed: 'Failed',
  succeeded: 'Succeeded',
  interrupted: 'Interrupted',
}

export function statusTone(status: JobStatus): StatusTone {
  return STATUS_TONES[status]
}

export function statusLabel(status: JobStatus): string {
  return STATUS_LABELS[status]
}

/** Still using (or waiting for) a worker. */
export function isActive(status: JobStatus): boolean {
  return status === 'queued' || status === 'running' || status === 'cancelling'
}

export function canCancel(status: JobStatus): boolean {
  return status === 'queued' || status === 'running'
}

export function canResume(status: JobStatus): boolean {
  return RESUMABLE_JOB_STATUSES.includes(status)
}

/**
 * 0..1 when the total is known (a finished job is always complete), null for indeterminate
 * progress (the worker is still counting, or never says).
 */
export function progressFraction(job: Pick<JobSnapshot, 'status' | 'progress'>): number | null {
  if (job.status === 'succeeded') return 1
  const p = job.progress
  if (!p || p.total == null || !(p.total > 0)) return null
  return Math.min(1, Math.max(0, p.done / p.total))
}

export interface ResultItem {
  label: string
  value: string
}

function humanize(key: string): string {
  // "totalBytes" reads as "Total size": the value is already shown in kB/MB/GB.
  const words = key
    .replace(/Bytes$/, 'Size')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[-_]+/g, ' ')
    .toLowerCase()
  return words.charAt(0).toUpperCase() + words.slice(1)
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return !!value && typeof value === 'object' && !Array.isArray(value)
}

/** A {files, bytes} pair, as scans report them. */
function isTally(value: unknown): value is FileTally {
  return isRecord(value) && typeof value.files === 'number' && typeof value.bytes === 'number'
}

function formatTally(t: FileTally): string {
  return `${formatCount(t.files)} (${formatBytes(t.bytes)})`
}

function formatValue(key: string, value: unknown): string | null {
  if (typeof value === 'number') return /bytes|size/i.test(key) ? formatBytes(value) : formatCount(value)
  if (typeof value === 'string') return value
  if (typeof value === 'boolean') return value ? 'yes' : 'no'
  if (isTally(value)) return formatTally(value)
  if (isRecord(value)) {
    const parts = Object.entries(value).flatMap(([k, v]) => {
      if (typeof v === 'number') return [`${k} ${formatValue(k, v)}`]
      if (isTally(v)) return [`${k} ${formatCount(v.files)}`]
      return []
    })
    return parts.length > 0 ? parts.join(' · ') : null
  }
  return null
}

/** Any result, one level deep: a new job type is readable before it gets its own describer. */
function describeGeneric(result: unknown): ResultItem[] {
  if (!isRecord(result)) return []
  const items: ResultItem[] = []
  for (const [key, value] of Object.entries(result)) {
    const text = formatValue(key, value)
    if (text != null) items.push({ label: humanize(key), value: text })
  }
  return items
}

function describeScan(result: ScanFolderResult): ResultItem[] {
  const formats = Object.entries(result.byFormat)
    .sort(([, a], [, b]) => b.files - a.files)
    .map(([format, t]) => `${format} ${formatCount(t.files)}`)
  const items: ResultItem[] = [{ label: 'Audio files', value: formatTally(result.audio) }]
  if (formats.length > 0) items.push({ label: 'By format', value: formats.join(' · ') })
  if (result.other.files > 0) items.push({ label: 'Other files', value: formatTally(result.other) })
  // Problems only when there are some: a clean scan should read clean.
  if (result.unrecognised.files > 0) items.push({ label: 'Named like audio but unreadable as audio', value: formatCount(result.unrecognised.files) })
  if (result.unreadable > 0) items.push({ label: 'Could not be read', value: formatCount(result.unreadable) })
  if (result.skippedLinks > 0) items.push({ label: 'Links not followed', value: formatCount(result.skippedLinks) })
  return items
}

/** A job's result as label/value pairs: by its type's describer when it has one, else generically. */
export function describeResult(type: string, result: unknown): ResultItem[] {
  const trainer = isTrainerJobType(type) ? describeTrainerResult(result) : null
  if (trainer) return trainer
  const head = type === 'train-head' ? describeTrainHeadResult(result) : null
  if (head) return head
  if (type === 'scan-folder') {
    const scan = ScanFolderResult.safeParse(result)
    if (scan.success) return describeScan(scan.data)
  }
  return describeGeneric(result)
}
