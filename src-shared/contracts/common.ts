// Small schemas reused by every domain. Lengths are bounded so a hostile or buggy caller cannot
// push megabyte strings into services.
import { z } from 'zod'

export const Id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER)
export const FsPath = z.string().min(1).max(4096)
export const ShortText = z.string().max(200)
export const LongText = z.string().max(20_000)
/** ISO 8601 date-time, with or without offset. */
export const IsoTime = z.string().min(4).max(64)
export const Empty = z.object({}).strict()
export const Nothing = z.null()
