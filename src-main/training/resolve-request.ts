// A training-set request with every default filled in and every id checked: the encoder and the
// analysis whose window embeddings are the features, the classes (one label set), the "no call"
// labels, the overlap rule and the split.
import type { Database } from 'better-sqlite3'
import {
  DEFAULT_OVERLAP_RULE,
  DEFAULT_SPLIT_RULE,
  type AnnotationSource,
  type HeadTask,
  type OverlapRule,
  type SplitRule,
  type TrainingSetRequest,
} from '../../src-shared/contracts'
import { AnalysisRepository, type AnalysisRow } from '../analysis/analysis-repository'
import { AppError } from '../errors'
import { ModelsRepository, type EncoderRecord } from '../services/models-repository'

export const DEFAULT_SOURCES: readonly AnnotationSource[] = ['manual', 'imported', 'review']
export const DEFAULT_BACKGROUND_RATIO = 3
export const DEFAULT_SEED = 1
export const DEFAULT_MIN_POSITIVES = 10

/** Codes and names that mean "nothing of interest here". */
const NO_CALL = /^(no[\s_-]?calls?|nocall|noise|background|bg|none|silence|empty|negative)$/i

export interface TrainingClass {
  labelId: number
  code: string
  name: string | null
}

export interface ResolvedRequest {
  encoder: EncoderRecord
  analysis: AnalysisRow
  labelSet: { id: number; name: string }
  classes: TrainingClass[]
  task: HeadTask
  sources: AnnotationSource[]
  useReviews: boolean
  noCallLabelIds: number[]
  /** Multi-class: the class background and negative windows belong to (a "no call" class), if any. */
  backgroundClass: number | null
  backgroundRatio: number
  rule: OverlapRule
  split: SplitRule
  seed: number
  minPositives: number
}

interface LabelRow {
  id: number
  labelSetId: number
  code: string
  commonName: string | null
  scientificName: string | null
  setName: string
}

export function isNoCallLabel(code: string, commonName: string | null): boolean {
  return NO_CALL.test(code.trim()) || (commonName !== null && NO_CALL.test(commonName.trim()))
}

/** Every label of the project that looks like a "no call" label. */
export function defaultNoCallLabelIds(db: Database): number[] {
  const rows = db.prepare('SELECT id, code, common_name AS commonName FROM labels ORDER BY id').all() as { id: number; code: string; commonName: string | null }[]
  return rows.filter((r) => isNoCallLabel(r.code, r.commonName)).map((r) => r.id)
}

/** The analysis a request reads: the given windows, else the encoder's only analysis, its default windows, or its largest. */
export function chooseAnalysis(db: Database, encoder: EncoderRecord, windowS?: number, hopS?: number): AnalysisRow {
  const analyses = new AnalysisRepository(db)
  const name = `${encoder.name} ${encoder.version}`
  if (windowS !== undefined || hopS !== undefined) {
    const grid = { windowS: windowS ?? encoder.encoder.windowS, hopS: hopS ?? encoder.encoder.hopS }
    const found = analyses.find(encoder.id, grid)
    if (!found) throw new AppError('TRAINING_DATA', `no recordings were analysed with ${name} and ${grid.windowS} s windows every ${grid.hopS} s: run that analysis first`)
    return found
  }
  const all = analyses.analysesOf(encoder.id).filter((a) => analyses.doneCount(a.id) > 0)
  if (all.length === 0) throw new AppError('TRAINING_DATA', `no recordings were analysed with ${name} yet: analyse the season first (Models → Analyze recordings)`)
  if (all.length === 1) return all[0]
  const preferred = all.find((a) => a.windowS === encoder.encoder.windowS && a.hopS === encoder.encoder.hopS)
  return preferred ?? [...all].sort((a, b) => analyses.doneCount(b.id) - analyses.doneCount(a.id) || a.id - b.id)[0]
}

export function resolveRequest(db: Database, r: TrainingSetRequest): ResolvedRequest {
  const models = new ModelsRepository(db)
  const encoder = r.encoderId !== undefined ? models.encoder(r.encoderId) : models.defaultEncoder()
  const analysis = chooseAnalysis(db, encoder, r.windowS, r.hopS)

  if (new Set(r.labelIds).size !== r.labelIds.length) throw new AppError('INVALID_REQUEST', 'a label is listed twice among the classes')
  const labelOf = db.prepare(
    `SELECT l.id, l.label_set_id AS labelSetId, l.code, l.common_name AS commonName, l.scientific_name AS scientificName, s.name AS setName
     FROM labels l JOIN label_sets s ON s.id = l.label_set_id WHERE l.id = ?`,
  )
  const rows = r.labelIds.map((id) => {
    const row = labelOf.get(id) as LabelRow | undefined
    if (!row) throw new AppError('NOT_FOUND', `label ${id} does not exist in this project`)
    return row
  })
  const sets = new Set(rows.map((l) => l.labelSetId))
  if (sets.size > 1) throw new AppError('INVALID_REQUEST', `the classes come from ${sets.size} label sets (${[...new Set(rows.map((l) => l.setName))].join(', ')}); a head's labels belong to one set`)
  const task = r.task ?? 'multi-label'
  if (task === 'multi-class' && rows.length < 2) throw new AppError('INVALID_REQUEST', 'a multi-class head needs at least 2 classes')

  const noCallLabelIds = r.noCallLabelIds ?? defaultNoCallLabelIds(db)
  for (const id of noCallLabelIds) if (labelOf.get(id) === undefined) throw new AppError('NOT_FOUND', `"no call" label ${id} does not exist in this project`)
  const noCall = new Set(noCallLabelIds)
  const bgIndex = rows.findIndex((l) => noCall.has(l.id))
  const split: SplitRule = { ...DEFAULT_SPLIT_RULE, ...r.split }
  if (split.validation + split.test >= 1) throw new AppError('INVALID_REQUEST', `validation (${split.validation}) and test (${split.test}) shares leave nothing to train on`)
  return {
    encoder,
    analysis,
    labelSet: { id: rows[0].labelSetId, name: rows[0].setName },
    classes: rows.map((l) => ({ labelId: l.id, code: l.code, name: l.commonName ?? l.scientificName })),
    task,
    sources: [...new Set(r.sources ?? DEFAULT_SOURCES)],
    useReviews: r.useReviews ?? true,
    noCallLabelIds,
    backgroundClass: task === 'multi-class' && bgIndex >= 0 ? bgIndex : null,
    backgroundRatio: r.backgroundRatio ?? DEFAULT_BACKGROUND_RATIO,
    rule: { ...DEFAULT_OVERLAP_RULE, ...r.overlap },
    split,
    seed: r.seed ?? DEFAULT_SEED,
    minPositives: r.minPositives ?? DEFAULT_MIN_POSITIVES,
  }
}
