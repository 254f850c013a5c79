// The media routes for what the annotate view draws: peaks and spectrogram tiles of a recording,
// under the same confinement as its audio (a recording id of the open project, never a path).
//   recordings/<id>/peaks                              index (JSON)
//   recordings/<id>/peaks/<bucketLog2>                 (min, max) int16 pairs
//   recordings/<id>/spectrogram/<fft>                  index (JSON)
//   recordings/<id>/spectrogram/<fft>/<level>/<tile>   uint8 columns
// What is cached is served from the file (with Range); what is not is built first.
import type { Logger } from '../runtime/logger'
import type { MediaDeferredTarget, MediaFileBody, MediaRoute, MediaTarget } from '../services/media'
import type { OpenProject } from '../services/project-session'
import type { CacheFile, CachedRecording, MediaCache } from './media-cache'
import { isFftSize, tilesAtLevel } from './spectrogram-grid'

const JSON_TYPE = 'application/json'
const BINARY_TYPE = 'application/octet-stream'
const ID = '([1-9][0-9]{0,14})'
const SMALL = '(0|[1-9][0-9]{0,3})'
/** Far more levels than any recording has (a level halves the columns); bounds the numbers parsed. */
const MAX_LEVEL = 40

function findRecording(project: OpenProject, id: number): CachedRecording | null {
  const row = project.db.prepare('SELECT id, path, fingerprint, status FROM recordings WHERE id = ?').get(id) as
    | { id: number; path: string; fingerprint: string; status: string }
    | undefined
  // A quarantined file has no readable audio: nothing to draw.
  if (!row || row.status === 'quarantined') return null
  return { id: row.id, path: row.path, fingerprint: row.fingerprint }
}

function fileTarget(window: CacheFile, contentType: string): MediaTarget {
  return { file: window.file, contentType, slice: { offset: window.offset, length: window.length } }
}

function toBody(made: CacheFile | Uint8Array | { file: string }): MediaFileBody | Uint8Array {
  if (made instanceof Uint8Array) return made
  if ('offset' in made) return { file: made.file, start: made.offset, end: made.offset + made.length - 1 }
  return { file: made.file, start: 0, end: Number.MAX_SAFE_INTEGER }
}

export function recordingMediaRoutes(cache: MediaCache, log: Logger): MediaRoute[] {
  function deferred(contentType: string, what: string, make: () => Promise<CacheFile | Uint8Array | { file: string }>): MediaDeferredTarget {
    return {
      contentType,
      async produce() {
        try {
          return toBody(await make())
        } catch (err) {
          log.warn(`could not make ${what}`, { error: err instanceof Error ? err.message : String(err) })
          throw err
        }
      },
    }
  }

  return [
    {
      pattern: new RegExp(`^recordings/${ID}/peaks$`),
      resolve(m, project) {
        const rec = findRecording(project, Number(m[1]))
        if (!rec) return null
        const cached = cache.cachedPeaks(project.dir, rec)
        if (cached) return { file: cached.file, contentType: JSON_TYPE }
        return deferred(JSON_TYPE, `the peaks of recording ${rec.id}`, () => cache.peaks(project.dir, rec))
      },
    },
    {
      pattern: new RegExp(`^recordings/${ID}/peaks/${SMALL}$`),
      resolve(m, project) {
        const rec = findRecording(project, Number(m[1]))
        const bucketLog2 = Number(m[2])
        if (!rec || bucketLog2 > MAX_LEVEL) return null
        const cached = cache.cachedPeakLevel(project.dir, rec, bucketLog2)
        if (cached) return fileTarget(cached, BINARY_TYPE)
        if (cache.cachedPeaks(project.dir, rec)) return null // cached, but no such level
        return deferred(BINARY_TYPE, `peaks level ${bucketLog2} of recording ${rec.id}`, () => cache.peakLevel(project.dir, rec, bucketLog2))
      },
    },
    {
      pattern: new RegExp(`^recordings/${ID}/spectrogram/${SMALL}$`),
      resolve(m, project) {
        const rec = findRecording(project, Number(m[1]))
        const fftSize = Number(m[2])
        if (!rec || !isFftSize(fftSize)) return null
        const cached = cache.cachedSpectrogram(project.dir, rec, fftSize)
        if (cached) return { file: cached.file, contentType: JSON_TYPE }
        return deferred(JSON_TYPE, `the ${fftSize}-point spectrogram of recording ${rec.id}`, () => cache.spectrogram(project.dir, rec, fftSize))
      },
    },
    {
      pattern: new RegExp(`^recordings/${ID}/spectrogram/${SMALL}/${SMALL}/(0|[1-9][0-9]{0,8})$`),
      resolve(m, project) {
        const rec = findRecording(project, Number(m[1]))
        const [fftSize, level, tile] = [Number(m[2]), Number(m[3]), Number(m[4])]
        if (!rec || !isFftSize(fftSize) || level > MAX_LEVEL) return null
        const known = cache.cachedSpectrogram(project.dir, rec, fftSize)
        if (known && (level > known.index.topLevel || tile >= tilesAtLevel(known.index.columns, level))) return null
        const cached = cache.cachedTile(project.dir, rec, fftSize, level, tile)
        if (cached) return fileTarget(cached, BINARY_TYPE)
        return deferred(BINARY_TYPE, `spectrogram tile ${fftSize}/${level}/${tile} of recording ${rec.id}`, () => cache.tile(project.dir, rec, fftSize, level, tile))
      },
    },
  ]
}
