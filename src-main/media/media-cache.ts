// Peaks and spectrogram pyramids of the open project's recordings, kept under
// `<project>/cache/media/`. Builds are shared by concurrent requests, run one at a time (each is a
// full read of a possibly hour-long file), and land atomically: the index JSON is renamed into
// place last, so its presence means the data beside it is whole.
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { AppError } from '../errors'
import type { Logger } from '../runtime/logger'
import { MEDIA_CACHE_VERSION, PeaksIndex, SpectrogramIndex } from '../../src-shared/contracts'
import { computeOverview, type Overview } from './overview'
import { encodePeakLevel } from './peaks'
import { computeTile } from './spectrogram-tile'
import { DB_FLOOR, DB_STEP, DEFAULT_FFT_SIZE, hopOf, rowsOf, TILE_COLUMNS, tilesAtLevel } from './spectrogram-grid'

/** What the cache needs to know about a recording (from the project database). */
export interface CachedRecording {
  id: number
  path: string
  fingerprint: string
}

/** A whole file or a window of one. */
export interface CacheFile {
  file: string
  offset: number
  length: number
}

export interface MediaCache {
  /** The peaks index (building peaks, and the default spectrogram in the same read, when missing). */
  peaks(projectDir: string, rec: CachedRecording): Promise<{ file: string; index: PeaksIndex }>
  peakLevel(projectDir: string, rec: CachedRecording, bucketLog2: number): Promise<CacheFile>
  spectrogram(projectDir: string, rec: CachedRecording, fftSize: number): Promise<{ file: string; index: SpectrogramIndex }>
  /** A stored tile as a window of the pyramid file, or a finer one computed now. */
  tile(projectDir: string, rec: CachedRecording, fftSize: number, level: number, tile: number): Promise<CacheFile | Uint8Array>
  /** Synchronous look-ups of what is already cached (the fast path, served with Range). */
  cachedPeaks(projectDir: string, rec: CachedRecording): { file: string; index: PeaksIndex } | null
  cachedSpectrogram(projectDir: string, rec: CachedRecording, fftSize: number): { file: string; index: SpectrogramIndex } | null
  /** A stored tile (or level of peaks) as a window of a cache file, or null when not cached. */
  cachedPeakLevel(projectDir: string, rec: CachedRecording, bucketLog2: number): CacheFile | null
  cachedTile(projectDir: string, rec: CachedRecording, fftSize: number, level: number, tile: number): CacheFile | null
}

export function recordingCacheDir(projectDir: string, rec: CachedRecording): string {
  // The fingerprint is in the name, so a relinked file with other content never reuses the cache.
  const key = createHash('sha256').update(`${rec.fingerprint}\0${MEDIA_CACHE_VERSION}`).digest('hex').slice(0, 16)
  return join(projectDir, 'cache', 'media', `rec-${rec.id}-${key}`)
}

const PEAKS_JSON = 'peaks.json'
const PEAKS_BIN = 'peaks.bin'
const spectrogramJson = (fft: number) => `spectrogram-${fft}.json`
const spectrogramBin = (fft: number) => `spectrogram-${fft}.bin`

async function writeAtomic(file: string, data: string | Uint8Array | Uint8Array[]): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`
  try {
    await writeFile(tmp, Array.isArray(data) ? Buffer.concat(data) : data)
    await rename(tmp, file)
  } catch (err) {
    await rm(tmp, { force: true })
    throw err
  }
}

/** Writes what a pass produced; returns nothing — readers go through the index files. */
export async function writeOverview(dir: string, fingerprint: string, overview: Overview): Promise<void> {
  await mkdir(dir, { recursive: true })
  if (overview.peaks) {
    const blobs = overview.peaks.map(encodePeakLevel)
    let offset = 0
    const levels = overview.peaks.map((level, i) => {
      const entry = { bucketLog2: level.bucketLog2, buckets: level.buckets, offset, bytes: blobs[i].length }
      offset += blobs[i].length
      return entry
    })
    await writeAtomic(join(dir, PEAKS_BIN), blobs)
    const index: PeaksIndex = {
      version: MEDIA_CACHE_VERSION,
      fingerprint,
      sampleRate: overview.sampleRate,
      frames: overview.frames,
      channels: overview.channels,
      levels,
    }
    await writeAtomic(join(dir, PEAKS_JSON), JSON.stringify(index))
  }
  for (const spec of overview.spectrograms) {
    const rows = rowsOf(spec.fftSize)
    let offset = 0
    const levels = spec.levels.map((data, i) => {
      const entry = { level: spec.storedFrom + i, columns: data.length / rows, offset, bytes: data.length }
      offset += data.length
      return entry
    })
    await writeAtomic(join(dir, spectrogramBin(spec.fftSize)), spec.levels)
    const index: SpectrogramIndex = {
      version: MEDIA_CACHE_VERSION,
      fingerprint,
      sampleRate: overview.sampleRate,
      frames: overview.frames,
      fftSize: spec.fftSize,
      hop: hopOf(spec.fftSize),
      rows,
      columns: spec.columns,
      tileColumns: TILE_COLUMNS,
      dbFloor: DB_FLOOR,
      dbStep: DB_STEP,
      storedFrom: spec.storedFrom,
      topLevel: spec.topLevel,
      levels,
    }
    await writeAtomic(join(dir, spectrogramJson(spec.fftSize)), JSON.stringify(index))
  }
}

interface IndexSchema<T> {
  safeParse(value: unknown): { success: true; data: T } | { success: false }
}

/** Parsed and checked, or null when missing, unreadable, of another version or another file. */
function readIndex<T extends { fingerprint: string }>(file: string, schema: IndexSchema<T>, fingerprint: string): T | null {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    return null
  }
  try {
    const parsed = schema.safeParse(JSON.parse(text))
    if (parsed.success && parsed.data.fingerprint === fingerprint) return parsed.data
  } catch {
    // Unreadable JSON: rebuilt like a missing one.
  }
  return null
}

function peakLevelWindow(projectDir: string, rec: CachedRecording, index: PeaksIndex, bucketLog2: number): CacheFile | null {
  const level = index.levels.find((l) => l.bucketLog2 === bucketLog2)
  return level ? { file: join(recordingCacheDir(projectDir, rec), PEAKS_BIN), offset: level.offset, length: level.bytes } : null
}

function checkTile(rec: CachedRecording, index: SpectrogramIndex, level: number, tile: number): void {
  if (level > index.topLevel || tile >= tilesAtLevel(index.columns, level)) {
    throw new AppError('NOT_FOUND', `recording ${rec.id} has no spectrogram tile ${level}/${tile} at ${index.fftSize} points`)
  }
}

function storedTileWindow(projectDir: string, rec: CachedRecording, index: SpectrogramIndex, level: number, tile: number): CacheFile | null {
  const stored = index.levels.find((l) => l.level === level)
  const first = tile * index.tileColumns
  if (!stored || first >= stored.columns) return null
  const count = Math.min(index.tileColumns, stored.columns - first)
  return {
    file: join(recordingCacheDir(projectDir, rec), spectrogramBin(index.fftSize)),
    offset: stored.offset + first * index.rows,
    length: count * index.rows,
  }
}

/** Which parts of a recording's first view are cached already (checked like any reuse). */
export function cachedParts(projectDir: string, rec: CachedRecording, fftSize: number): { peaks: boolean; spectrogram: boolean } {
  const dir = recordingCacheDir(projectDir, rec)
  return {
    peaks: readIndex(join(dir, PEAKS_JSON), PeaksIndex, rec.fingerprint) !== null,
    spectrogram: readIndex(join(dir, spectrogramJson(fftSize)), SpectrogramIndex, rec.fingerprint) !== null,
  }
}

export function createMediaCache(deps: { log: Logger; defaultFftSize?: number }): MediaCache {
  const log = deps.log
  const defaultFft = deps.defaultFftSize ?? DEFAULT_FFT_SIZE
  const building = new Map<string, Promise<void>>()
  // One full read at a time: several long files opened together queue instead of thrashing.
  let queue: Promise<unknown> = Promise.resolve()

  function products(dir: string, want: { peaks: boolean; fftSizes: number[] }): string[] {
    return [...(want.peaks ? [join(dir, PEAKS_JSON)] : []), ...want.fftSizes.map((f) => join(dir, spectrogramJson(f)))]
  }

  /** Builds what is missing; joins a build already making the same thing. */
  async function ensure(dir: string, rec: CachedRecording, want: { peaks: boolean; fftSizes: number[] }): Promise<void> {
    const keys = products(dir, want)
    const running = keys.map((k) => building.get(k)).filter((p): p is Promise<void> => p !== undefined)
    if (running.length > 0) await Promise.allSettled(running)
    const missing = {
      peaks: want.peaks && readIndex(join(dir, PEAKS_JSON), PeaksIndex, rec.fingerprint) === null,
      fftSizes: [] as number[],
    }
    for (const f of want.fftSizes) if (readIndex(join(dir, spectrogramJson(f)), SpectrogramIndex, rec.fingerprint) === null) missing.fftSizes.push(f)
    const missingKeys = products(dir, missing)
    if (missingKeys.length === 0) return
    const again = missingKeys.map((k) => building.get(k)).filter((p): p is Promise<void> => p !== undefined)
    if (again.length > 0) return ensure(dir, rec, want)
    const job = queue.then(async () => {
      const started = performance.now()
      const overview = await computeOverview(rec.path, missing)
      await writeOverview(dir, rec.fingerprint, overview)
      log.info('media cache built', {
        recording: rec.id,
        peaks: missing.peaks,
        fftSizes: missing.fftSizes,
        audioSeconds: Math.round(overview.frames / overview.sampleRate),
        ms: Math.round(performance.now() - started),
      })
    })
    queue = job.catch(() => undefined)
    for (const k of missingKeys) building.set(k, job)
    try {
      await job
    } catch (err) {
      log.warn('media cache build failed', { recording: rec.id, path: rec.path, error: err instanceof Error ? err.message : String(err) })
      throw err
    } finally {
      for (const k of missingKeys) if (building.get(k) === job) building.delete(k)
    }
  }

  async function loadPeaks(projectDir: string, rec: CachedRecording): Promise<{ file: string; index: PeaksIndex }> {
    const dir = recordingCacheDir(projectDir, rec)
    const file = join(dir, PEAKS_JSON)
    let index = readIndex(file, PeaksIndex, rec.fingerprint)
    if (!index) {
      // Both need a full read: a first open pays for one, not two.
      const fft = readIndex(join(dir, spectrogramJson(defaultFft)), SpectrogramIndex, rec.fingerprint) ? [] : [defaultFft]
      await ensure(dir, rec, { peaks: true, fftSizes: fft })
      index = readIndex(file, PeaksIndex, rec.fingerprint)
    }
    if (!index) throw new AppError('INTERNAL', `peaks of recording ${rec.id} (${rec.path}) could not be cached`)
    return { file, index }
  }

  async function loadSpectrogram(projectDir: string, rec: CachedRecording, fftSize: number): Promise<{ file: string; index: SpectrogramIndex }> {
    const dir = recordingCacheDir(projectDir, rec)
    const file = join(dir, spectrogramJson(fftSize))
    let index = readIndex(file, SpectrogramIndex, rec.fingerprint)
    if (!index) {
      const peaks = readIndex(join(dir, PEAKS_JSON), PeaksIndex, rec.fingerprint) === null
      await ensure(dir, rec, { peaks, fftSizes: [fftSize] })
      index = readIndex(file, SpectrogramIndex, rec.fingerprint)
    }
    if (!index) throw new AppError('INTERNAL', `the ${fftSize}-point spectrogram of recording ${rec.id} (${rec.path}) could not be cached`)
    return { file, index }
  }

  function cachedPeaks(projectDir: string, rec: CachedRecording): { file: string; index: PeaksIndex } | null {
    const file = join(recordingCacheDir(projectDir, rec), PEAKS_JSON)
    const index = building.has(file) ? null : readIndex(file, PeaksIndex, rec.fingerprint)
    return index ? { file, index } : null
  }

  function cachedSpectrogram(projectDir: string, rec: CachedRecording, fftSize: number): { file: string; index: SpectrogramIndex } | null {
    const file = join(recordingCacheDir(projectDir, rec), spectrogramJson(fftSize))
    const index = building.has(file) ? null : readIndex(file, SpectrogramIndex, rec.fingerprint)
    return index ? { file, index } : null
  }

  return {
    peaks: loadPeaks,
    spectrogram: loadSpectrogram,

    async peakLevel(projectDir, rec, bucketLog2) {
      const { index } = await loadPeaks(projectDir, rec)
      const window = peakLevelWindow(projectDir, rec, index, bucketLog2)
      if (!window) throw new AppError('NOT_FOUND', `recording ${rec.id} has no peaks level 2^${bucketLog2}`)
      return window
    },

    async tile(projectDir, rec, fftSize, level, tile) {
      const { index } = await loadSpectrogram(projectDir, rec, fftSize)
      checkTile(rec, index, level, tile)
      return storedTileWindow(projectDir, rec, index, level, tile) ?? computeTile({ path: rec.path, fftSize, frames: index.frames, columns: index.columns, level, tile })
    },

    cachedPeaks,
    cachedSpectrogram,
    cachedPeakLevel(projectDir, rec, bucketLog2) {
      const found = cachedPeaks(projectDir, rec)
      return found ? peakLevelWindow(projectDir, rec, found.index, bucketLog2) : null
    },
    cachedTile(projectDir, rec, fftSize, level, tile) {
      const found = cachedSpectrogram(projectDir, rec, fftSize)
      return found ? storedTileWindow(projectDir, rec, found.index, level, tile) : null
    },
  }
}
