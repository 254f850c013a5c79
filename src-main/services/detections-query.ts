// SQL for the detection table: which detection ids a filter selects, in which order, and how many.
//
// A page deep into a million rows must not sort a million rows, so every order walks an index
// that already has it, with the filter columns inside the index (migration 003): by score on
// detections_by_score (one label: detections_by_label_score), by label through labels_by_code
// then detections_by_label_score, by time or file name through the recordings in that order then
// detections_by_recording. The planner is told which index to walk (INDEXED BY, CROSS JOIN fixes
// the loop order): left to itself, without statistics, it sorts 900k rows for a page. A filter on
// one recording is small enough to sort. Recording-level filters (site, deployment, dates) become
// an IN list that SQLite checks against the recording id inside the index, and date bounds are
// checked exactly per detection only for rows that passed it.
import type { DetectionFilter, DetectionSort } from '../../src-shared/contracts'
import { parseWallBound } from './detections-wall-clock'

export type SqlParams = Record<string, string | number>

export interface DetectionSelect {
  sql: string
  params: SqlParams
}

export const DEFAULT_SORT: DetectionSort = { by: 'score', dir: 'desc' }

interface Terms {
  /** on `d` only: evaluable inside any detections index */
  detection: string[]
  /** on `r` only */
  recording: string[]
  /** need both (exact date bounds) */
  joined: string[]
  params: SqlParams
}

function nonEmpty<T>(list: readonly T[] | undefined): list is readonly T[] {
  return list !== undefined && list.length > 0
}

/** The filter as SQL terms; empty lists mean "no constraint", like absent ones. */
export function filterTerms(filter: DetectionFilter | undefined): Terms {
  const f = filter ?? {}
  const t: Terms = { detection: [], recording: [], joined: [], params: {} }
  if (nonEmpty(f.labelIds)) {
    if (f.labelIds.length === 1) {
      t.detection.push('d.label_id = @label')
      t.params.label = f.labelIds[0]
    } else {
      t.detection.push('d.label_id IN (SELECT value FROM json_each(@labels))')
      t.params.labels = JSON.stringify(f.labelIds)
    }
  }
  if (nonEmpty(f.reviewStates) && f.reviewStates.length < 4) {
    if (f.reviewStates.length === 1) {
      t.detection.push('d.review_state = @state')
      t.params.state = f.reviewStates[0]
    } else {
      t.detection.push('d.review_state IN (SELECT value FROM json_each(@states))')
      t.params.states = JSON.stringify(f.reviewStates)
    }
  }
  if (f.modelId !== undefined) {
    t.detection.push('d.model_id = @model')
    t.params.model = f.modelId
  }
  if (f.minScore !== undefined) {
    t.detection.push('d.score >= @minScore')
    t.params.minScore = f.minScore
  }
  if (f.maxScore !== undefined) {
    t.detection.push('d.score <= @maxScore')
    t.params.maxScore = f.maxScore
  }
  if (f.recordingId !== undefined) {
    t.detection.push('d.recording_id = @recording')
    t.params.recording = f.recordingId
  }
  if (f.deploymentId !== undefined) {
    t.recording.push('r.deployment_id = @deployment')
    t.params.deployment = f.deploymentId
  }
  if (f.siteId !== undefined) {
    t.recording.push('r.deployment_id IN (SELECT id FROM deployments WHERE site_id = @site)')
    t.params.site = f.siteId
  }
  if (f.from !== undefined || f.to !== undefined) {
    t.recording.push('r.start_local_ms IS NOT NULL')
    if (f.from !== undefined) {
      t.params.fromMs = parseWallBound(f.from, 'from')
      t.recording.push('r.start_local_ms + coalesce(r.duration_s, 0) * 1000 >= @fromMs')
      t.joined.push('r.start_local_ms + d.start_s * 1000 >= @fromMs')
    }
    if (f.to !== undefined) {
      t.params.toMs = parseWallBound(f.to, 'to')
      t.recording.push('r.start_local_ms < @toMs')
      t.joined.push('r.start_local_ms + d.start_s * 1000 < @toMs')
    }
  }
  return t
}

function where(terms: string[]): string {
  return terms.length > 0 ? `WHERE ${terms.join(' AND ')}` : ''
}

/** Recording-level terms as a check on d.recording_id (runs inside the detections index). */
function recordingPrefilter(t: Terms): string[] {
  return t.recording.length > 0 ? [`d.recording_id IN (SELECT r.id FROM recordings r WHERE ${t.recording.join(' AND ')})`] : []
}

function dir(d: DetectionSort['dir']): string {
  return d === 'asc' ? 'ASC' : 'DESC'
}

/** Detections driven from an index on detections itself (score order, or one recording). */
function detectionDriven(t: Terms, sort: DetectionSort, filter: DetectionFilter): string {
  const oneRecording = filter.recordingId !== undefined
  const oneLabel = nonEmpty(filter.labelIds) && filter.labelIds.length === 1
  const index = oneRecording ? 'detections_by_recording' : oneLabel ? 'detections_by_label_score' : 'detections_by_score'
  const joins: string[] = []
  if (t.joined.length > 0) joins.push('JOIN recordings r ON r.id = d.recording_id')
  let order: string
  if (sort.by === 'score') order = `d.score ${dir(sort.dir)}, d.id ${dir(sort.dir)}`
  else if (sort.by === 'label') {
    joins.push('JOIN labels l ON l.id = d.label_id')
    order = `l.code ${dir(sort.dir)}, l.id ${dir(sort.dir)}, d.score DESC, d.id DESC`
  } else if (sort.by === 'time') order = `d.start_s ${dir(sort.dir)}, d.id ${dir(sort.dir)}`
  // Within one recording the file-name order leaves the offsets ascending.
  else order = 'd.start_s ASC, d.id ASC'
  const terms = [...t.detection, ...recordingPrefilter(t), ...t.joined]
  return `SELECT d.id FROM detections d INDEXED BY ${index} ${joins.join(' ')} ${where(terms)} ORDER BY ${order}`
}

function labelDriven(t: Terms, sort: DetectionSort): string {
  const joins = t.joined.length > 0 ? 'CROSS JOIN recordings r ON r.id = d.recording_id' : ''
  const terms = [...t.detection, ...recordingPrefilter(t), ...t.joined]
  return `SELECT d.id FROM labels l INDEXED BY labels_by_code CROSS JOIN detections d INDEXED BY detections_by_label_score ON d.label_id = l.id ${joins} ${where(terms)}
    ORDER BY l.code ${dir(sort.dir)}, l.id ${dir(sort.dir)}, d.score DESC, d.id DESC`
}

function recordingDriven(t: Terms, sort: DetectionSort): string {
  const byTime = sort.by === 'time'
  const index = byTime ? 'recordings_by_local_time' : 'recordings_by_file_name'
  const order = byTime
    ? `r.start_local_ms ${dir(sort.dir)}, r.id ${dir(sort.dir)}, d.start_s ${dir(sort.dir)}, d.id ${dir(sort.dir)}`
    : `r.file_name COLLATE NOCASE ${dir(sort.dir)}, r.id ${dir(sort.dir)}, d.start_s ASC, d.id ASC`
  const terms = [...t.recording, ...t.detection, ...t.joined]
  return `SELECT d.id FROM recordings r INDEXED BY ${index} CROSS JOIN detections d INDEXED BY detections_by_recording ON d.recording_id = r.id ${where(terms)} ORDER BY ${order}`
}

/** Ids of the filtered detections in the requested order (append LIMIT/OFFSET). */
export function selectIds(filter: DetectionFilter | undefined, sort: DetectionSort = DEFAULT_SORT): DetectionSelect {
  const f = filter ?? {}
  const t = filterTerms(f)
  let sql: string
  if (sort.by === 'score' || f.recordingId !== undefined) sql = detectionDriven(t, sort, f)
  else if (sort.by === 'label') sql = labelDriven(t, sort)
  else sql = recordingDriven(t, sort)
  return { sql, params: t.params }
}

/**
 * How many detections the filter selects. Filters on recordings walk the matching recordings and
 * their detections; the others leave the index to the planner (every candidate covers the columns).
 */
export function countSelected(filter: DetectionFilter | undefined): DetectionSelect {
  const t = filterTerms(filter)
  if (t.recording.length > 0) {
    const terms = [...t.recording, ...t.detection, ...t.joined]
    return {
      sql: `SELECT count(*) FROM recordings r CROSS JOIN detections d INDEXED BY detections_by_recording ON d.recording_id = r.id ${where(terms)}`,
      params: t.params,
    }
  }
  return { sql: `SELECT count(*) FROM detections d ${where(t.detection)}`, params: t.params }
}

/**
 * Scores of one label, for histograms and threshold counts: the label index, other filters as
 * above (score bounds and the label list of the filter do not apply).
 */
export function labelScores(labelId: number, filter: DetectionFilter | undefined, modelId: number | undefined): { from: string; where: string; params: SqlParams } {
  const rest: DetectionFilter = { ...(filter ?? {}), labelIds: [labelId], minScore: undefined, maxScore: undefined }
  if (modelId !== undefined) rest.modelId = modelId
  const t = filterTerms(rest)
  const joins = t.joined.length > 0 ? 'JOIN recordings r ON r.id = d.recording_id' : ''
  return {
    from: `detections d INDEXED BY detections_by_label_score ${joins}`,
    where: where([...t.detection, ...recordingPrefilter(t), ...t.joined]),
    params: t.params,
  }
}
