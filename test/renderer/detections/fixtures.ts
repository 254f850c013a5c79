// Detection rows and facets for the review tests: a season of `total` detections whose row i has
// id i + 1 and a score falling with i, as the table sorts them by default.
import type { DetectionFacets, DetectionFilter, DetectionRow, DetectionSort } from '../../../src-shared/contracts'

export function detectionRow(i: number, overrides: Partial<DetectionRow> = {}): DetectionRow {
  return {
    id: i + 1,
    recordingId: 100 + Math.floor(i / 10),
    fileName: `20240501_${String(i).padStart(6, '0')}.WAV`,
    recordingDurationS: 60,
    siteId: 1,
    siteName: 'North reedbed',
    deploymentId: 1,
    labelId: 1 + (i % 3),
    labelCode: ['REEWAR', 'SEDWAR', 'WATRAI'][i % 3],
    labelName: ['Eurasian reed warbler', 'Sedge warbler', 'Water rail'][i % 3],
    labelColor: null,
    originalLabelId: null,
    originalLabelCode: null,
    modelId: 9,
    modelName: 'Marsh head v1',
    startS: (i % 10) * 5,
    endS: (i % 10) * 5 + 3,
    startTime: `2024-05-01T05:${String(i % 60).padStart(2, '0')}:00`,
    score: Math.round((0.99 - i / 1e7) * 1e6) / 1e6,
    reviewState: 'unreviewed',
    reviewedAt: null,
    ...overrides,
  }
}

/** An api.detections.list answer for a season of `total` rows (filters and order not applied). */
export function listAnswer(total: number) {
  return async (req: { offset: number; limit: number; filter?: DetectionFilter; sort?: DetectionSort }) => {
    const items: DetectionRow[] = []
    for (let i = req.offset; i < Math.min(total, req.offset + req.limit); i++) items.push(detectionRow(i))
    return { total, items }
  }
}

export function facets(total: number, overrides: Partial<DetectionFacets> = {}): DetectionFacets {
  return {
    total,
    labels: [
      { id: 1, code: 'REEWAR', name: 'Eurasian reed warbler', color: '#2f7ed8', count: Math.ceil(total / 3) },
      { id: 2, code: 'SEDWAR', name: 'Sedge warbler', color: null, count: Math.ceil(total / 3) },
      { id: 3, code: 'WATRAI', name: 'Water rail', color: null, count: total - 2 * Math.ceil(total / 3) },
    ],
    models: [{ id: 9, name: 'Marsh head', version: 'v1', count: total }],
    sites: [{ id: 1, name: 'North reedbed', count: total }],
    withoutSite: 0,
    reviewStates: { unreviewed: total, confirmed: 0, rejected: 0, uncertain: 0 },
    firstTime: '2024-05-01T00:00:00',
    lastTime: '2024-05-09T00:00:00',
    ...overrides,
  }
}
