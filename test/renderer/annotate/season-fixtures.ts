// Contract values of a season for the annotate, labels and recordings tests.
import type { Annotation, Label, LabelSet, RecordingDetail, RecordingSummary, SiteNode } from '../../../src-shared/contracts'

export function annotation(overrides: Partial<Annotation> = {}): Annotation {
  return {
    id: 1,
    recordingId: 12,
    labelId: 3,
    startS: 1,
    endS: 2,
    lowHz: null,
    highHz: null,
    source: 'manual',
    author: null,
    modelId: null,
    note: null,
    createdAt: '2025-11-02T09:00:00.000Z',
    updatedAt: '2025-11-02T09:00:00.000Z',
    ...overrides,
  }
}

export function label(overrides: Partial<Label> = {}): Label {
  return { id: 3, labelSetId: 1, code: 'TURMER', scientificName: 'Turdus merula', commonName: 'Eurasian blackbird', color: '#1f77b4', sortOrder: 0, ...overrides }
}

export function labelSet(overrides: Partial<LabelSet> = {}): LabelSet {
  return { id: 1, name: 'Garden birds', description: null, createdAt: '2025-11-01T00:00:00.000Z', labels: [label()], ...overrides }
}

export function recordingSummary(overrides: Partial<RecordingSummary> = {}): RecordingSummary {
  return {
    id: 12,
    deploymentId: 2,
    siteId: 1,
    fileName: '20240501_053000.WAV',
    path: '/data/season/site-01/20240501_053000.WAV',
    format: 'wav',
    sampleRate: 48_000,
    effectiveSampleRate: 48_000,
    channels: 1,
    durationS: 60,
    startTime: '2024-05-01T05:30:00+02:00',
    status: 'ok',
    statusReason: null,
    annotationCount: 0,
    detectionCount: 0,
    hasConflicts: false,
    ...overrides,
  }
}

export function recordingDetail(overrides: Partial<RecordingDetail> = {}): RecordingDetail {
  return {
    ...recordingSummary(),
    siteName: 'Oak ridge',
    deploymentName: 'Spring 2024',
    sizeBytes: 5_760_044,
    fingerprint: 'abc',
    timeExpansion: 1,
    metadata: {},
    conflicts: [],
    warnings: [],
    importedAt: '2025-11-01T00:00:00.000Z',
    ...overrides,
  }
}

export function siteTree(): SiteNode[] {
  return [
    {
      id: 1,
      name: 'Oak ridge',
      latitude: 51.5,
      longitude: -0.1,
      deployments: [
        { id: 2, siteId: 1, name: 'Spring 2024', recorderModel: 'AudioMoth', recorderSerial: '24F3', startedAt: '2024-05-01T05:30:00', endedAt: '2024-05-03T06:00:00', recordingCount: 120, totalDurationS: 7200, quarantinedCount: 1 },
      ],
    },
    { id: 4, name: 'Reed bed', latitude: null, longitude: null, deployments: [] },
  ]
}
