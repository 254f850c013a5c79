// Jobs: everything longer than a moment. A job row in the project DB is the truth; workers are
// disposable. Each job type has its own params schema (discriminated on `type`); later issues add
// types here.
import { z } from 'zod'
import { method } from './define'
import { FsPath, Id } from './common'

export const JOB_STATUSES = ['queued', 'running', 'cancelling', 'cancelled', 'failed', 'succeeded', 'interrupted'] as const
export const JobStatus = z.enum(JOB_STATUSES)
export type JobStatus = z.infer<typeof JobStatus>
export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['cancelled', 'failed', 'succeeded']

/** Params per job type. */
export const ScanFolderParams = z.object({
  type: z.literal('scan-folder'),
  folder: FsPath,
}).strict()

/** Import one or more folder trees of recordings (header-only probing; quarantine on bad files). */
export const ImportParams = z.object({
  type: z.literal('import'),
  folders: z.array(FsPath).min(1).max(100),
  /** Applied to every file whose metadata does not state one (e.g. ×10 bat detectors). */
  timeExpansion: z.number().positive().max(100).optional(),
}).strict()

/** Embed every recording with an encoder and score the active heads. */
export const AnalyzeParams = z.object({
  type: z.literal('analyze'),
  /** encoder model id; default: the active encoder */
  encoderId: Id.optional(),
  windowS: z.number().positive().max(600).optional(),
  hopS: z.number().positive().max(600).optional(),
  /** default: every recording not yet analysed with this encoder and settings */
  recordingIds: z.array(Id).max(1_000_000).optional(),
  batchSize: z.number().int().min(1).max(64).optional(),
}).strict()

/** Recompute detections from stored embeddings (heads, thresholds or merge rules changed). */
export const RescoreParams = z.object({
  type: z.literal('rescore'),
  headIds: z.array(Id).max(1000).optional(),
}).strict()

/** Convert a PyTorch checkpoint into a model package and register it. */
export const ModelImportParams = z.object({
  type: z.literal('model-import'),
  checkpointPath: FsPath,
  configPath: FsPath.optional(),
  tokenListPath: FsPath.optional(),
  name: z.string().min(1).max(200).optional(),
  quantize: z.boolean().optional(),
}).strict()

/** Write Raven / Audacity / CSV files into the project's exports/ folder. */
export const ExportParams = z.object({
  type: z.literal('export'),
  format: z.enum(['raven', 'audacity', 'csv']),
  /** what to export: annotations, detections (above their thresholds) or both */
  content: z.enum(['annotations', 'detections', 'both']).optional(),
  deploymentIds: z.array(Id).max(10_000).optional(),
  recordingIds: z.array(Id).max(1_000_000).optional(),
}).strict()

export const JobParams = z.discriminatedUnion('type', [
  ScanFolderParams,
  ImportParams,
  AnalyzeParams,
  RescoreParams,
  ModelImportParams,
  ExportParams,
])
export type JobParams = z.infer<typeof JobParams>
export type JobType = JobParams['type']

export const JobProgress = z.object({
  done: z.number(),
  total: z.number().nullable(),
  unit: z.string(),
  /** units per second, smoothed */
  rate: z.number().nullable(),
  etaSeconds: z.number().nullable(),
  message: z.string().nullable(),
})
export type JobProgress = z.infer<typeof JobProgress>

export const JobError = z.object({
  code: z.string(),
  message: z.string(),
  stderrTail: z.string().nullable().optional(),
})

export const JobSnapshot = z.object({
  id: Id,
  type: z.string(),
  status: JobStatus,
  params: z.record(z.string(), z.unknown()),
  progress: JobProgress.nullable(),
  result: z.unknown().nullable(),
  error: JobError.nullable(),
  /** The resource class used for concurrency limits, e.g. 'cpu', 'gpu', 'io'. */
  resource: z.string(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
})
export type JobSnapshot = z.infer<typeof JobSnapshot>

export const JobLogLine = z.object({
  at: z.string(),
  level: z.enum(['debug', 'info', 'warn', 'error']),
  message: z.string(),
})
export type JobLogLine = z.infer<typeof JobLogLine>

export const jobsContract = {
  list: method(z.object({ limit: z.number().int().min(1).max(1000).optional(), status: z.array(JobStatus).max(7).optional() }).strict(), z.array(JobSnapshot)),
  get: method(z.object({ id: Id }).strict(), JobSnapshot),
  start: method(z.object({ params: JobParams }).strict(), JobSnapshot),
  cancel: method(z.object({ id: Id }).strict(), JobSnapshot),
  /** Continue an interrupted (or failed/cancelled, where the type supports it) job. */
  resume: method(z.object({ id: Id }).strict(), JobSnapshot),
  logs: method(z.object({ id: Id, limit: z.number().int().min(1).max(10_000).optional() }).strict(), z.array(JobLogLine)),
}

/** Files and bytes of one kind, in a scan result. */
export const FileTally = z.object({ files: z.number().int().min(0), bytes: z.number().min(0) })
export type FileTally = z.infer<typeof FileTally>

/** `result` of a succeeded scan-folder job. */
export const ScanFolderResult = z.object({
  folder: z.string(),
  /** Every regular file under the folder, and their size. */
  files: z.number().int().min(0),
  bytes: z.number().min(0),
  /** Files whose header is a known audio container. */
  audio: FileTally,
  /** Per container: wav, w64, flac, mp3, ogg, opus, aiff, m4a. */
  byFormat: z.record(z.string(), FileTally),
  /** Named like audio (.wav, .flac …) but not a recognisable audio header: empty, corrupt, AppleDouble. */
  unrecognised: FileTally,
  other: FileTally,
  unreadable: z.number().int().min(0),
  /** Symbolic links are not followed. */
  skippedLinks: z.number().int().min(0),
})
export type ScanFolderResult = z.infer<typeof ScanFolderResult>
