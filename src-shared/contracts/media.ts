// The media indexes: the JSON the main process writes beside each cache file of a recording's
// peaks and spectrogram, parses (never trusts) when a cache is reused, and serves on the media
// routes, where the renderer parses it before picking levels and tiles. A version or fingerprint
// that does not match means rebuild.
import { z } from 'zod'

export const MEDIA_CACHE_VERSION = 1

const Count = z.number().int().min(0)

export const PeaksIndex = z.object({
  version: z.literal(MEDIA_CACHE_VERSION),
  fingerprint: z.string(),
  /** Header rate; time-expanded recordings multiply it by their factor for true time. */
  sampleRate: z.number().positive(),
  frames: Count,
  channels: z.number().int().positive(),
  /** (min, max) int16 pairs per bucket; `offset`/`bytes` locate the level in peaks.bin. */
  levels: z.array(z.object({ bucketLog2: Count, buckets: Count, offset: Count, bytes: Count })).min(1),
})
export type PeaksIndex = z.infer<typeof PeaksIndex>

export const SpectrogramIndex = z.object({
  version: z.literal(MEDIA_CACHE_VERSION),
  fingerprint: z.string(),
  sampleRate: z.number().positive(),
  frames: Count,
  fftSize: z.number().int().positive(),
  hop: z.number().int().positive(),
  rows: z.number().int().positive(),
  /** Level-0 columns. */
  columns: z.number().int().positive(),
  tileColumns: z.number().int().positive(),
  /** dB of value v: v · dbStep + dbFloor. */
  dbFloor: z.number(),
  dbStep: z.number().positive(),
  storedFrom: Count,
  topLevel: Count,
  /** Stored levels in spectrogram-<fft>.bin; levels below storedFrom are computed per tile. */
  levels: z.array(z.object({ level: Count, columns: Count, offset: Count, bytes: Count })).min(1),
})
export type SpectrogramIndex = z.infer<typeof SpectrogramIndex>
