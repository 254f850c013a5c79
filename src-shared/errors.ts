// Error codes that cross process boundaries as data ({code, message, details}).
// Callers branch on `code`; `message` is for people and names the file/thing and the reason.
export const ERROR_CODES = [
  // transport / generic
  'INVALID_REQUEST',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'CANCELLED',
  'INTERNAL',
  'UNSUPPORTED',
  // projects / database
  'NO_PROJECT_OPEN',
  'PROJECT_EXISTS',
  'PROJECT_NOT_FOUND',
  'DB_FROM_FUTURE',
  'DB_MIGRATION_FAILED',
  'FORBIDDEN_PATH',
  // jobs / workers
  'JOB_NOT_FOUND',
  'JOB_STATE',
  'WORKER_CRASHED',
  'WORKER_PROTOCOL',
  // audio
  'AUDIO_NOT_FOUND',
  'AUDIO_UNSUPPORTED',
  'AUDIO_TRUNCATED',
  'AUDIO_CORRUPT',
  'AUDIO_EMPTY',
  'AUDIO_TOO_SHORT',
  'AUDIO_INVALID_SAMPLES',
  /** The file's size or content is not what the import fingerprinted: re-import it. */
  'AUDIO_CHANGED',
  // models / engine
  'CHECKPOINT_UNSAFE',
  'CHECKPOINT_INVALID',
  'CHECKPOINT_UNSUPPORTED',
  'MODEL_INVALID',
  'MODEL_NOT_FOUND',
  'ENGINE_UNAVAILABLE',
  // annotations / exports
  'ANNOTATION_FORMAT',
  'EXPORT_FAILED',
  // training
  'TRAINING_DATA',
  'PYTHON_UNAVAILABLE',
  // projects (appended by the foundation)
  'FOLDER_NOT_EMPTY',
  'PROJECT_LOCKED',
  // embeddings / search (heads & search numeric core)
  'EMBEDDING_INVALID',
  // labels / annotations (season backend)
  'LABEL_IN_USE',
  // models / analysis (models registry backend)
  'MODEL_IN_USE',
  // training / model packages (heads integration)
  'PACKAGE_INVALID',
  'ENCODER_MISMATCH',
  'LABELS_MISSING',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

export interface AppErrorData {
  code: ErrorCode
  message: string
  details?: unknown
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value)
}
