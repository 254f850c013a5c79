// Jobs: everything longer than a moment. A job row in the project DB is the truth; workers are
// disposable. Each job type has its own params schema (discriminated on `type`); later issues add
// types here.
import { z } from 'zod'
import { method } from './define'
import { FsPath, Id } from './common'
import { TrainHeadParams } from './training'
import { FinetuneParams, GpuEmbedParams, PretrainParams, TokenizerParams, TrainerImportParams } from './trainer-params'

export const JOB_STATUSES = ['queued', 'running', 'cancelling', 'cancelled', 'failed', 'succeeded', 'interrupted'] as const
export const JobStatus = z.enum(JOB_STATUSES)
export type JobStatus = z.infer<typeof JobStatus>
export const TERMINAL_JOB_STATUSES: readonly JobStatus[] = ['cancelled', 'failed', 'succeeded']
/** Every job type continues from its last committed unit after any of these (e.g. a full disk, fixed). */
export const RESUMABLE_JOB_STATUSES: readonly JobStatus[] = ['cancelled', 'failed', 'interrupted']

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
  /** Intra-op threads of the encoder (default: the inference-threads setting); the same count gives the same bytes. */
  threads: z.number().int().min(1).max(256).optional(),
  /** Execution provider to prefer (default: the settings' choice, 'auto' = best available). */
  provider: z.enum(['auto', 'cuda', 'webgpu', 'dml', 'coreml', 'cpu']).optional(),
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
  /** Write here (created if needed) instead of the project's exports/<timestamp>/ folder. */
  outDir: FsPath.optional(),
}).strict()

/**
 * Precompute waveform peaks and spectrogram tiles so recordings open at once (an hour-long file
 * otherwise takes seconds on its first open). Default: every readable recording of at least
 * `minDurationS` (10 min) whose cache is missing.
 */
export const MediaCacheParams = z.object({
  type: z.literal('media-cache'),
  recordingIds: z.array(Id).max(1_000_000).optional(),
  deploymentIds: z.array(Id).max(10_000).optional(),
  minDurationS: z.number().min(0).max(1e6).optional(),
}).strict()

export const JobParams = z.discriminatedUnion('type', [
  ScanFolderParams,
  ImportParams,
  AnalyzeParams,
  RescoreParams,
  ModelImportParams,
  ExportParams,
  MediaCacheParams,
  TrainHeadParams,
  FinetuneParams,
  PretrainParams,
  TokenizerParams,
  GpuEmbedParams,
  TrainerImportParams,
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

/** A file the import could not read: kept as a quarantined recording with the reason. */
export const QuarantineEntry = z.object({ recordingId: Id, path: z.string(), code: z.string(), reason: z.string() })
export type QuarantineEntry = z.infer<typeof QuarantineEntry>

/** `result` of a succeeded import job. Counts are files; a resumed job counts all its attempts. */
export const ImportResult = z.object({
  folders: z.array(z.string()),
  /** Audio files seen (readable or not); other files are `skipped`. */
  files: z.number().int().min(0),
  imported: z.number().int().min(0),
  /** Same path, new content (or re-read after a quarantine or a new time-expansion setting). */
  updated: z.number().int().min(0),
  unchanged: z.number().int().min(0),
  /** Known fingerprint at a new path whose old path is gone: the row (and its annotations) moved. */
  moved: z.number().int().min(0),
  /** Same content as another recording that still exists (imported too, with a warning). */
  duplicates: z.number().int().min(0),
  /** Files newly quarantined by this import. */
  quarantined: z.number().int().min(0),
  /** Recordings under the folders whose file was not found any more (status `missing`). */
  missing: z.number().int().min(0),
  skipped: z.number().int().min(0),
  sitesCreated: z.number().int().min(0),
  deploymentsCreated: z.number().int().min(0),
  /** Real-time seconds of audio imported or updated. */
  durationS: z.number().min(0),
  /** Every quarantined recording under the folders (first 500; `quarantineTotal` counts all). */
  quarantine: z.array(QuarantineEntry),
  quarantineTotal: z.number().int().min(0),
})
export type ImportResult = z.infer<typeof ImportResult>

/** `result` of a succeeded export job; file paths are relative to `dir`. */
export const ExportResult = z.object({
  dir: z.string(),
  files: z.array(z.object({ path: z.string(), kind: z.string(), rows: z.number().int().min(0) })),
  annotations: z.number().int().min(0),
  detections: z.number().int().min(0),
  recordings: z.number().int().min(0),
})
export type ExportResult = z.infer<typeof ExportResult>

/** A recording an analysis could not read: quarantined, the batch went on. */
export const AnalysisFailure = z.object({ recordingId: Id, path: z.string(), code: z.string(), reason: z.string() })
export type AnalysisFailure = z.infer<typeof AnalysisFailure>

/** `result` of a succeeded analyze job (counts cover every attempt of the job). */
export const AnalyzeResult = z.object({
  analysisId: Id,
  encoderId: Id,
  windowS: z.number(),
  hopS: z.number(),
  /** Recordings embedded (and scored) by this job. */
  analysed: z.number().int().min(0),
  /** Recordings already analysed with this encoder and settings before the job started. */
  alreadyAnalysed: z.number().int().min(0),
  failed: z.array(AnalysisFailure),
  windows: z.number().int().min(0),
  audioSeconds: z.number().min(0),
  /** Detections stored for the recordings of this job. */
  detections: z.number().int().min(0),
  /** Active heads scored, and active heads of the encoder skipped because they expect other windows. */
  heads: z.array(z.object({ id: Id, name: z.string(), version: z.string(), detections: z.number().int().min(0) })),
  skippedHeads: z.array(z.object({ id: Id, name: z.string(), reason: z.string() })),
  provider: z.string(),
  threads: z.number().int(),
})
export type AnalyzeResult = z.infer<typeof AnalyzeResult>

/** `result` of a succeeded rescore job. */
export const RescoreResult = z.object({
  heads: z.array(z.object({ id: Id, name: z.string(), version: z.string(), recordings: z.number().int().min(0), windows: z.number().int().min(0), detections: z.number().int().min(0), reviewsKept: z.number().int().min(0) })),
  windows: z.number().int().min(0),
  detections: z.number().int().min(0),
  seconds: z.number().min(0),
})
export type RescoreResult = z.infer<typeof RescoreResult>

/** `result` of a succeeded model-import job. */
export const ModelImportResult = z.object({
  encoderId: Id,
  headId: Id.nullable(),
  labelSetId: Id.nullable(),
  name: z.string(),
  version: z.string(),
  dir: z.string(),
  warnings: z.array(z.string()),
  /** The self-check run before registering: what was compared and the largest difference. */
  parity: z.record(z.string(), z.unknown()),
})
export type ModelImportResult = z.infer<typeof ModelImportResult>

/** `result` of a succeeded media-cache job. */
export const MediaCacheResult = z.object({
  recordings: z.number().int().min(0),
  built: z.number().int().min(0),
  alreadyCached: z.number().int().min(0),
  failed: z.number().int().min(0),
  audioSeconds: z.number().min(0),
})
export type MediaCacheResult = z.infer<typeof MediaCacheResult>
