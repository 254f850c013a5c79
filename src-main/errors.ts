import { isErrorCode, type AppErrorData, type ErrorCode } from '../src-shared/errors'

/** An error with a code callers can branch on; serialised as {code, message, details}. */
export class AppError extends Error {
  readonly code: ErrorCode
  readonly details?: unknown

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message)
    this.name = 'AppError'
    this.code = code
    this.details = details
  }

  toData(): AppErrorData {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details }
  }
}

/** Any thrown value → error data. Unknown errors become INTERNAL with their message. */
export function toErrorData(err: unknown): AppErrorData {
  if (err instanceof AppError) return err.toData()
  if (err && typeof err === 'object' && 'code' in err && isErrorCode((err as { code: unknown }).code)) {
    const e = err as { code: ErrorCode; message?: unknown; details?: unknown }
    return { code: e.code, message: String(e.message ?? e.code), ...(e.details === undefined ? {} : { details: e.details }) }
  }
  if (err instanceof Error && err.name === 'AbortError') return { code: 'CANCELLED', message: 'cancelled' }
  return { code: 'INTERNAL', message: err instanceof Error ? err.message : String(err) }
}

export function fromErrorData(data: AppErrorData): AppError {
  return new AppError(data.code, data.message, data.details)
}

/** Throws CANCELLED when the signal has fired; call between units of work. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AppError('CANCELLED', 'cancelled')
}
