// The trainer's data manifest (job.json `data`) and the rules shared by every training set built
// from a project: which recordings the trainer may read, how recordings are split, and the summary
// shown with the job.
import type { TrainingDataSummary } from '../../src-shared/contracts'
import { jsonSha256 } from './job-folder'

export type Split = 'train' | 'val' | 'test'

export interface ManifestItem {
  id: string
  path: string
  /** [start, end] seconds in the file; absent = the whole file */
  segment?: [number, number]
  labels: string[]
  split: Split
}

export interface DataManifest {
  labels: string[]
  multi_label: boolean
  items: ManifestItem[]
}

/**
 * The trainer decodes a file at the sample rate its header states; a time-expanded recording
 * (bat detectors) would be read too fast, so only recordings with time expansion 1 are used.
 */
export const READABLE_BY_TRAINER = "r.status = 'ok' AND r.time_expansion = 1"

/** FNV-1a of the text → [0, 1): a seeded, platform-independent coin per recording. */
export function seededUnit(seed: number, key: string | number): number {
  let h = 2166136261
  const text = `${seed}:${key}`
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 16777619) >>> 0
  }
  return h / 4294967296
}

/**
 * Recording → split, by recording so no recording feeds two splits. Recordings are ordered by their
 * seeded coin; the first round(test·n) go to test, the next round(val·n) to val (at least one when
 * val > 0 and there are two recordings or more), the rest to train (at least one).
 */
export function splitRecordings(recordingIds: readonly number[], seed: number, valFraction: number, testFraction: number): Map<number, Split> {
  const ids = [...new Set(recordingIds)].sort((a, b) => seededUnit(seed, a) - seededUnit(seed, b) || a - b)
  const n = ids.length
  let test = Math.round(testFraction * n)
  let val = Math.round(valFraction * n)
  if (valFraction > 0 && val === 0 && n >= 2) val = 1
  while (test + val > n - 1 && (test > 0 || val > 0)) {
    if (test >= val && test > 0) test--
    else val--
  }
  const out = new Map<number, Split>()
  ids.forEach((id, i) => out.set(id, i < test ? 'test' : i < test + val ? 'val' : 'train'))
  return out
}

/** Counts per label and split, the audio length, and the hash that identifies this exact data. */
export function summarise(data: DataManifest, recordings: number, warnings: string[]): TrainingDataSummary {
  const perLabel: Record<string, Record<string, number>> = {}
  const perSplit: Record<string, number> = {}
  let audioSeconds = 0
  for (const item of data.items) {
    perSplit[item.split] = (perSplit[item.split] ?? 0) + 1
    for (const label of item.labels.length > 0 ? item.labels : ['(none)']) {
      const row = (perLabel[label] ??= {})
      row[item.split] = (row[item.split] ?? 0) + 1
    }
    if (item.segment) audioSeconds += item.segment[1] - item.segment[0]
  }
  return { items: data.items.length, recordings, audioSeconds, perLabel, perSplit, warnings, sha256: jsonSha256(data) }
}
