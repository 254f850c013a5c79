// The heads an analysis or a rescore applies: weights from each head's package, scoring settings
// (thresholds, event rule, revision) from its row. A head is applied only to the windows it was
// made for, and only with the encoder weights it was made on.
import type { Database } from 'better-sqlite3'
import type { EventRule } from '../../src-shared/contracts'
import { AppError } from '../errors'
import type { TrainedHead } from '../heads/trained-head'
import { ModelsRepository, type EncoderRecord, type HeadRecord } from '../services/models-repository'
import { loadHeadPackage } from './head-package'
import type { WindowGrid } from './window-grid'

export interface ScoringHead {
  id: number
  name: string
  version: string
  revision: number
  head: TrainedHead
  labelIds: readonly number[]
  thresholds: readonly number[]
  events: EventRule
}

export interface SkippedHead {
  id: number
  name: string
  reason: string
}

function sameGrid(a: WindowGrid, b: WindowGrid): boolean {
  return a.windowS === b.windowS && a.hopS === b.hopS
}

export function loadScoringHead(projectDir: string, repo: ModelsRepository, record: HeadRecord, encoder: EncoderRecord): ScoringHead {
  const pkg = loadHeadPackage(repo.folder(record, projectDir))
  if (pkg.encoder.onnxSha256 !== encoder.encoder.onnxSha256) {
    throw new AppError('MODEL_INVALID', `head ${record.name} ${record.version} was made for other encoder weights than ${encoder.name} ${encoder.version}`)
  }
  const h = record.head
  if (pkg.head.classes !== h.labelIds.length) throw new AppError('MODEL_INVALID', `head ${record.name} ${record.version}: its row lists ${h.labelIds.length} labels for ${pkg.head.classes} classes`)
  return { id: record.id, name: record.name, version: record.version, revision: h.revision, head: pkg.head, labelIds: h.labelIds, thresholds: h.thresholds, events: h.events }
}

/**
 * Heads of `encoder` to score on windows `grid`: the given ids, or every active head. Heads made
 * for other windows are skipped with the reason (an explicitly requested one is an error).
 */
export function loadScoringHeads(db: Database, projectDir: string, encoder: EncoderRecord, grid: WindowGrid, headIds?: readonly number[]): { heads: ScoringHead[]; skipped: SkippedHead[] } {
  const repo = new ModelsRepository(db)
  const records = headIds ? headIds.map((id) => repo.head(id)) : repo.activeHeads(encoder.id)
  const heads: ScoringHead[] = []
  const skipped: SkippedHead[] = []
  for (const r of records) {
    if (r.encoderId !== encoder.id) throw new AppError('INVALID_REQUEST', `head ${r.name} ${r.version} scores encoder ${r.encoderId}, not ${encoder.name} ${encoder.version}`)
    if (!sameGrid(r.head, grid)) {
      const reason = `made for ${r.head.windowS} s windows every ${r.head.hopS} s, this analysis uses ${grid.windowS} s every ${grid.hopS} s`
      if (headIds) throw new AppError('INVALID_REQUEST', `head ${r.name} ${r.version} is ${reason}`)
      skipped.push({ id: r.id, name: `${r.name} ${r.version}`, reason })
      continue
    }
    heads.push(loadScoringHead(projectDir, repo, r, encoder))
  }
  return { heads, skipped }
}
