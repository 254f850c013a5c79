// Synthetic season files for import tests and the import bench: small PCM WAVs written the way
// recorders write them (AudioMoth ICMT/IART comments, GUANO, Song Meter-style names), with
// seeded noise so every file has its own fingerprint. No vitest import: the bench loads it too.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { chunk, fmtChunk, riff, seededRandom } from '../../audio/wav-builder'

export interface MothFile {
  serial: string
  /** Start instant (UTC epoch ms). */
  startMs: number
  /** Minutes east of UTC written in the comment. */
  offsetMinutes?: number
  seconds: number
  rate?: number
  /** Also write a GUANO chunk (with this location when given). */
  guano?: boolean | { latitude: number; longitude: number }
  /** Omit the ICMT comment (then only the file name dates the recording). */
  noComment?: boolean
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0')

function localParts(startMs: number, offsetMinutes: number): Date {
  return new Date(startMs + offsetMinutes * 60_000)
}

/** `YYYYMMDD_HHMMSS` in the recorder's local time. */
export function mothStem(startMs: number, offsetMinutes = 0): string {
  const d = localParts(startMs, offsetMinutes)
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}_${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`
}

function zoneText(offsetMinutes: number): string {
  if (offsetMinutes === 0) return 'UTC'
  const h = offsetMinutes / 60
  return `UTC${h > 0 ? '+' : '-'}${Math.abs(h)}`
}

function isoOffset(offsetMinutes: number): string {
  if (offsetMinutes === 0) return 'Z'
  const a = Math.abs(offsetMinutes)
  return `${offsetMinutes > 0 ? '+' : '-'}${pad(Math.floor(a / 60))}:${pad(a % 60)}`
}

/** The comment a current AudioMoth firmware writes. */
export function mothComment(f: MothFile): string {
  const off = f.offsetMinutes ?? 0
  const d = localParts(f.startMs, off)
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`
  return `Recorded at ${time} (${zoneText(off)}) by AudioMoth ${f.serial} at medium gain while battery was 4.3V and temperature was 18.7C.`
}

function infoList(entries: [string, string][]): Buffer {
  const parts = entries.map(([id, text]) => chunk(id, Buffer.concat([Buffer.from(text, 'latin1'), Buffer.from([0])])))
  return chunk('LIST', Buffer.concat([Buffer.from('INFO'), ...parts]))
}

function guanoChunk(f: MothFile): Buffer {
  const off = f.offsetMinutes ?? 0
  const d = localParts(f.startMs, off)
  const stamp = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}${isoOffset(off)}`
  const lines = ['GUANO|Version:1.0', 'Make:Open Acoustic Devices', 'Model:AudioMoth', `Serial:${f.serial}`, `Timestamp:${stamp}`]
  if (typeof f.guano === 'object') lines.push(`Loc Position:${f.guano.latitude} ${f.guano.longitude}`)
  return chunk('guan', Buffer.from(lines.join('\n') + '\n', 'utf8'))
}

/** PCM 16-bit mono with seeded noise. */
export function pcm16(rate: number, seconds: number, seed: number): Buffer {
  const n = Math.round(rate * seconds)
  const random = seededRandom(seed)
  const data = Buffer.alloc(n * 2)
  for (let i = 0; i < n; i++) data.writeInt16LE(Math.round((random() - 0.5) * 2000), i * 2)
  return data
}

export function mothWav(f: MothFile): Buffer {
  const rate = f.rate ?? 8000
  const before = f.noComment ? [] : [infoList([['ICMT', mothComment(f)], ['IART', `AudioMoth ${f.serial}`]])]
  const after = f.guano ? [guanoChunk(f)] : []
  return riff([fmtChunk({ codec: 'pcm', bits: 16, channels: 1, rate }), ...before, chunk('data', pcm16(rate, f.seconds, f.startMs % 2_147_483_647)), ...after])
}

/** Writes `<dir>/<YYYYMMDD_HHMMSS>.WAV` and returns its path. */
export function writeMothFile(dir: string, f: MothFile): string {
  const path = join(dir, `${mothStem(f.startMs, f.offsetMinutes)}.WAV`)
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, mothWav(f))
  return path
}

/** A plain WAV without metadata. */
export function plainWav(rate: number, seconds: number, seed: number): Buffer {
  return riff([fmtChunk({ codec: 'pcm', bits: 16, channels: 1, rate }), chunk('data', pcm16(rate, seconds, seed))])
}

/** A duty-cycled schedule: `count` recordings of `onSeconds` every `periodSeconds` from `startMs`. */
export function schedule(startMs: number, count: number, onSeconds: number, periodSeconds: number): number[] {
  return Array.from({ length: count }, (_, i) => startMs + i * periodSeconds * 1000)
}
