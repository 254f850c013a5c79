// The demo season: several sites, each with an AudioMoth-style recorder on a duty cycle (one file
// every 30 min from 04:30 local time) over two days, one recorder stopping early on the last day
// (a gap in coverage), the four synthetic species calling over wind, rain and insect backgrounds.
// Every call's time and band are known (the truth). Files land in
// <folder>/<Site>/<serial>/<YYYYMMDD>/<YYYYMMDD_HHMMSS>.WAV, so the import infers site and
// deployment from the folders. The same options and seed give the same bytes.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { AppError, throwIfAborted } from '../errors'
import { Prng } from '../numeric/prng'
import { addBackground, type BackgroundMix } from './backgrounds'
import { mothFileStem, mothWav } from './moth-wav'
import { DEMO_SPECIES } from './species'

export interface DemoSeasonOptions {
  /** Hours of audio in total (default 0.6: 36 one-minute files). */
  hours?: number
  sites?: number
  seed?: number
  /** Length of each recording (default 60 s). */
  fileSeconds?: number
  /** Sample rate of the files (default 32 kHz, an AudioMoth setting). */
  sampleRate?: number
  signal?: AbortSignal
  onProgress?: (doneFiles: number, totalFiles: number) => void
}

export interface DemoRecording {
  path: string
  site: string
  serial: string
  /** UTC epoch ms */
  startMs: number
  /** 0 for the first day: the demo trains its head on day 0 and tests on the others. */
  day: number
  seconds: number
}

export interface TruthCall {
  /** Path of the recording. */
  path: string
  species: string
  startS: number
  endS: number
  lowHz: number
  highHz: number
}

export interface DemoSeason {
  recordings: DemoRecording[]
  calls: TruthCall[]
  sites: string[]
  days: number
}

const SITE_NAMES = ['North Ridge', 'Beaver Pond', 'Oak Hollow', 'Meadow Edge', 'Fern Gully', 'Stony Creek', 'Pine Bluff', 'Reed Marsh', 'Birch Knoll', 'Heath Corner', 'Willow Bend', 'Cedar Run']
const DAYS = 2
const FIRST_FILE_LOCAL_MINUTES = 4 * 60 + 30
const OFFSET_MINUTES = 120
const SEASON_START_UTC = Date.UTC(2024, 4, 14)
const MIN_CALL_SPACING_S = 0.4

export const DEMO_DEFAULTS = { hours: 0.6, sites: 3, seed: 42, fileSeconds: 60, sampleRate: 32_000 } as const

function siteName(i: number): string {
  return i < SITE_NAMES.length ? SITE_NAMES[i] : `Site ${i + 1}`
}

function serialOf(i: number): string {
  return `24E144${(0x55e0800 + i * 0x11).toString(16).toUpperCase().padStart(7, '0')}${pad3(i)}`.slice(0, 16)
}

function pad3(n: number): string {
  return String(n).padStart(3, '0')
}

/** Species a site hears: all of them at a single site, else each site misses one (in turn). */
function speciesAt(site: number, sites: number): number[] {
  const all = DEMO_SPECIES.map((_, i) => i)
  return sites === 1 ? all : all.filter((s) => s !== site % DEMO_SPECIES.length)
}

function backgroundFor(localMinutes: number, rng: Prng): BackgroundMix {
  const dawn = localMinutes < 7 * 60
  const dusk = localMinutes >= 18 * 60
  // Audible but well below the calls (0.1–0.3): the demo encoder's random features drown calls
  // in louder noise, where a pretrained encoder would not.
  return {
    wind: (dawn ? 0.003 : 0.001) + 0.0025 * rng.nextFloat(),
    rain: rng.nextFloat() < 0.3 ? 0.002 + 0.003 * rng.nextFloat() : 0,
    insects: (dusk ? 0.0025 : 0.0005) + 0.0015 * rng.nextFloat(),
  }
}

export function generateDemoSeason(folder: string, options: DemoSeasonOptions = {}): DemoSeason {
  const hours = options.hours ?? DEMO_DEFAULTS.hours
  const sites = options.sites ?? DEMO_DEFAULTS.sites
  const seed = options.seed ?? DEMO_DEFAULTS.seed
  const seconds = options.fileSeconds ?? DEMO_DEFAULTS.fileSeconds
  const rate = options.sampleRate ?? DEMO_DEFAULTS.sampleRate
  if (!(hours > 0 && hours <= 1000)) throw new AppError('INVALID_REQUEST', `--hours must be above 0 and at most 1000, got ${hours}`)
  if (!(Number.isInteger(sites) && sites >= 1 && sites <= 100)) throw new AppError('INVALID_REQUEST', `--sites must be an integer from 1 to 100, got ${sites}`)
  if (!Number.isInteger(seed)) throw new AppError('INVALID_REQUEST', `--seed must be an integer, got ${seed}`)
  if (!(seconds >= 5 && seconds <= 3600)) throw new AppError('INVALID_REQUEST', `file length must be 5…3600 s, got ${seconds}`)

  const perSiteDay = Math.max(1, Math.ceil((hours * 3600) / seconds / (sites * DAYS)))
  const periodMinutes = Math.max(Math.ceil(seconds / 60), Math.min(30, Math.floor((24 * 60 - FIRST_FILE_LOCAL_MINUTES) / perSiteDay)))
  const plan: { site: number; day: number; slot: number }[] = []
  for (let site = 0; site < sites; site++) {
    for (let day = 0; day < DAYS; day++) {
      // The last recorder's battery gives out on the last day: the season has a gap.
      const slots = sites > 1 && site === sites - 1 && day === DAYS - 1 && perSiteDay >= 3 ? Math.ceil((2 * perSiteDay) / 3) : perSiteDay
      for (let slot = 0; slot < slots; slot++) plan.push({ site, day, slot })
    }
  }

  const recordings: DemoRecording[] = []
  const calls: TruthCall[] = []
  plan.forEach((p, index) => {
    throwIfAborted(options.signal)
    const rng = new Prng((seed * 1_000_003 + index * 7919) >>> 0)
    const localMinutes = FIRST_FILE_LOCAL_MINUTES + p.slot * periodMinutes
    const startMs = SEASON_START_UTC + p.day * 86_400_000 + (localMinutes - OFFSET_MINUTES) * 60_000
    const serial = serialOf(p.site)
    const stem = mothFileStem(startMs, OFFSET_MINUTES)
    const dir = join(folder, siteName(p.site), serial, stem.slice(0, 8))
    const path = join(dir, `${stem}.WAV`)
    const samples = new Float32Array(Math.round(seconds * rate))
    addBackground(samples, rate, backgroundFor(localMinutes, rng), rng)

    const present = speciesAt(p.site, sites)
    const wanted = Math.max(1, Math.round(((8 + rng.nextInt(5)) * seconds) / 60))
    const placed: { start: number; end: number }[] = []
    for (let attempt = 0; attempt < 50 * wanted && placed.length < wanted; attempt++) {
      const spec = DEMO_SPECIES[present[rng.nextInt(present.length)]]
      const start = 0.3 + rng.nextFloat() * Math.max(0, seconds - spec.duration - 1.2)
      const end = start + spec.duration
      if (placed.some((c) => start < c.end + MIN_CALL_SPACING_S && c.start < end + MIN_CALL_SPACING_S)) continue
      const amplitude = 0.1 + 0.2 * rng.nextFloat()
      const length = spec.draw(samples, Math.round(start * rate), rate, amplitude, rng)
      placed.push({ start, end: start + length })
      calls.push({ path, species: spec.code, startS: round3(start), endS: round3(start + length), lowHz: spec.lowHz, highHz: spec.highHz })
    }
    mkdirSync(dir, { recursive: true })
    writeFileSync(path, mothWav(samples, rate, { serial, startMs, offsetMinutes: OFFSET_MINUTES, batteryV: 4.4 - 0.2 * p.day - 0.01 * p.slot, temperatureC: 8 + 0.4 * p.slot + 2 * rng.nextFloat() }))
    recordings.push({ path, site: siteName(p.site), serial, startMs, day: p.day, seconds })
    options.onProgress?.(index + 1, plan.length)
  })
  calls.sort((a, b) => a.path.localeCompare(b.path) || a.startS - b.startS)
  return { recordings, calls, sites: Array.from({ length: sites }, (_, i) => siteName(i)), days: DAYS }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000
}

/** The truth as CSV (path relative to `root`), for people and other tools. */
export function truthCsv(season: DemoSeason, root: string): string {
  const lines = ['path,species,start_s,end_s,low_hz,high_hz']
  for (const c of season.calls) lines.push(`${JSON.stringify(relative(root, c.path))},${c.species},${c.startS},${c.endS},${c.lowHz},${c.highHz}`)
  return lines.join('\n') + '\n'
}
